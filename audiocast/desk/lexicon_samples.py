"""«Послушать»: a sample sentence (the editor's, else one of a stored article with the word)
spoken by the site's voice with a candidate entry on top of the site's lexicon, through the
shared speech cache (desk_speech.py, the desk's one voice); the samples made a moment ago
kept for the page's <audio> to fetch.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time
import wave
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audiocast.desk.desk_speech import DeskSpeech
from audiocast.desk.lexicon_articles import around, articles_with
from audiocast.desk.lexicon_entry import MAX_SENTENCE, Refused, checked_entry, has_control
from audiocast.desk.lexicon_site import SiteLexicon
from audiocast.script.lexicon import Lexicon, match_key, stress_from_plus

if TYPE_CHECKING:
    from audiocast.model import Audio
    from audiocast.publish.catalogue import PublishedEpisode
    from audiocast.script.normalize import Normalizer

log = logging.getLogger("audiocast.desk")

SAMPLE_SEARCH_SECONDS = 0.3  # looking for a sample sentence in the stored articles, at most
KEPT_SAMPLES = 64  # recent samples kept in memory, for the page's <audio> to fetch
_SAMPLE_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Sample:
    key: str  # the speech cache's key of the sentence (and the URL the page plays it from)
    wav: bytes
    sentence: str  # as written
    spoken: str  # as the voice got it
    voice: str
    cached: bool  # found in the speech cache


class Samples:
    """A sentence spoken by the site's voice for its language, with a candidate entry on top
    of the site's lexicon, for «Послушать». The text rules are those of every run (a
    RussianNormalizer or LexiconOnly, as Normalizers.for_language chooses, built with the
    candidate's Lexicon: ru-normalizr's dictionaries are loaded once per process, so building
    one costs microseconds); the speech goes through the shared speech cache."""

    def __init__(
        self,
        lexicon: SiteLexicon,
        episodes: Callable[[], Iterable[PublishedEpisode]],
        speech: DeskSpeech | None = None,
    ):
        self.site = lexicon
        self.settings = lexicon.settings
        self.speech = speech or DeskSpeech(lexicon.settings)  # the desk's one voice, shared
        self._episodes = episodes
        self._lock = threading.Lock()  # one normalizer at a time
        self._recent: OrderedDict[str, bytes] = OrderedDict()
        self._sentences: OrderedDict[tuple[str, int], str] = OrderedDict()

    def speak(self, written: str, spoken: str, sentence: str = "") -> Sample:
        written, spoken = checked_entry(written, spoken)
        sentence = " ".join(sentence.split())
        if len(sentence) > MAX_SENTENCE:
            raise Refused(f"Не длиннее {MAX_SENTENCE} знаков (сейчас {len(sentence)}).", "sentence")
        if has_control(sentence):
            raise Refused("Одна строка, без управляющих знаков.", "sentence")
        sentence = sentence or self.sentence_for(written)
        lexicon = with_entry(self.site.lexicon(), written, spoken)
        with self._lock:
            text = self._normalizer(lexicon)(sentence)
        if not text.strip():
            raise Refused("В этой фразе нечего произносить.", "sentence")
        voice = self.speech.site_voice(self.site.language)
        made = self.speech.speak(text, voice)
        wav = wav_bytes(made.audio)
        with self._lock:
            self._recent[made.key] = wav
            self._recent.move_to_end(made.key)
            while len(self._recent) > KEPT_SAMPLES:
                self._recent.popitem(last=False)
        return Sample(made.key, wav, sentence, text, voice.name, made.cached)

    def audio(self, key: str) -> bytes | None:
        """The WAV of the sample KEY: kept from a moment ago, else from the speech cache."""
        if not _SAMPLE_KEY.fullmatch(key):
            return None
        with self._lock:
            kept = self._recent.get(key)
        if kept is not None:
            return kept
        audio = self.speech.cache.get(key)
        return wav_bytes(audio) if audio is not None else None

    def sentence_for(self, written: str) -> str:
        """A sentence of a stored article with WRITTEN in it (the newest found within
        SAMPLE_SEARCH_SECONDS), else «Слово: WRITTEN.»."""
        episodes = list(self._episodes())
        key = (written, len(episodes))
        with self._lock:
            known = self._sentences.get(key)
        if known is not None:
            return known
        deadline = time.monotonic() + SAMPLE_SEARCH_SECONDS
        found = articles_with(written, episodes, self.site.language, limit=1, deadline=deadline)
        sentence = around(found[0].sentence, written) if found else f"Слово: {written}."
        with self._lock:
            self._sentences[key] = sentence
            while len(self._sentences) > KEPT_SAMPLES:
                self._sentences.popitem(last=False)
        return sentence

    def warm_up(self) -> None:
        """The text rules and the voice made now, so that the first «Послушать» is quick."""
        try:
            with self._lock:
                self._normalizer(self.site.lexicon())("Слово.")
            self.speech.site_voice(self.site.language)
        except Exception:  # the first sample says what is wrong
            log.exception("the lexicon's samples could not get ready")

    def _normalizer(self, lexicon: Lexicon) -> Normalizer:
        from audiocast.script.normalize import LexiconOnly, RussianNormalizer

        if self.site.language == "ru":
            return RussianNormalizer(lexicon)
        return LexiconOnly(lexicon)


def with_entry(lexicon: Lexicon, written: str, spoken: str) -> Lexicon:
    """LEXICON with WRITTEN = SPOKEN ("+" marks) on top, replacing what matches alike."""
    key = match_key(written)
    entries = {w: s for w, s in lexicon.entries.items() if match_key(w) != key}
    entries[written] = stress_from_plus(spoken)
    return Lexicon(entries)


def wav_bytes(audio: Audio) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(audio.rate)
        writer.writeframes(audio.samples.astype("<i2").tobytes())
    return buffer.getvalue()
