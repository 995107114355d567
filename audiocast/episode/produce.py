"""A spoken script → a stored episode: assemble the timeline, level it, encode it, tag it, write
its transcript, chapters and episode.json beside it, and commit the folder to the store.

What every episode shares after speech, whether of one article or an edition: the caller says
what to make (`Production`), the site's `Mastering` says how it sounds, and the result is an
`EpisodeResult`. The folder is built in the store's staging area and committed whole, so a
failure leaves the previous episode in place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from audiocast import __version__
from audiocast.config import Settings
from audiocast.episode import store as store_files
from audiocast.episode.audio import (
    JINGLE,
    STING,
    ClipLoader,
    Timeline,
    assemble,
    generated_jingle,
    generated_sting,
    jingle_from_file,
)
from audiocast.episode.cover import cover_jpeg
from audiocast.episode.encode import codec_gain_db, encode_timeline_mp3
from audiocast.episode.identity import episode_id
from audiocast.episode.loudness import (
    Levelling,
    calibrate,
    dynamics_filters,
    excerpt_windows,
    integrated_loudness,
)
from audiocast.episode.store import EpisodeStore
from audiocast.episode.tags import EpisodeTags, write_tags
from audiocast.episode.transcript import chapters_json, plain_transcript, webvtt
from audiocast.errors import ArticleError, AudiocastError, ConfigError
from audiocast.model import Audio, EpisodeInfo, Script
from audiocast.speech.cache import SpeechCache
from audiocast.speech.synthesize import SpeechResult
from audiocast.speech.voices import VoiceProfile
from audiocast.timings import timed

# resampling and MP3 encoding add up to about a decibel of inter-sample peak on speech
TRUE_PEAK_MARGIN_DB = 1.5


@dataclass(frozen=True)
class Mastering:
    """How every episode of a site sounds and is encoded (audiocast.toml)."""

    bitrate_kbps: int
    loudness_lufs: float
    true_peak_dbtp: float
    jingle: Path | None  # None: the generated one
    cover: Path | None  # None: drawn from the show's name
    cache_dir: Path  # where the encoder's level change and drawn covers are kept
    encoders: int = 2  # MP3 encoders an episode may run at once

    @classmethod
    def of(cls, settings: Settings, encoders: int = 2) -> Mastering:
        return cls(
            settings.bitrate_kbps,
            settings.loudness_lufs,
            settings.true_peak_dbtp,
            settings.jingle,
            settings.cover,
            settings.cache_dir,
            encoders,
        )

    @property
    def ceiling(self) -> float:
        """Sample-peak ceiling: held TRUE_PEAK_MARGIN_DB below the true-peak target."""
        return self.true_peak_dbtp - TRUE_PEAK_MARGIN_DB


@dataclass
class Production:
    """What to make into a stored episode: SCRIPT as SPEECH spoke it (by VOICE, after any
    fallback), under GUID; FILES (name → text) are stored beside it, ABOUT is added to its
    episode.json."""

    script: Script
    speech: SpeechResult
    voice: VoiceProfile
    guid: str
    files: dict[str, str] = field(default_factory=dict)
    about: dict = field(default_factory=dict)


@dataclass
class EpisodeResult:
    """A stored episode, what its speech cost (sentences SYNTHESIZED, or found CACHED), the
    article's WARNINGS, and seconds per stage (pipeline.STAGES) for the CLI and benchmarks."""

    source: str
    info: EpisodeInfo
    folder: Path
    synthesized: int
    cached: int
    warnings: list[str]
    timings: dict[str, float] = field(default_factory=dict)


class Producer:
    """Makes episodes with one MASTERING, reading takes from CACHE; the jingle and the sting
    are made once per sample rate and kept."""

    def __init__(self, mastering: Mastering, cache: SpeechCache):
        self.mastering = mastering
        self.cache = cache
        self._jingles: dict[int, Audio] = {}
        self._stings: dict[int, Audio] = {}

    def produce(
        self, order: Production, store: EpisodeStore, timings: dict[str, float]
    ) -> EpisodeResult:
        """ORDER as an episode committed to STORE; each step's seconds are added to TIMINGS."""
        with timed(timings, "assemble"):
            timeline, load = self._timeline(order)
        with timed(timings, "loudness"):
            levelling = self._levelling(timeline, load)
        folder_name = episode_id(order.guid)
        staging = store.staging(folder_name)
        try:
            audio_path = staging / store_files.AUDIO_FILE
            with timed(timings, "encode"):
                encode_timeline_mp3(
                    timeline,
                    load,
                    audio_path,
                    dynamics=dynamics_filters(levelling.gain_db, self.mastering.ceiling),
                    bitrate_kbps=self.mastering.bitrate_kbps,
                    encoders=self.mastering.encoders,
                )
            with timed(timings, "tag"):
                info = self._info(order, folder_name, timeline, levelling)
                write_tags(audio_path, self._tags(info, timeline))
                info.audio_bytes = audio_path.stat().st_size
                _write_sidecars(staging, info, timeline, order)
                folder = store.commit(staging, folder_name)
        except BaseException:
            store.discard(staging)
            raise
        article, speech = order.script.article, order.speech
        return EpisodeResult(
            article.source,
            info,
            folder,
            speech.synthesized,
            speech.cached,
            article.warnings,
            timings,
        )

    def _timeline(self, order: Production) -> tuple[Timeline, ClipLoader]:
        """The takes placed between the jingles (and stings), and how to read each clip."""
        rate = order.speech.rate
        clips = {JINGLE: self._jingle(rate), STING: self._sting(rate)}
        takes = [(take.key, take.length) for take in order.speech.takes]
        timeline = assemble(
            order.script.segments, takes, rate,
            len(clips[JINGLE].samples), len(clips[STING].samples),
        )  # fmt: skip

        def load(clip: str) -> np.ndarray:
            return clips[clip].samples if clip in clips else self.cache.samples(clip)

        return timeline, load

    def _levelling(self, timeline: Timeline, load: ClipLoader) -> Levelling:
        """The gain that brings the episode to its loudness target (see loudness.calibrate)."""
        rate, mastering = timeline.rate, self.mastering
        windows = excerpt_windows(timeline.length, rate)
        excerpt = np.concatenate([timeline.read(start, stop, load) for start, stop in windows])
        codec_gain = codec_gain_db(mastering.bitrate_kbps, mastering.cache_dir)

        def before() -> float:  # measured while ffmpeg runs the first passes
            return integrated_loudness(timeline.chunks(load), rate)

        return calibrate(
            before, excerpt, rate, mastering.loudness_lufs, mastering.ceiling, codec_gain
        )

    def _jingle(self, rate: int) -> Audio:
        if rate not in self._jingles:
            path = self.mastering.jingle
            self._jingles[rate] = jingle_from_file(path, rate) if path else generated_jingle(rate)
        return self._jingles[rate]

    def _sting(self, rate: int) -> Audio:
        if rate not in self._stings:
            self._stings[rate] = generated_sting(rate)
        return self._stings[rate]

    def _info(
        self, order: Production, folder_name: str, timeline: Timeline, levelling: Levelling
    ) -> EpisodeInfo:
        script, article = order.script, order.script.article
        return EpisodeInfo(
            guid=order.guid,
            episode_id=folder_name,
            title=article.title,
            author=article.author,
            show=script.show,
            published=article.published.isoformat(),
            category=article.category,
            tags=article.tags,
            url=article.url,
            language=article.language,
            description=article.lead or _first_sentence(script),
            voice=order.voice.name,
            duration=round(timeline.duration, 3),
            audio_file=store_files.AUDIO_FILE,
            audio_bytes=0,
            bitrate_kbps=self.mastering.bitrate_kbps,
            loudness_lufs=round(levelling.predicted_lufs, 2),
            true_peak_dbtp=self.mastering.true_peak_dbtp,
            chapters=timeline.chapters,
            source=article.source,
            generator=f"audiocast {__version__}",
        )

    def _tags(self, info: EpisodeInfo, timeline: Timeline) -> EpisodeTags:
        cover = cover_jpeg(info.show, self.mastering.cover, self.mastering.cache_dir)
        return EpisodeTags(
            title=info.title,
            author=info.author,
            show=info.show,
            date=info.published,
            url=info.url,
            guid=info.guid,
            language=info.language,
            description=info.description,
            transcript=plain_transcript(timeline.cues),
            chapters=timeline.chapters,
            duration=timeline.duration,
            cover_jpeg=cover,
        )


@contextmanager
def article_errors(source: str) -> Iterator[None]:
    """Errors of making one article's episode, its speech included, as ArticleError naming
    SOURCE: ffmpeg or an engine failing, a full disk, a file-size limit, a store that went
    away. A configuration error stays one (it is no fault of the article)."""
    try:
        yield
    except (ArticleError, ConfigError):
        raise
    except AudiocastError as exc:
        raise ArticleError(source, str(exc)) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        raise ArticleError(source, f"cannot make the episode: {reason}{where}") from exc


def _write_sidecars(folder: Path, info: EpisodeInfo, timeline: Timeline, order: Production):
    """The transcript, the chapters, episode.json and ORDER's own files, in FOLDER."""
    (folder / store_files.TRANSCRIPT_FILE).write_text(webvtt(timeline.cues), encoding="utf-8")
    (folder / store_files.CHAPTERS_FILE).write_text(
        chapters_json(timeline.chapters, info.title), encoding="utf-8"
    )
    (folder / store_files.INFO_FILE).write_text(
        json.dumps(asdict(info) | order.about, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    for name, text in order.files.items():
        (folder / name).write_text(text, encoding="utf-8")


def _first_sentence(script: Script) -> str:
    for segment in script.segments:
        if segment.kind.value == "sentence":
            return segment.text
    return script.article.title
