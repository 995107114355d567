"""One sentence of an article's spoken script, played alone (the «Статья» page's ▶ beside each
line): GET /articles/{episode id}/sentence.mp3?n=N speaks line N (from 1) of the script as the
page shows it, written now with the site's lexicon (script_view.py).

It is spoken by the episode's own voice profile (the site's voice for the language when that
one is gone or speaks another language) through the desk's one voice (desk_speech.py): the
shared speech cache, so a sentence the episode has voiced, or anyone has played before, is read
back and not synthesized, and only one synthesis runs at a time. The take is levelled to the
site's loudness as an episode is (episode/loudness.py) and encoded as a short MP3, which every
browser's <audio> plays; the last few are kept in memory.

The answer's ETag is the take's content (the speech cache's key, and the site's mastering), so
the browser asks again each time (`no-cache`: a lexicon change gives the line another sound)
and gets 304 while nothing has changed. Listening changes nothing: a viewer may too.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response

from audiocast.desk.desk_speech import DeskSpeech, Voice, desk_speech
from audiocast.desk.lexicon_entry import Refused
from audiocast.desk.store_view import episode_details
from audiocast.desk.views import article_not_found
from audiocast.errors import AudiocastError

SENTENCE_FILE = "sentence.mp3"  # /articles/{episode id}/sentence.mp3?n=N
KEPT_MP3 = 64  # sentences kept encoded in memory
MAX_GAIN_DB = 24.0  # a near-silent take is not blown up to the target loudness
ENCODERS = 2  # MP3 encoders at once (a few hundredths of a second each)
_made = threading.Lock()


@dataclass(frozen=True)
class SentenceMp3:
    tag: str  # the ETag: what the MP3 is made of
    data: bytes
    voice: str
    cached: bool  # the speech came from the speech cache


class SentenceAudio:
    """Script lines as MP3, spoken by SPEECH (the desk's one voice); safe from any thread."""

    def __init__(self, speech: DeskSpeech):
        self.speech = speech
        self._kept: OrderedDict[str, SentenceMp3] = OrderedDict()
        self._lock = threading.Lock()
        self._encoders = threading.Semaphore(ENCODERS)

    def voice_for(self, episode_voice: str, language: str) -> Voice:
        """EPISODE_VOICE when it is a profile of the site that speaks LANGUAGE here, else
        the site's voice for LANGUAGE."""
        if episode_voice:
            try:
                voice = self.speech.voice(episode_voice)
            except Refused:
                voice = None  # no longer a profile, or its engine is gone: the site's voice
            if voice is not None and voice.profile.language == language:
                return voice
        return self.speech.site_voice(language)

    def tag(self, text: str, voice: Voice) -> str:
        """The ETag of TEXT in VOICE: the take's cache key and how it is mastered."""
        settings = self.speech.settings
        made_of = (
            f"{self.speech.key(text, voice)}:{settings.bitrate_kbps}:"
            f"{settings.loudness_lufs}:{settings.true_peak_dbtp}"
        )
        return '"' + hashlib.sha256(made_of.encode()).hexdigest()[:32] + '"'

    def mp3(self, text: str, voice: Voice) -> SentenceMp3:
        """TEXT spoken by VOICE, as MP3: kept, else from the speech cache or synthesized."""
        if not text.strip():
            raise Refused("В этой строке нечего произносить.", "", "", 404)
        tag = self.tag(text, voice)
        with self._lock:
            kept = self._kept.get(tag)
            if kept is not None:
                self._kept.move_to_end(tag)
                return kept
        spoken = self.speech.speak(text, voice)
        with self._encoders:
            try:
                data = self._encode(spoken.audio.samples, spoken.audio.rate)
            except AudiocastError as exc:
                raise Refused("Звук не закодировать в MP3.", "", str(exc), 503) from None
        made = SentenceMp3(tag, data, voice.name, spoken.cached)
        with self._lock:
            self._kept[tag] = made
            while len(self._kept) > KEPT_MP3:
                self._kept.popitem(last=False)
        return made

    def _encode(self, samples, rate: int) -> bytes:
        from audiocast.episode.encode import encode_mp3
        from audiocast.episode.loudness import dynamics_filters, integrated_loudness
        from audiocast.episode.produce import Mastering

        mastering = Mastering.of(self.speech.settings)
        measured = integrated_loudness(samples, rate)
        gain = mastering.loudness_lufs - measured if measured > -70 else 0.0
        gain = max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain)) if math.isfinite(gain) else 0.0
        with tempfile.TemporaryDirectory(prefix="audiocast-sentence-") as folder:
            path = Path(folder) / SENTENCE_FILE
            encode_mp3(samples, rate, path, dynamics=dynamics_filters(gain, mastering.ceiling),
                       bitrate_kbps=mastering.bitrate_kbps)  # fmt: skip
            return path.read_bytes()


def sentence_audio(state: State) -> SentenceAudio:
    """The app's SentenceAudio (STATE: app.state), made on first use."""
    with _made:
        made = getattr(state, "sentence_audio", None)
        if made is None:
            made = state.sentence_audio = SentenceAudio(desk_speech(state))
        return made


# -- the endpoint -----------------------------------------------------------------------------


def sentence(request: Request) -> Response:
    """Line N (the query's `n`, from 1) of the article's script, as MP3; a page saying why
    not (404 for an unknown article or line)."""
    desk = request.app.state.desk
    row = desk.articles.row_of(request.path_params["episode_id"])
    if row is None or row.episode is None:
        return article_not_found(request)
    script = desk.scripts.for_episode(row.episode.folder)
    raw = request.query_params.get("n", "")
    number = int(raw) if raw.isdigit() and len(raw) < 7 else 0
    if script.problem or not 1 <= number <= len(script.lines):
        shown = raw[:20] or "без номера"
        return desk.pages.error(
            request, 404, "Нет такого предложения",
            f"В сценарии этой статьи нет предложения «{shown}»: вернитесь к статье и выберите "
            f"предложение от 1 до {len(script.lines)}.",
        )  # fmt: skip
    text = script.lines[number - 1].spoken
    audio = sentence_audio(request.app.state)
    try:
        voice = audio.voice_for(episode_details(row.episode).voice, row.episode.language)
        headers = {"Cache-Control": "private, no-cache", "ETag": audio.tag(text, voice)}
        if headers["ETag"] in _tags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        made = audio.mp3(text, voice)
    except Refused as refused:
        message = refused.said
        return desk.pages.error(request, refused.status, "Не прослушать", message)
    headers["Content-Disposition"] = "inline"
    return Response(made.data, media_type="audio/mpeg", headers=headers)


def _tags(header: str) -> set[str]:
    """The ETags an If-None-Match header names (weak ones as strong: the MP3 is the same)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
