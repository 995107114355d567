"""The work each kind of job does (voice, edition, build, sync), under the store's lock.

One writer on the store at a time: every job takes the lock `audiocast sync` takes
(sync.SyncLock, an flock on the episodes folder) for as long as it writes, so a cron sync
started meanwhile says "another sync is running" as it does against another sync. A job that
finds the lock held waits in its worker (state `waiting`, «ждёт окончания синхронизации»),
looking again every half second: every job is a writer, so the one worker could run nothing
else meanwhile, and waiting where it stands keeps the jobs in the order they were asked for.
The wait is bounded: past LOCK_WAIT_SECONDS (a sync that does not end) the job raises
StillLocked, and the queue (job_queue.py) gives it back to huey with a delay.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from audiocast.config import Settings
from audiocast.desk import journal
from audiocast.desk.job_arguments import EPISODE_ID
from audiocast.desk.job_progress import Progress
from audiocast.desk.job_records import WAITING, WAITING_MESSAGE, Job, JobKind, Records
from audiocast.errors import ArticleError

if TYPE_CHECKING:
    from audiocast.model import Article
    from audiocast.speech.registry import EngineSet
    from audiocast.sync import SyncLock

LOCK_POLL_SECONDS = 0.5  # how often a waiting job looks at the store's lock again
LOCK_WAIT_SECONDS = 600.0  # then it goes back to huey's schedule …
LOCK_RETRY_SECONDS = 30.0  # … for this long


@dataclass(frozen=True)
class Outcome:
    message: str
    result: str | None
    journal: tuple[str, str, str]  # action, subject, detail


class Stopping(Exception):
    """The runner is stopping while the job waits (or a sync was told to stop)."""


class StillLocked(Exception):
    """The store stayed locked for LOCK_WAIT_SECONDS."""


class JobWork:
    """What a job does, by its kind: run(job) → its Outcome. Raises Stopping or StillLocked
    (the queue puts the job back), or whatever the work meets (the job fails with it)."""

    def __init__(
        self,
        settings: Settings,
        engines: EngineSet | None,
        records: Records,
        stopping: threading.Event,
    ):
        self.settings = settings
        self.engines = engines
        self.records = records
        self.stopping = stopping  # set as the runner stops: leave the store alone

    def run(self, job: Job) -> Outcome:
        return _WORK[JobKind(job.kind)](self, job)

    def voice(self, job: Job) -> Outcome:
        from audiocast.pipeline import Pipeline

        progress = Progress(self.records, job.id)
        with self._store_lock(job.id):
            source = self._source(job.arguments["article"])
            pipeline = Pipeline(self.settings, self.engines)
            result = pipeline.make_episode(
                source, job.arguments["voice"], progress.take, progress.begin
            )
        episode, title = result.info.episode_id, result.info.title
        return Outcome(_with_warnings(title, result.warnings), episode,
                       (journal.VOICED, episode, title))  # fmt: skip

    def edition(self, job: Job) -> Outcome:
        from audiocast.editions import find_edition
        from audiocast.pipeline import Pipeline

        arguments = job.arguments
        edition = find_edition(self.settings, arguments["edition"])
        at = datetime.fromisoformat(arguments["at"]) if arguments["at"] else None
        progress = Progress(self.records, job.id)
        with self._store_lock(job.id):
            sources = [self._source(reference) for reference in arguments["articles"]]
            pipeline = Pipeline(self.settings, self.engines)
            result = pipeline.make_edition(
                sources, edition, at, arguments["voice"], progress.take, progress.begin
            )
        episode, title = result.info.episode_id, result.info.title
        return Outcome(_with_warnings(title, result.warnings), episode,
                       (journal.EDITION_MADE, episode, title))  # fmt: skip

    def build(self, job: Job) -> Outcome:
        summary = self._build_under_lock(job.id)
        return Outcome(summary, None, (journal.BUILT, self.settings.public_dir.name, summary))

    def _build_under_lock(self, job_id: int) -> str:
        from audiocast.publish.build import build

        with self._store_lock(job_id):
            report = build(self.settings)
        summary = (
            f"записано {len(report.written)}, без изменений {report.unchanged}, "
            f"удалено {len(report.removed)}"
        )
        if report.problems:  # episodes left out: they cannot be read (the build says which)
            summary += f"; не прочитано эпизодов: {len(report.problems)}"
        return summary

    def sync(self, job: Job) -> Outcome:
        from audiocast.sync import StopFlag, SyncLocked, sync_once

        progress = Progress(self.records, job.id)
        stop = StopFlag()
        stop.event = self.stopping  # the runner stopping lets the episodes in flight finish
        while True:
            # sync_once takes the lock itself: wait until it is free, then let it take it
            # (a cron sync that takes it in between only means waiting again)
            with self._store_lock(job.id):
                pass
            try:
                report = sync_once(self.settings, stop=stop, on_progress=progress.sync_step,
                                   engines=self.engines)  # fmt: skip
                break
            except SyncLocked:
                continue
        if report.interrupted:
            raise Stopping
        made = len(report.outcomes) - len(report.failed)
        summary = (
            f"сделано {made}, с ошибкой {len(report.failed)}, без изменений {report.unchanged}, "
            f"снято {len(report.removed)}"
        )
        if report.source_errors:
            summary += f", источников недоступно: {len(report.source_errors)}"
        if job.arguments["build"]:
            summary += "; сайт: " + self._build_under_lock(job.id)
        names = ", ".join(source.name for source in self.settings.sources) or "-"
        return Outcome(summary, None, (journal.SYNCED, names, summary))

    # -- the articles -----------------------------------------------------------------------

    def _source(self, reference: str | dict[str, str]) -> str | Article:
        """An article source as make_episode takes it: a path or URL as it is, else the
        article kept beside its episode in the store (an identity without an episode there
        is read again from its URL), or in the desk's inbox."""
        if isinstance(reference, str):
            return reference
        if "episode" in reference:
            return self._stored(reference["episode"])
        if "inbox" in reference:  # added on the desk (adding.py): a name checked, never a path
            from audiocast.desk.adding import inbox_article

            return inbox_article(self.settings, reference["inbox"])
        return self._identity(reference["identity"])

    def _stored(self, episode_id: str) -> Article:
        from audiocast.episode.store import ARTICLE_FILE
        from audiocast.ingest.stored import read_stored_article

        path = self.settings.episodes_dir / episode_id / ARTICLE_FILE
        if not path.is_file():
            raise ArticleError(episode_id, "no article is kept for this episode in the store")
        return read_stored_article(path)

    def _identity(self, identity: str) -> str | Article:
        from audiocast.state import SyncState

        state = SyncState(self.records.path)
        try:
            known = state.get(identity)
        finally:
            state.close()
        if known is None:
            raise ArticleError(identity, "sync knows no such article")
        if known.episode_id and EPISODE_ID.fullmatch(known.episode_id):
            try:
                return self._stored(known.episode_id)
            except ArticleError:
                pass  # made before articles were kept beside episodes: read it again
        return known.url

    # -- the store's lock -------------------------------------------------------------------

    @contextmanager
    def _store_lock(self, job_id: int) -> Iterator[None]:
        """The store's lock (sync's) for the block; the job waits for it first if need be."""
        lock = self._wait_for_store(job_id)
        try:
            yield
        finally:
            lock.__exit__(None, None, None)

    def _wait_for_store(self, job_id: int) -> SyncLock:
        from audiocast.sync import SyncLock, SyncLocked

        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        waited = False
        while True:
            lock = SyncLock(self.settings.episodes_dir)
            try:
                lock.__enter__()
            except SyncLocked:
                if not waited:
                    self.records.set_state(job_id, WAITING, WAITING_MESSAGE)
                    waited = True
                if self.stopping.wait(LOCK_POLL_SECONDS):
                    raise Stopping from None
                if time.monotonic() >= deadline:
                    raise StillLocked from None
                continue
            if waited:
                self.records.resume(job_id)
            return lock


_WORK: dict[JobKind, Callable[[JobWork, Job], Outcome]] = {
    JobKind.VOICE: JobWork.voice,
    JobKind.EDITION: JobWork.edition,
    JobKind.BUILD: JobWork.build,
    JobKind.SYNC: JobWork.sync,
}


def _with_warnings(title: str, warnings: list[str]) -> str:
    """The episode's title, and what the editor should know of it (the message is cut to one
    line of 1000 characters when it is stored)."""
    return title + (f" (предупреждения: {'; '.join(warnings)})" if warnings else "")
