"""The arrows in order: source → Article → Script → takes → stored episode.

`Pipeline` loads and checks what a run needs once, then only calls the stages, each in its
own module: ingest (reading), script (writing), speech/speaking.py (the voice and its fallback
chain), episode/produce.py (timeline to store) and editions.py (what an edition gathers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from audiocast.config import Edition, Settings
from audiocast.editions import edition_about, find_edition, gather, site_time, stored_articles
from audiocast.episode import store as store_files
from audiocast.episode.identity import GUID_NAMESPACE, edition_guid, episode_guid
from audiocast.episode.produce import (
    EpisodeResult,
    Mastering,
    Producer,
    Production,
    article_errors,
)
from audiocast.episode.store import EpisodeStore
from audiocast.errors import AudiocastError
from audiocast.ingest import read_article
from audiocast.ingest.stored import stored_article_json
from audiocast.model import Article, Script
from audiocast.script import SpokenTemplates, build_script
from audiocast.script.edition import build_edition_script
from audiocast.script.normalize import Normalizers
from audiocast.speech.ahead import SpeechAhead
from audiocast.speech.cache import SpeechCache
from audiocast.speech.registry import EngineSet
from audiocast.speech.speaking import Speaker, spoken_ahead
from audiocast.speech.voices import VoiceProfile, find_voice, load_voices
from audiocast.timings import timed

STAGES = ("ingest", "script", "speech", "assemble", "loudness", "encode", "tag")

OnTake = Callable[[], None] | None  # called once per take, spoken or found in the cache
OnTakes = Callable[[int], None] | None  # called once, with how many takes the script has


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
        self.speaker = Speaker(self.voices, self.engines, self.cache)
        self.producer = Producer(Mastering.of(settings, encoders), self.cache)
        self._store: EpisodeStore | None = None

    @property
    def store(self) -> EpisodeStore:
        """Opened on first use: a command that makes no episode leaves the folder alone."""
        if self._store is None:
            self._store = EpisodeStore(self.settings.episodes_dir)
        return self._store

    def read(self, source: str) -> Article:
        return read_article(source, self.settings)

    def script(self, article: Article, ahead: SpeechAhead | None = None) -> Script:
        """ARTICLE's script; with AHEAD, each sentence is handed to it as soon as it is written."""
        normalizer = self.normalizers.for_language(article.language)
        if ahead is not None:
            normalizer = spoken_ahead(normalizer, ahead)
        return build_script(article, self.settings.show, self.templates, normalizer)

    def voice_for(self, article: Article, requested: str | None) -> VoiceProfile:
        """The voice REQUESTED, else the site's for the article's language; it must speak it."""
        return self.speaker.voice_for(article, self.settings.voice_for(article.language, requested))

    def _speech_ahead(self, voice: VoiceProfile) -> SpeechAhead | None:
        return self.speaker.ahead(voice)

    def make_episode(
        self,
        source: str | Article,
        voice_name: str | None = None,
        on_take: OnTake = None,
        on_takes: OnTakes = None,
    ) -> EpisodeResult:
        """An episode from a file or URL, or from an Article a site source already read.
        ON_TAKES, when given, is told the number of takes before the first ON_TAKE."""
        timings: dict[str, float] = {}
        with timed(timings, "ingest"):
            article = source if isinstance(source, Article) else self.read(source)
        voice = self.voice_for(article, voice_name)
        # the voice speaks each sentence while the next is being written (speech/ahead.py)
        with self.speaker.ahead_of_script(voice, timings) as ahead, timed(timings, "script"):
            script = self.script(article, ahead)
        # the article itself is kept beside its episode: editions gather it from the store
        files = {store_files.ARTICLE_FILE: stored_article_json(article)}
        guid = episode_guid(article)
        return self._episode(
            script, voice, guid, timings, on_take, on_takes, ahead=ahead, files=files
        )

    def make_edition(
        self,
        sources: Sequence[str | Article],
        edition: Edition,
        at: datetime | None = None,
        voice_name: str | None = None,
        on_take: OnTake = None,
        on_takes: OnTakes = None,
    ) -> EpisodeResult:
        """One episode gathering several articles, a chapter each (script/edition.py), in the
        language of the show it is published in (edition.show).

        SOURCES are files, URLs or Articles in the order to be heard; with none, the articles
        of the episodes in the store published in the edition's last `hours` before AT
        (default: now), in its categories, newest first, at most `max_articles`. An article
        that cannot be read, or is in another language, is left out with a warning; none left
        is an ArticleError. Its GUID comes from the edition and AT's date in the site's zone."""
        timings: dict[str, float] = {}
        when = site_time(self.settings.zone, at)
        with timed(timings, "ingest"):
            gathering = gather(self.settings, edition, sources, when, lambda: self.store)
        show = gathering.show
        with timed(timings, "script"):
            normalizer = self.normalizers.for_language(show.language)
            script = build_edition_script(
                gathering.articles, edition, show.title, self.templates, normalizer,
                language=show.language, when=when,
            )  # fmt: skip
        script.article.warnings.extend(gathering.warnings)
        voice = self.voice_for(script.article, voice_name or show.voice)
        guid = edition_guid(edition, when)
        about = edition_about(edition, gathering)
        return self._episode(script, voice, guid, timings, on_take, on_takes, about=about)

    def stored_articles(
        self, edition: Edition, when: datetime, warnings: list[str]
    ) -> list[Article]:
        """The articles kept beside the store's episodes that EDITION gathers at WHEN (see
        script.edition.gathered). One that cannot be read is left out, named in WARNINGS."""
        return stored_articles(self.store, edition, when, warnings)

    def _episode(
        self,
        script: Script,
        voice: VoiceProfile,
        guid: str,
        timings: dict[str, float],
        on_take: OnTake,
        on_takes: OnTakes,
        *,
        ahead: SpeechAhead | None = None,
        files: dict[str, str] | None = None,
        about: dict | None = None,
    ) -> EpisodeResult:
        """What every episode shares after its script: speech (falling back to other voices),
        then production up to the store. Whatever fails is an ArticleError naming the article."""
        if on_takes is not None:
            on_takes(len(script.segments))
        with article_errors(script.article.source):
            with timed(timings, "speech"):
                speech, spoke = self.speaker.speak(script, voice, on_take, ahead)
            order = Production(script, speech, spoke, guid, files or {}, about or {})
            return self.producer.produce(order, self.store, timings)


__all__ = [
    "GUID_NAMESPACE",
    "STAGES",
    "AudiocastError",
    "EpisodeResult",
    "Pipeline",
    "edition_guid",
    "episode_guid",
    "find_edition",
]
