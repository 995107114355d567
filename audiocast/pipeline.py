"""The arrows in order: source → Article → Script → takes → assembled audio → stored episode."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from audiocast import __version__
from audiocast.config import Settings
from audiocast.episode import store as store_files
from audiocast.episode.audio import JINGLE, Timeline, assemble, generated_jingle, jingle_from_file
from audiocast.episode.cover import cover_jpeg
from audiocast.episode.encode import codec_gain_db, encode_mp3
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
from audiocast.errors import ArticleError, AudiocastError, EngineError
from audiocast.ingest import read_article
from audiocast.model import Article, EpisodeInfo, Script
from audiocast.script import SpokenTemplates, build_script
from audiocast.script.normalize import Normalizers
from audiocast.speech.cache import SpeechCache
from audiocast.speech.engine import Audio, EngineSet, voice_problem
from audiocast.speech.synthesize import synthesize_script
from audiocast.speech.voices import VoiceProfile, find_voice, load_voices

STAGES = ("ingest", "script", "speech", "assemble", "loudness", "encode", "tag")
TRUE_PEAK_MARGIN_DB = 1.0
GUID_NAMESPACE = uuid.UUID("0b7a3c2e-5d1f-4e8a-9c6b-2f4d8e1a7b3c")


@dataclass
class EpisodeResult:
    source: str
    info: EpisodeInfo
    folder: Path
    synthesized: int
    cached: int
    warnings: list[str]
    timings: dict[str, float] = field(default_factory=dict)


def episode_guid(article: Article) -> str:
    """Stable across runs and edits: derived from the article's identity only."""
    return str(uuid.uuid5(GUID_NAMESPACE, article.identity))


class Pipeline:
    """Everything one run needs, loaded and checked once, then used for every article."""

    def __init__(self, settings: Settings, engines: EngineSet | None = None):
        self.settings = settings
        self.voices = load_voices(settings.voices_dir)
        find_voice(self.voices, settings.voice)  # a wrong default voice fails before any work
        self.engines = engines or EngineSet()
        self.templates = SpokenTemplates.from_dirs(settings.templates_dir)
        # the lexicon files are read and checked here, before any article is touched
        self.normalizers = Normalizers(settings.lexicon, settings.language)
        self.cache = SpeechCache(settings.cache_dir / "speech")
        self._jingles: dict[int, Audio] = {}
        self._store: EpisodeStore | None = None

    @property
    def store(self) -> EpisodeStore:
        if self._store is None:
            self._store = EpisodeStore(self.settings.episodes_dir)
        return self._store

    def read(self, source: str) -> Article:
        return read_article(source, self.settings)

    def script(self, article: Article) -> Script:
        normalizer = self.normalizers.for_language(article.language)
        return build_script(article, self.settings.show, self.templates, normalizer)

    def voice_for(self, article: Article, requested: str | None) -> VoiceProfile:
        voice = find_voice(self.voices, self.settings.voice_for(article.language, requested))
        if voice.language != article.language:
            raise ArticleError(
                article.source,
                f"article is in {article.language!r} but voice {voice.name} speaks "
                f"{voice.language!r}; choose another with --voice",
            )
        return voice

    def _speak(self, article: Article, script: Script, voice: VoiceProfile, on_take):
        """Synthesize with VOICE, or with its fallback chain when its engine is unavailable,
        does not speak the language, or fails after its retries. Returns what spoke."""
        failures: list[str] = []
        for candidate in self._fallback_chain(voice):
            engine = self.engines.get(candidate.engine)
            problem = voice_problem(engine, candidate)
            if problem is None:
                try:
                    result = synthesize_script(script, candidate, engine, self.cache, on_take)
                except EngineError as exc:
                    problem = str(exc)
                else:
                    if failures:
                        article.warnings.append(
                            f"{article.source}: {'; '.join(failures)}; spoken by {candidate.name}"
                        )
                    return result, candidate
            failures.append(f"voice {candidate.name}: {problem}")
        speakers = self._profiles_speaking(voice.language)
        hint = f" (voice profiles for {voice.language!r}: {speakers})" if speakers else ""
        raise ArticleError(article.source, "; ".join(failures) + hint)

    def _fallback_chain(self, voice: VoiceProfile) -> list[VoiceProfile]:
        chain = [voice]
        while chain[-1].fallback and chain[-1].fallback not in [v.name for v in chain]:
            chain.append(find_voice(self.voices, chain[-1].fallback))
        return chain

    def _profiles_speaking(self, language: str) -> str:
        names = []
        for profile in sorted(self.voices.values(), key=lambda v: v.name):
            try:
                engine = self.engines.get(profile.engine)
            except EngineError:
                continue
            if profile.language == language and voice_problem(engine, profile) is None:
                names.append(profile.name)
        return ", ".join(names)

    def make_episode(
        self,
        source: str,
        voice_name: str | None = None,
        on_take: Callable[[], None] | None = None,
    ) -> EpisodeResult:
        timings: dict[str, float] = {}
        with _timed(timings, "ingest"):
            article = self.read(source)
        with _timed(timings, "script"):
            script = self.script(article)
        voice = self.voice_for(article, voice_name)
        with _timed(timings, "speech"):
            speech, voice = self._speak(article, script, voice, on_take)
        with _timed(timings, "assemble"):
            jingle = self._jingle(speech.rate)
            takes = [(take.key, take.length) for take in speech.takes]
            timeline = assemble(script.segments, takes, speech.rate, len(jingle.samples))

            def load(clip: str) -> np.ndarray:
                return jingle.samples if clip == JINGLE else self.cache.samples(clip)

        with _timed(timings, "loudness"):
            levelling = self._levelling(timeline, load)
        guid = episode_guid(article)
        episode_id = guid.replace("-", "")[:16]
        staging = self.store.staging(episode_id)
        try:
            audio_path = staging / store_files.AUDIO_FILE
            with _timed(timings, "encode"):
                encode_mp3(
                    timeline.chunks(load),
                    timeline.rate,
                    audio_path,
                    dynamics=dynamics_filters(levelling.gain_db, self._ceiling()),
                    bitrate_kbps=self.settings.bitrate_kbps,
                )
            with _timed(timings, "tag"):
                info = self._info(article, script, voice, guid, episode_id, timeline, levelling)
                write_tags(audio_path, self._tags(info, timeline))
                info.audio_bytes = audio_path.stat().st_size
                self._write_sidecars(staging, info, timeline)
                folder = self.store.commit(staging, episode_id)
        except BaseException:
            self.store.discard(staging)
            raise
        return EpisodeResult(
            source, info, folder, speech.synthesized, speech.cached, article.warnings, timings
        )

    def _levelling(self, timeline: Timeline, load) -> Levelling:
        """The gain that brings the episode to its loudness target (see loudness.calibrate)."""
        rate = timeline.rate
        before = integrated_loudness(timeline.chunks(load), rate)
        windows = excerpt_windows(timeline.length, rate)
        excerpt = np.concatenate([timeline.read(start, stop, load) for start, stop in windows])
        codec_gain = codec_gain_db(self.settings.bitrate_kbps, self.settings.cache_dir)
        return calibrate(
            before, excerpt, rate, self.settings.loudness_lufs, self._ceiling(), codec_gain
        )

    def _ceiling(self) -> float:
        """Sample-peak ceiling: resampling and MP3 encoding add up to about a decibel of
        inter-sample peak on speech, so peaks are held that far below the true-peak target."""
        return self.settings.true_peak_dbtp - TRUE_PEAK_MARGIN_DB

    def _jingle(self, rate: int) -> Audio:
        if rate not in self._jingles:
            path = self.settings.jingle
            self._jingles[rate] = jingle_from_file(path, rate) if path else generated_jingle(rate)
        return self._jingles[rate]

    def _info(self, article, script, voice, guid, episode_id, timeline, levelling) -> EpisodeInfo:
        return EpisodeInfo(
            guid=guid,
            episode_id=episode_id,
            title=article.title,
            author=article.author,
            show=script.show,
            published=article.published.isoformat(),
            category=article.category,
            tags=article.tags,
            url=article.url,
            language=article.language,
            description=article.lead or _first_sentence(script),
            voice=voice.name,
            duration=round(timeline.duration, 3),
            audio_file=store_files.AUDIO_FILE,
            audio_bytes=0,
            bitrate_kbps=self.settings.bitrate_kbps,
            loudness_lufs=round(levelling.predicted_lufs, 2),
            true_peak_dbtp=self.settings.true_peak_dbtp,
            chapters=timeline.chapters,
            source=article.source,
            generator=f"audiocast {__version__}",
        )

    def _tags(self, info: EpisodeInfo, timeline) -> EpisodeTags:
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
            cover_jpeg=cover_jpeg(info.show, self.settings.cover, self.settings.cache_dir),
        )

    @staticmethod
    def _write_sidecars(folder: Path, info: EpisodeInfo, timeline) -> None:
        (folder / store_files.TRANSCRIPT_FILE).write_text(webvtt(timeline.cues), encoding="utf-8")
        (folder / store_files.CHAPTERS_FILE).write_text(
            chapters_json(timeline.chapters, info.title), encoding="utf-8"
        )
        (folder / store_files.INFO_FILE).write_text(
            json.dumps(asdict(info), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def _first_sentence(script: Script) -> str:
    for segment in script.segments:
        if segment.kind.value == "sentence":
            return segment.text
    return script.article.title


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


__all__ = ["STAGES", "AudiocastError", "EpisodeResult", "Pipeline", "episode_guid"]
