"""`audiocast sync`: site sources → new and edited articles → episodes (on every core) →
removed articles dropped → feeds and pages rebuilt. Safe to interrupt and to run again.
An article excluded from the podcast (state.py's exclusions) is never voiced, edited or not,
until it is included again; its version is still recorded, so an edit made meanwhile is voiced
once it is back. A WordPress post marked «Не озвучивать» (its `audiocast_exclude` meta) is
excluded by sync itself, under its own asker (ExcludedBy.WORDPRESS), and included again when
the mark is cleared; an editor's exclusion of the same article is left as it is. A post
scheduled for later (listed with an application password) is voiced like any other and
recorded as scheduled: the build publishes nothing of it until a sync has seen it published
and its date has passed.

Order of writes, so that a run killed at any moment leaves nothing broken: an episode is
committed to the store atomically, then recorded in the state database; a killed run's
unrecorded episode is simply made again (same GUID, same folder) by the next run. The public
folder is rebuilt last, and the build writes audio before the feeds that point at it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from audiocast.config import Settings
from audiocast.episode import identity as episode_identity
from audiocast.errors import AudiocastError, SourceError
from audiocast.ingest.site import SiteArticle, read_source, still_published
from audiocast.model import SITE_ID_PREFIX, Article
from audiocast.speech.engine import max_in_flight
from audiocast.speech.registry import EngineSet
from audiocast.speech.voices import find_voice, load_voices
from audiocast.state import (
    PENDING,
    REMOVED,
    STATE_FILE,
    ExcludedBy,
    Exclusion,
    OutcomeStatus,
    SyncState,
)

if TYPE_CHECKING:  # imported where an episode is made: a sync with nothing new starts sooner
    from audiocast.pipeline import Pipeline

LOCK_FILE = ".audiocast-sync.lock"


@dataclass
class Outcome:
    """What happened to one article in this run."""

    identity: str
    title: str
    status: OutcomeStatus
    episode_id: str | None = None
    error: str | None = None
    seconds: float = 0.0
    synthesized: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    sources_read: list[str] = field(default_factory=list)
    source_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # single posts a source could not give
    gaps: list[str] = field(default_factory=list)  # listings a source would not give whole
    outcomes: list[Outcome] = field(default_factory=list)
    unchanged: int = 0
    excluded: list[str] = field(default_factory=list)  # titles listed but left unvoiced
    removed: list[str] = field(default_factory=list)
    scheduled: list[str] = field(default_factory=list)  # titles of posts not yet public
    editions: list[Outcome] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == OutcomeStatus.FAILED]


class SyncLocked(AudiocastError):
    pass


class SyncLock:
    """One sync per episode store: an exclusive flock on a file beside it, released by the
    kernel when the process dies, so a killed sync never leaves a stale lock behind."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / LOCK_FILE
        self._handle: TextIO | None = None

    def __enter__(self) -> SyncLock:
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the lock's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise SyncLocked(f"another sync is running on this store (pid {holder})") from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            self._handle.close()


class StopFlag:
    """Set by SIGINT/SIGTERM: the run finishes the episodes in flight and stops cleanly."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: self.event.set())

    @property
    def set(self) -> bool:
        return self.event.is_set()


def sync_once(
    settings: Settings,
    *,
    workers: int | None = None,
    stop: StopFlag | None = None,
    on_progress: Callable[[Outcome | None, int], None] | None = None,
    engines: EngineSet | None = None,
) -> SyncReport:
    """One sync run under the store's lock. ON_PROGRESS(outcome, total) is called once with
    (None, total) when the work is known and then after each article. ENGINES (for tests:
    engines that count their calls) is used when the articles are made in this process."""
    stop = stop or StopFlag()
    report = SyncReport()
    with SyncLock(settings.episodes_dir):
        state = SyncState(settings.episodes_dir / STATE_FILE)
        try:
            pending = _gather(settings, state, report)
            if on_progress:
                on_progress(None, len(pending))
            _make_all(settings, state, pending, report, workers, stop, on_progress, engines)
            changed = len(report.outcomes) > len(report.failed) or report.removed
            if settings.editions and changed and not stop.set:
                _make_editions(settings, report, engines)
        finally:
            state.close()
    return report


def _gather(settings: Settings, state: SyncState, report: SyncReport) -> list[SiteArticle]:
    """Read every source; record what each lists now; return what needs an episode (an
    excluded article never does: its version is recorded, and voiced once it is included)."""
    pending: list[SiteArticle] = []
    excluded = state.exclusions()
    for source in settings.sources:
        try:
            listing = read_source(source, settings)
        except SourceError as exc:
            report.source_errors.append(str(exc))  # its articles are left as they are
            state.source_read(source.name, error=str(exc))
            continue
        report.sources_read.append(source.name)
        report.problems.extend(listing.problems)
        report.gaps.extend(listing.gaps)  # said every run, and kept for `audiocast status`
        error = None
        for item in listing.articles:
            article = item.article
            status = state.seen(
                article.identity, source.name, article.title, article.url, article.category,
                item.modified.isoformat(), item.content_hash,
            )  # fmt: skip
            state.scheduled(article.identity, item.scheduled)  # the build holds it back
            if item.scheduled:
                report.scheduled.append(article.title)
            rows = excluded.of(_episode_of(article), article.identity) if excluded else []
            if _site_mark(state, item, rows) or _excluded_by_others(rows):
                report.excluded.append(article.title)
            elif status == PENDING:
                pending.append(item)
            else:
                report.unchanged += 1
        if settings.remove_missing:
            try:
                _remove_missing(settings, state, source, listing, report)
            except SourceError as exc:  # could not confirm: remove nothing this time
                report.source_errors.append(str(exc))
                error = str(exc)
        state.source_read(source.name, gaps=listing.gaps, error=error)
    return pending


def _site_mark(state: SyncState, item: SiteArticle, rows: list[Exclusion]) -> bool:
    """The site's own «Не озвучивать» mark (a WordPress post's `audiocast_exclude` meta) made
    the state's: set, it excludes the article (ExcludedBy.WORDPRESS, so the build leaves its
    episode out); cleared, only that exclusion is lifted, an editor's stands. Whether it is
    set now. ROWS: the article's exclusions as this run found them, so that a mark that did
    not change writes nothing (most posts, every run)."""
    if item.site_excluded is None:  # the source cannot say (a feed): nothing changes
        return False
    marked = any(row.excluded_by == ExcludedBy.WORDPRESS for row in rows)
    article = item.article
    if item.site_excluded and not marked:
        state.exclude(_episode_of(article), article.identity, ExcludedBy.WORDPRESS,
                      title=article.title, reason="«Не озвучивать» в WordPress")  # fmt: skip
    elif marked and not item.site_excluded:
        state.include(_episode_of(article), ExcludedBy.WORDPRESS)
    return item.site_excluded


def _excluded_by_others(rows: list[Exclusion]) -> bool:
    """Whether anyone but the site's mark (read afresh this run) excludes the article whose
    exclusions are ROWS."""
    return any(row.excluded_by != ExcludedBy.WORDPRESS for row in rows)


def _episode_of(article: Article) -> str:
    """The episode id ARTICLE is (or would be) stored under: it follows from its identity."""
    return episode_identity.episode_id(episode_identity.episode_guid(article))


def _remove_missing(settings, state, source, listing, report) -> None:
    """Articles of this source that its listing should hold but does not: deleted or
    unpublished. One older than the listing's window is not judged (it fell off), and
    WordPress is asked once more by id before anything is removed."""
    missing = [
        known
        for known in state.all(source.name)
        if known.identity not in listing.identities
        and known.status != REMOVED
        and listing.would_list(datetime.fromisoformat(known.modified))
    ]
    if not missing:
        return
    site_ids = [k.identity.removeprefix(SITE_ID_PREFIX) for k in missing]
    alive = still_published(source, [s for s, k in zip(site_ids, missing, strict=True)
                                     if k.identity.startswith(SITE_ID_PREFIX)])  # fmt: skip
    for known, site_id in zip(missing, site_ids, strict=True):
        if site_id in alive:
            continue
        if known.episode_id:
            _remove_episode(settings.episodes_dir, known.episode_id)
        state.removed(known.identity)
        report.removed.append(known.title)


def _remove_episode(episodes_dir: Path, episode_id: str) -> None:
    folder = episodes_dir / episode_id
    if folder.exists():
        doomed = episodes_dir / f".removed-{episode_id}-{os.getpid()}"
        os.replace(folder, doomed)  # gone from the store in one step, then deleted
        shutil.rmtree(doomed, ignore_errors=True)


def _make_all(settings, state, pending, report, workers, stop, on_progress, engines) -> None:
    workers = _worker_count(settings, workers, pending)
    if workers == 1 or len(pending) <= 1:
        from audiocast.pipeline import Pipeline  # ~0.25 s of imports, only when needed

        pipeline = Pipeline(settings, engines)
        for item in pending:
            if stop.set:
                report.interrupted = True
                break
            _record(state, item, _make_one(pipeline, item.article, _voice(settings, item)),
                    report, on_progress)  # fmt: skip
        return
    context = get_context("spawn")  # no fork after threads: rich's refresher, engine pools
    # the workers use the cores between them: an episode's encoder is not split in two as well
    encoders = max(1, min(2, (os.cpu_count() or 1) // workers))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                             initargs=(settings, encoders)) as pool:  # fmt: skip
        futures: dict[Future, SiteArticle] = {
            pool.submit(_worker_make, item.article, _voice(settings, item)): item
            for item in pending
        }
        for future, item in futures.items():
            if stop.set and not report.interrupted:
                report.interrupted = True  # the articles in flight finish; the rest wait
                pool.shutdown(wait=False, cancel_futures=True)
            if future.cancelled():
                continue
            try:
                outcome = future.result()
            except BrokenProcessPool as exc:  # a worker killed or crashed: report, go on
                article = item.article
                reason = f"{article.source}: the worker process died ({exc})"
                outcome = Outcome(
                    article.identity, article.title, OutcomeStatus.FAILED, error=reason
                )
            _record(state, item, outcome, report, on_progress)


def _make_editions(settings: Settings, report: SyncReport, engines) -> None:
    """Each configured edition again, from the episodes now in the store (its GUID is the
    edition's and the day's: a second sync the same day replaces it in place)."""
    from audiocast.pipeline import Pipeline

    pipeline = Pipeline(settings, engines)
    for edition in settings.editions:
        start = time.perf_counter()
        try:
            result = pipeline.make_edition([], edition)
        except AudiocastError as exc:
            outcome = Outcome(edition.slug, edition.title, OutcomeStatus.FAILED, error=str(exc))
        else:
            outcome = Outcome(
                edition.slug, result.info.title, OutcomeStatus.MADE, result.info.episode_id,
                synthesized=result.synthesized, warnings=result.warnings,
            )  # fmt: skip
        outcome.seconds = time.perf_counter() - start
        report.editions.append(outcome)


def _record(state, item: SiteArticle, outcome: Outcome, report, on_progress) -> None:
    if outcome.status == OutcomeStatus.MADE:
        state.made(outcome.identity, item.content_hash, outcome.episode_id)
    else:
        state.failed(outcome.identity, outcome.error or "failed")
    report.outcomes.append(outcome)
    if on_progress:
        on_progress(outcome, 0)


def _worker_count(settings: Settings, requested: int | None, pending: list[SiteArticle]) -> int:
    """All cores for offline engines; one process when any voice the pending articles may be
    spoken with — their show's, else the site's for their language, and each one's fallbacks —
    is a network engine, which gets its concurrency from requests in flight instead: its rate
    limit holds within one process, so N processes would send N times the configured rate."""
    count = requested or settings.workers or os.cpu_count() or 1
    if count == 1:
        return 1
    voices = load_voices(settings.voices_dir)
    engines = EngineSet()
    wanted = {settings.voice_for(item.article.language, _voice(settings, item)) for item in pending}
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        seen.add(name)
        try:
            voice = find_voice(voices, name)
            if max_in_flight(engines.get(voice.engine), voice) > 1:
                return 1
        except AudiocastError:
            continue  # an unknown voice or engine: that article fails with its own reason
        if voice.fallback and voice.fallback not in seen:
            wanted.add(voice.fallback)
    return count


def _voice(settings: Settings, item: SiteArticle) -> str | None:
    """The voice of the first show that gathers this article's category and names one."""
    for show in settings.all_shows():
        if show.voice and show.includes(item.article.category):
            return show.voice
    return None


_worker_pipeline: Pipeline | None = None  # one per worker process, made by its initializer


def _worker_start(settings: Settings, encoders: int) -> None:
    global _worker_pipeline
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    from audiocast.pipeline import Pipeline

    _worker_pipeline = Pipeline(settings, encoders=encoders)


def _worker_make(article: Article, voice: str | None) -> Outcome:
    assert _worker_pipeline is not None
    return _make_one(_worker_pipeline, article, voice)


def _make_one(pipeline: Pipeline, article: Article, voice: str | None) -> Outcome:
    start = time.perf_counter()
    try:
        result = pipeline.make_episode(article, voice)
    except AudiocastError as exc:
        return Outcome(article.identity, article.title, OutcomeStatus.FAILED, error=str(exc),
                       seconds=time.perf_counter() - start)  # fmt: skip
    return Outcome(
        article.identity, article.title, OutcomeStatus.MADE, result.info.episode_id,
        seconds=time.perf_counter() - start, synthesized=result.synthesized,
        warnings=result.warnings,
    )  # fmt: skip
