"""The arrows in order: source → Article → Script → takes → assembled audio → stored episode."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from audiocast import __version__
from audiocast.config import Edition, Settings, Show
from audiocast.episode import store as store_files
from audiocast.episode.audio import (
    JINGLE,
    STING,
    Timeline,
    assemble,
    generated_jingle,
    generated_sting,
    jingle_from_file,
)
from audiocast.episode.cover import cover_jpeg
from audiocast.episode.encode import codec_gain_db, encode_timeline_mp3
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
from audiocast.errors import ArticleError, AudiocastError, ConfigError, EngineError
from audiocast.ingest import read_article
from audiocast.ingest.stored import read_stored_articles, stored_article_json
from audiocast.model import Article, Audio, EpisodeInfo, Script
from audiocast.script import SpokenTemplates, build_script
from audiocast.script.edition import (
    articles_in_language,
    build_edition_script,
    each_once,
    edition_category,
    gathered,
)
from audiocast.script.normalize import Normalizer, Normalizers
from audiocast.speech.ahead import SpeechAhead
from audiocast.speech.cache import SpeechCache
from audiocast.speech.engine import max_in_flight, voice_problem
from audiocast.speech.registry import EngineSet
from audiocast.speech.synthesize import synthesize_script
from audiocast.speech.voices import VoiceProfile, find_voice, load_voices

STAGES = ("ingest", "script", "speech", "assemble", "loudness", "encode", "tag")
TRUE_PEAK_MARGIN_DB = 1.5
GUID_NAMESPACE = uuid.UUID("0b7a3c2e-5d1f-4e8a-9c6b-2f4d8e1a7b3c")
DEFAULT_EDITION_SLUG = "daily"
DEFAULT_EDITION_TITLE = "Главное за день"


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


def edition_guid(edition: Edition, when: datetime) -> str:
    """One per edition and day: re-making the day's edition replaces it in place."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"edition:{edition.slug}:{when.date().isoformat()}"))


def find_edition(settings: Settings, slug: str | None = None) -> Edition:
    """The edition named SLUG, else the first configured; with none configured, the built-in
    «Главное за день» published in the first show."""
    editions = settings.editions or (
        Edition(DEFAULT_EDITION_SLUG, DEFAULT_EDITION_TITLE, settings.all_shows()[0].slug),
    )
    if slug is None:
        return editions[0]
    for edition in editions:
        if edition.slug == slug:
            return edition
    known = ", ".join(edition.slug for edition in editions)
    raise ConfigError(f"editions: no edition {slug!r} (configured: {known})")


class Pipeline:
    """Everything one run needs, loaded and checked once, then used for every article."""

    def __init__(self, settings: Settings, engines: EngineSet | None = None, *, encoders: int = 2):
        """ENCODERS: MP3 encoders an episode may run at once (1 where other processes already
        use every core, as sync's workers do)."""
        self.settings = settings
        self.encoders = encoders
        self.voices = load_voices(settings.voices_dir)
        find_voice(self.voices, settings.voice)  # a wrong default voice fails before any work
        self.engines = engines or EngineSet()
        self.templates = SpokenTemplates.from_dirs(settings.templates_dir)
        # the lexicon files are read and checked here, before any article is touched
        self.normalizers = Normalizers(settings.lexicon, settings.language)
        self.cache = SpeechCache(settings.cache_dir / "speech")
        self._jingles: dict[int, Audio] = {}
        self._stings: dict[int, Audio] = {}
        self._store: EpisodeStore | None = None

    @property
    def store(self) -> EpisodeStore:
        if self._store is None:
            self._store = EpisodeStore(self.settings.episodes_dir)
        return self._store

    def read(self, source: str) -> Article:
        return read_article(source, self.settings)

    def script(self, article: Article, ahead: SpeechAhead | None = None) -> Script:
        """ARTICLE's script; with AHEAD, each sentence is handed to it as soon as it is written."""
        normalizer = self.normalizers.for_language(article.language)
        if ahead is not None:
            normalizer = _then(normalizer, ahead)
        return build_script(article, self.settings.show, self.templates, normalizer)

    def _speech_ahead(self, voice: VoiceProfile) -> SpeechAhead | None:
        """A SpeechAhead for VOICE when its engine speaks here and in this process; a network
        engine is left to synthesize_script, which keeps its requests within the limits."""
        try:
            engine = self.engines.get(voice.engine)
        except EngineError:
            return None  # _speak reports it, or falls back
        if voice_problem(engine, voice) is not None or max_in_flight(engine, voice) > 1:
            return None
        return SpeechAhead(voice, engine, self.cache)

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
        source: str | Article,
        voice_name: str | None = None,
        on_take: Callable[[], None] | None = None,
    ) -> EpisodeResult:
        """An episode from a file or URL, or from an Article a site source already read."""
        timings: dict[str, float] = {}
        with _timed(timings, "ingest"):
            article = source if isinstance(source, Article) else self.read(source)
        voice = self.voice_for(article, voice_name)
        # the voice speaks each sentence while the next is being written (speech/ahead.py)
        ahead = self._speech_ahead(voice)
        with contextlib.ExitStack() as speaking:
            if ahead is not None:
                speaking.enter_context(ahead)
            with _timed(timings, "script"):
                script = self.script(article, ahead)
            with _timed(timings, "speech"):  # the sentences still being spoken
                speaking.close()
        # the article itself is kept beside its episode: editions gather it from the store
        files = {store_files.ARTICLE_FILE: stored_article_json(article)}
        result = self._produce(script, voice, episode_guid(article), timings, on_take, files=files)
        if ahead is not None:  # what it spoke was made for this episode, not found in the cache
            moved = min(ahead.spoken, result.cached)
            result.synthesized, result.cached = result.synthesized + moved, result.cached - moved
        return result

    def make_edition(
        self,
        sources: Sequence[str | Article],
        edition: Edition,
        at: datetime | None = None,
        voice_name: str | None = None,
        on_take: Callable[[], None] | None = None,
    ) -> EpisodeResult:
        """One episode gathering several articles, a chapter each (script/edition.py), in the
        language of the show it is published in (edition.show).

        SOURCES are files, URLs or Articles in the order to be heard; with none, the articles
        of the episodes in the store published in the edition's last `hours` before AT
        (default: now), in its categories, newest first, at most `max_articles`. An article
        that cannot be read, or is in another language, is left out with a warning; none left
        is an ArticleError. Its GUID comes from the edition and AT's date in the site's zone."""
        timings: dict[str, float] = {}
        when = self._site_time(at)
        show = self._show_of(edition)
        warnings = _publication_warnings(edition, show)
        with _timed(timings, "ingest"):
            articles = self._edition_articles(sources, edition, when, show.language, warnings)
        with _timed(timings, "script"):
            normalizer = self.normalizers.for_language(show.language)
            script = build_edition_script(
                articles, edition, show.title, self.templates, normalizer,
                language=show.language, when=when,
            )  # fmt: skip
        script.article.warnings.extend(warnings)
        voice = self.voice_for(script.article, voice_name or show.voice)
        # what the publish stage needs to put the edition in its show, and what it holds
        about = {
            "edition": {
                "slug": edition.slug,
                "show": show.slug,
                "articles": [{"guid": episode_guid(a), "title": a.title} for a in articles],
            }
        }
        guid = edition_guid(edition, when)
        return self._produce(script, voice, guid, timings, on_take, info_extra=about)

    def stored_articles(
        self, edition: Edition, when: datetime, warnings: list[str]
    ) -> list[Article]:
        """The articles kept beside the store's episodes that EDITION gathers at WHEN (see
        script.edition.gathered). One that cannot be read is left out, named in WARNINGS."""
        paths = [
            self.store.folder / name / store_files.ARTICLE_FILE for name in self.store.episode_ids()
        ]
        # an edition's own folder, or an episode made before articles were kept, has none
        problems: list[str] = []
        stored = read_stored_articles([path for path in paths if path.is_file()], problems)
        found = gathered(stored, edition, when)
        warnings += [f"{problem}; left out of the edition" for problem in problems]
        return found

    def _edition_articles(
        self,
        sources: Sequence[str | Article],
        edition: Edition,
        when: datetime,
        language: str,
        warnings: list[str],
    ) -> list[Article]:
        if sources:
            articles = self._read_all(sources, warnings)
        else:
            articles = self.stored_articles(edition, when, warnings)
        articles, other_language = articles_in_language(articles, language)
        warnings += other_language
        articles = each_once(articles)
        if not sources:
            articles = articles[: edition.max_articles]
        if not articles:
            reason = _nothing_to_gather(edition, when, sources)
            raise ArticleError(f"edition {edition.slug}", reason)
        return articles

    def _read_all(self, sources: Sequence[str | Article], warnings: list[str]) -> list[Article]:
        """The articles that can be read; each one that cannot is a warning, not the end."""
        articles = []
        for source in sources:
            try:
                article = source if isinstance(source, Article) else self.read(source)
            except ArticleError as exc:
                warnings.append(f"{exc}; left out of the edition")
                continue
            warnings += article.warnings
            articles.append(article)
        return articles

    def _show_of(self, edition: Edition) -> Show:
        for show in self.settings.all_shows():
            if show.slug == edition.show:
                return show
        known = ", ".join(show.slug for show in self.settings.all_shows())
        raise ConfigError(
            f"editions: {edition.slug}: show {edition.show!r} is not a configured show "
            f"(shows: {known})"
        )

    def _site_time(self, at: datetime | None) -> datetime:
        """AT (default: now) in the site's time zone; a time without an offset is taken there."""
        zone = self.settings.zone
        if at is None:
            return datetime.now(zone)
        return at.astimezone(zone) if at.tzinfo else at.replace(tzinfo=zone)

    def _produce(
        self,
        script: Script,
        voice: VoiceProfile,
        guid: str,
        timings: dict[str, float],
        on_take: Callable[[], None] | None,
        *,
        files: dict[str, str] | None = None,
        info_extra: dict | None = None,
    ) -> EpisodeResult:
        """What every episode shares, after its script: speech → assemble → loudness →
        encode → tags → store. FILES (name → text) are stored beside the episode; INFO_EXTRA
        is added to its episode.json. Whatever fails is an ArticleError naming the article."""
        with _article_errors(script.article.source):
            article = script.article
            with _timed(timings, "speech"):
                speech, voice = self._speak(article, script, voice, on_take)
            with _timed(timings, "assemble"):
                clips = {JINGLE: self._jingle(speech.rate), STING: self._sting(speech.rate)}
                takes = [(take.key, take.length) for take in speech.takes]
                timeline = assemble(
                    script.segments, takes, speech.rate,
                    len(clips[JINGLE].samples), len(clips[STING].samples),
                )  # fmt: skip

                def load(clip: str) -> np.ndarray:
                    return clips[clip].samples if clip in clips else self.cache.samples(clip)

            with _timed(timings, "loudness"):
                levelling = self._levelling(timeline, load)
            episode_id = guid.replace("-", "")[:16]
            staging = self.store.staging(episode_id)
            try:
                audio_path = staging / store_files.AUDIO_FILE
                with _timed(timings, "encode"):
                    encode_timeline_mp3(
                        timeline,
                        load,
                        audio_path,
                        dynamics=dynamics_filters(levelling.gain_db, self._ceiling()),
                        bitrate_kbps=self.settings.bitrate_kbps,
                        encoders=self.encoders,
                    )
                with _timed(timings, "tag"):
                    info = self._info(article, script, voice, guid, episode_id, timeline, levelling)
                    write_tags(audio_path, self._tags(info, timeline))
                    info.audio_bytes = audio_path.stat().st_size
                    self._write_sidecars(staging, info, timeline, info_extra or {})
                    for name, text in (files or {}).items():
                        (staging / name).write_text(text, encoding="utf-8")
                    folder = self.store.commit(staging, episode_id)
            except BaseException:
                self.store.discard(staging)
                raise
            return EpisodeResult(
                article.source,
                info,
                folder,
                speech.synthesized,
                speech.cached,
                article.warnings,
                timings,
            )

    def _levelling(self, timeline: Timeline, load) -> Levelling:
        """The gain that brings the episode to its loudness target (see loudness.calibrate)."""
        rate = timeline.rate
        windows = excerpt_windows(timeline.length, rate)
        excerpt = np.concatenate([timeline.read(start, stop, load) for start, stop in windows])
        codec_gain = codec_gain_db(self.settings.bitrate_kbps, self.settings.cache_dir)

        def before() -> float:  # measured while ffmpeg runs the first passes
            return integrated_loudness(timeline.chunks(load), rate)

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

    def _sting(self, rate: int) -> Audio:
        if rate not in self._stings:
            self._stings[rate] = generated_sting(rate)
        return self._stings[rate]

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
    def _write_sidecars(folder: Path, info: EpisodeInfo, timeline, extra: dict) -> None:
        (folder / store_files.TRANSCRIPT_FILE).write_text(webvtt(timeline.cues), encoding="utf-8")
        (folder / store_files.CHAPTERS_FILE).write_text(
            chapters_json(timeline.chapters, info.title), encoding="utf-8"
        )
        (folder / store_files.INFO_FILE).write_text(
            json.dumps(asdict(info) | extra, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )


def _publication_warnings(edition: Edition, show: Show) -> list[str]:
    """An edition is published in its show only if that show gathers the edition's category
    (see publish/catalogue.py): say so now rather than leave it out of every feed silently."""
    category = edition_category(edition.slug)
    if show.includes(category):
        return []
    return [
        f"edition {edition.slug}: show {show.slug} gathers only {', '.join(show.categories)}; "
        f"add {category!r} to its categories, or the edition is in no feed"
    ]


def _nothing_to_gather(edition: Edition, when: datetime, sources: Sequence) -> str:
    if sources:
        return "none of the articles given can go into it"
    since = when - timedelta(hours=edition.hours)
    categories = f" in {', '.join(edition.categories)}" if edition.categories else ""
    return (
        f"no episode in the store was published between {since:%Y-%m-%d %H:%M} and "
        f"{when:%Y-%m-%d %H:%M}{categories}"
    )


def _then(normalizer: Normalizer, ahead: SpeechAhead) -> Normalizer:
    return lambda written: ahead(normalizer(written))


def _first_sentence(script: Script) -> str:
    for segment in script.segments:
        if segment.kind.value == "sentence":
            return segment.text
    return script.article.title


@contextmanager
def _article_errors(source: str):
    """Errors of making one article's episode, as ArticleError naming SOURCE: ffmpeg or an
    engine failing, a full disk, a file-size limit, a store that went away. A configuration
    error stays one (it is no fault of the article)."""
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


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


__all__ = [
    "STAGES",
    "AudiocastError",
    "EpisodeResult",
    "Pipeline",
    "edition_guid",
    "episode_guid",
    "find_edition",
]
