"""The desk's jobs: every voicing, re-voicing, build, sync and edition started from the desk
is a job with live progress, run one at a time by huey's consumer inside the desk's process.

Where things are kept:

- huey's queue holds only job ids: by default `SqliteHuey` in episodes/.audiocast-desk-jobs.db
  (beside the sync state), or `RedisHuey` for a `redis://` queue URL (make_huey).
- What the pages show of each job is the table `desk_jobs` in the sync state database
  (state.STATE_FILE), beside the desk's users and the journal (journal.py): it stays put when
  the queue moves to Redis, one backup of the store's folder keeps it, and huey's own tables
  (pickled messages, deleted once taken) could not say what ran or how it ended anyway.

One writer on the store at a time: every job takes the lock `audiocast sync` takes
(sync.SyncLock, an flock on the episodes folder) for as long as it writes, so a cron sync
started meanwhile says "another sync is running" as it does against another sync. A job that
finds the lock held waits in its worker (state `waiting`, «ждёт окончания синхронизации»),
looking again every half second: every job is a writer, so the one worker could run nothing
else meanwhile, and waiting where it stands keeps the jobs in the order they were asked for.
The wait is bounded: past LOCK_WAIT_SECONDS (a sync that does not end) the job goes back to
huey with a delay (RetryTask), kept in huey's schedule, and the worker is free again.

Restarts: huey deletes a task from its queue when a worker takes it, so a job cut off half-way
(the process killed) is in no queue; its record still says running. JobRunner.start() first
becomes the site's one consumer (an flock the kernel drops with the process), so nothing is in
flight anywhere, then queues again every unfinished job whose id huey holds neither queued nor
scheduled (DeskJobs.recover). Running a job again is safe: the store commits an episode
atomically, and a build or a sync is made to be run again. Queued jobs are in huey's SQLite.
"""

from __future__ import annotations

import fcntl
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import RetryTask

from audiocast.config import Settings
from audiocast.desk import journal
from audiocast.desk.journal import Journal, connection, one_line, prepare, state_path, transaction
from audiocast.errors import ArticleError, AudiocastError, ConfigError

if TYPE_CHECKING:
    from audiocast.model import Article, Script
    from audiocast.pipeline import Pipeline
    from audiocast.speech.ahead import SpeechAhead
    from audiocast.speech.registry import EngineSet
    from audiocast.speech.synthesize import SpeechResult
    from audiocast.speech.voices import VoiceProfile
    from audiocast.sync import SyncLock

logger = logging.getLogger(__name__)

QUEUE_FILE = ".audiocast-desk-jobs.db"  # huey's SQLite queue, in the episodes folder
RUNNER_LOCK_FILE = ".audiocast-desk-runner.lock"  # held by the site's one consumer
QUEUE_NAME = "audiocast-desk"
TASK_NAME = "desk_job"  # huey's task: run(job id); the same name in every process
BUSY_TIMEOUT = 10.0  # seconds an SQLite call waits for another writer
LOCK_POLL_SECONDS = 0.5  # how often a waiting job looks at the store's lock again
LOCK_WAIT_SECONDS = 600.0  # then it goes back to huey's schedule …
LOCK_RETRY_SECONDS = 30.0  # … for this long
QUEUE_POLL_SECONDS = 0.5  # the longest an idle worker leaves a new job in the queue
PROGRESS_SECONDS = 0.25  # a job's progress is written at most this often
HEALTH_CHECK_SECONDS = 10.0  # the consumer's dead-worker check

WAITING_MESSAGE = "ждёт окончания синхронизации"
RESTARTED_MESSAGE = "запущено снова после перезапуска"
STOPPED_MESSAGE = "остановлено вместе с пультом; продолжится после его запуска"


class JobKind(StrEnum):
    VOICE = "voice"  # one article → its episode (Pipeline.make_episode)
    EDITION = "edition"  # an edition of articles → its episode (Pipeline.make_edition)
    BUILD = "build"  # the store → public/ (publish.build.build)
    SYNC = "sync"  # the site's sources → episodes, then public/ (sync.sync_once, build)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    WAITING = "waiting"  # for the store's lock: a sync is running
    DONE = "done"
    FAILED = "failed"


QUEUED, RUNNING, WAITING, DONE, FAILED = JobState
UNFINISHED = (QUEUED, RUNNING, WAITING)
# for the pages
KIND_LABELS = {
    JobKind.VOICE: "озвучивание",
    JobKind.EDITION: "выпуск",
    JobKind.BUILD: "сборка сайта",
    JobKind.SYNC: "синхронизация",
}
STATE_LABELS = {
    QUEUED: "в очереди",
    RUNNING: "выполняется",
    WAITING: WAITING_MESSAGE,
    DONE: "готово",
    FAILED: "ошибка",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS desk_jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a job's page stays its own
    kind          TEXT NOT NULL,     -- voice | edition | build | sync
    arguments     TEXT NOT NULL,     -- JSON, as checked by enqueue()
    requested_by  TEXT NOT NULL,     -- the desk user
    state         TEXT NOT NULL,     -- queued | running | waiting | done | failed
    done          INTEGER NOT NULL DEFAULT 0,  -- takes spoken (a sync: articles made) …
    total         INTEGER NOT NULL DEFAULT 0,  -- … of this many; 0: not known (yet)
    message       TEXT NOT NULL DEFAULT '',    -- one line: a summary, or why it failed
    result        TEXT,              -- the episode id (voice, edition)
    restarts      INTEGER NOT NULL DEFAULT 0,  -- times cut off and run again
    created_at    REAL NOT NULL,     -- Unix times
    started_at    REAL,
    finished_at   REAL
);
CREATE INDEX IF NOT EXISTS desk_jobs_state ON desk_jobs(state);
"""


class JobError(AudiocastError):
    """A job the queue refuses: an unknown kind or arguments it cannot run."""


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    arguments: dict[str, Any]
    requested_by: str
    state: str
    done: int
    total: int
    message: str
    result: str | None
    restarts: int
    created_at: float
    started_at: float | None
    finished_at: float | None

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)


def make_huey(settings: Settings, url: str | None = None) -> Any:
    """The queue: SqliteHuey in the episodes folder (URL None or "sqlite"), SqliteHuey in
    another file ("sqlite:///path"), or RedisHuey ("redis://…", "rediss://…", "unix://…")
    for desks on several machines. Results are not kept by huey: the job records are."""
    if not url or url == "sqlite":
        return _sqlite_huey(settings.episodes_dir / QUEUE_FILE)
    if url.startswith("sqlite:///"):
        return _sqlite_huey(Path(url.removeprefix("sqlite://")))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False)
    raise ConfigError(f"desk job queue {url!r}: not sqlite:///PATH or a redis:// URL")


def _sqlite_huey(path: Path) -> Any:
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(path), results=False, timeout=BUSY_TIMEOUT)


class DeskJobs:
    """The jobs of one site: ask for one (enqueue), read them (job, recent_jobs), and the
    huey task a JobRunner's worker runs. Cheap to call from any thread; several instances,
    in one process or several, share the same queue and records."""

    def __init__(
        self, settings: Settings, *, queue_url: str | None = None, engines: EngineSet | None = None
    ):
        """ENGINES: speech engines for the jobs (tests; default: the real ones)."""
        self.settings = settings
        self.engines = engines
        self.records = _Records(state_path(settings))
        self.journal = Journal(self.records.path)
        self.huey = make_huey(settings, queue_url)
        self._task = self.huey.task(name=TASK_NAME)(self._execute)
        self.stopping = threading.Event()  # set by JobRunner.stop(): leave the store alone

    # -- the API ----------------------------------------------------------------------------

    def enqueue(self, kind: str, arguments: dict[str, Any] | None, user: str) -> int:
        """A new job of KIND with ARGUMENTS for USER, queued; its id. A kind or arguments
        that cannot run are a JobError at once, and nothing is queued.

        voice:   {"article": SOURCE, "voice": profile name or None}
        edition: {"edition": slug or None, "articles": [SOURCE, …] (none: the edition's own
                  gathering from the store), "at": ISO 8601 or None, "voice": name or None}
        build:   {}
        sync:    {"build": true}  (false: public/ is not rebuilt after it)
        A SOURCE is a file path or URL, {"episode": episode id} (the article kept beside that
        episode in the store: a re-voicing) or {"identity": a sync article's identity}."""
        checked = checked_arguments(self.settings, kind, arguments or {})
        job_id = self.records.add(kind, checked, user)
        self._task(job_id)
        return job_id

    def job(self, job_id: int) -> Job | None:
        return self.records.get(job_id)

    def recent_jobs(self, limit: int = 20) -> list[Job]:
        """The LIMIT newest jobs, newest first."""
        return self.records.recent(limit)

    # -- restarts ---------------------------------------------------------------------------

    def recover(self) -> list[int]:
        """Queue again every unfinished job huey holds neither queued nor scheduled: one cut
        off half-way, or one whose asking process died before it reached huey. Only for the
        site's consumer before its worker starts (JobRunner), when nothing is in flight.
        Returns the ids queued again."""
        held = self._ids_in_huey()
        again = [job for job in self.records.unfinished() if job.id not in held]
        for job in again:
            self.records.requeue(job.id, cut_off=job.state != QUEUED)
            self._task(job.id)
        if again:
            logger.info("desk jobs queued again after a restart: %s", [j.id for j in again])
        return [job.id for job in again]

    def _ids_in_huey(self) -> set[int]:
        tasks = self.huey.pending() + self.huey.scheduled()
        return {task.args[0] for task in tasks if task.args}

    # -- running one ------------------------------------------------------------------------

    def _execute(self, job_id: int) -> None:
        """huey's task: job JOB_ID from start to end. Raises only RetryTask (back to huey);
        whatever the job meets otherwise is its record's state and message."""
        if self.stopping.is_set():
            raise RetryTask()  # taken as the runner stops: back to the queue, untouched
        job = self.records.claim(job_id)
        if job is None:
            return  # finished already: a copy queued twice around a restart
        try:
            outcome = _WORK[JobKind(job.kind)](self, job)
        except _Stopping as exc:
            self.records.requeue(job_id, cut_off=True, message=STOPPED_MESSAGE)
            raise RetryTask() from exc  # kept in huey's queue for the next start
        except _StillLocked as exc:
            raise RetryTask(delay=LOCK_RETRY_SECONDS) from exc  # stays `waiting`
        except AudiocastError as exc:
            self.records.fail(job_id, str(exc))
        except OSError as exc:  # the site folder: full, unwritable
            where = f"{exc.filename}: " if exc.filename else ""
            self.records.fail(job_id, f"{where}{exc.strerror or exc}")
        except Exception as exc:  # a fault of ours: the traceback goes to the log only
            logger.exception("desk job %s (%s) failed", job_id, job.kind)
            self.records.fail(job_id, f"внутренняя ошибка ({type(exc).__name__}: {exc})")
        else:
            self.records.finish(job_id, outcome.message, outcome.result)
            self._journal(job, outcome)

    def _journal(self, job: Job, outcome: _Outcome) -> None:
        action, subject, detail = outcome.journal
        try:
            self.journal.record(job.requested_by, action, subject, detail)
        except Exception:  # the job is done all the same; say so in the log
            logger.exception("desk job %s: the journal entry was not written", job.id)

    def _voice(self, job: Job) -> _Outcome:
        progress = _Progress(self.records, job.id)
        with self._store_lock(job.id):
            source = self._source(job.arguments["article"])
            pipeline = _counting_pipeline(self.settings, self.engines, progress)
            result = pipeline.make_episode(source, job.arguments["voice"], progress.take)
        episode, title = result.info.episode_id, result.info.title
        return _Outcome(_with_warnings(title, result.warnings), episode,
                        (journal.VOICED, episode, title))  # fmt: skip

    def _edition(self, job: Job) -> _Outcome:
        from audiocast.editions import find_edition

        arguments = job.arguments
        edition = find_edition(self.settings, arguments["edition"])
        at = datetime.fromisoformat(arguments["at"]) if arguments["at"] else None
        progress = _Progress(self.records, job.id)
        with self._store_lock(job.id):
            sources = [self._source(reference) for reference in arguments["articles"]]
            pipeline = _counting_pipeline(self.settings, self.engines, progress)
            result = pipeline.make_edition(sources, edition, at, arguments["voice"], progress.take)
        episode, title = result.info.episode_id, result.info.title
        return _Outcome(_with_warnings(title, result.warnings), episode,
                        (journal.EDITION_MADE, episode, title))  # fmt: skip

    def _build(self, job: Job) -> _Outcome:
        summary = self._build_under_lock(job.id)
        return _Outcome(summary, None, (journal.BUILT, self.settings.public_dir.name, summary))

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

    def _sync(self, job: Job) -> _Outcome:
        from audiocast.sync import StopFlag, SyncLocked, sync_once

        progress = _Progress(self.records, job.id)
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
            raise _Stopping
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
        return _Outcome(summary, None, (journal.SYNCED, names, summary))

    def _source(self, reference: str | dict[str, str]) -> str | Article:
        """An article source as make_episode takes it: a path or URL as it is, else the
        article kept beside its episode in the store (an identity without an episode there
        is read again from its URL)."""
        if isinstance(reference, str):
            return reference
        if "episode" in reference:
            return self._stored(reference["episode"])
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
        if known.episode_id and _EPISODE_ID.fullmatch(known.episode_id):
            try:
                return self._stored(known.episode_id)
            except ArticleError:
                pass  # made before articles were kept beside episodes: read it again
        return known.url

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
                    raise _Stopping from None
                if time.monotonic() >= deadline:
                    raise _StillLocked from None
                continue
            if waited:
                self.records.resume(job_id)
            return lock


@dataclass(frozen=True)
class _Outcome:
    message: str
    result: str | None
    journal: tuple[str, str, str]  # action, subject, detail


_Work = Callable[[DeskJobs, Job], _Outcome]
_WORK: dict[JobKind, _Work] = {
    JobKind.VOICE: DeskJobs._voice,
    JobKind.EDITION: DeskJobs._edition,
    JobKind.BUILD: DeskJobs._build,
    JobKind.SYNC: DeskJobs._sync,
}


class _Stopping(Exception):
    """The runner is stopping while the job waits (or a sync was told to stop)."""


class _StillLocked(Exception):
    """The store stayed locked for LOCK_WAIT_SECONDS."""


def _with_warnings(title: str, warnings: list[str]) -> str:
    """The episode's title, and what the editor should know of it (the message is cut to one
    line of 1000 characters when it is stored)."""
    return title + (f" (предупреждения: {'; '.join(warnings)})" if warnings else "")


def _counting_pipeline(
    settings: Settings, engines: EngineSet | None, progress: _Progress
) -> Pipeline:
    """A Pipeline whose speaker tells PROGRESS how many takes a script has as it starts
    speaking it: on_take counts the takes, but only the script knows how many there are."""
    from audiocast.pipeline import Pipeline
    from audiocast.speech.speaking import Speaker

    class CountingSpeaker(Speaker):
        def speak(
            self,
            script: Script,
            voice: VoiceProfile,
            on_take: Callable[[], None] | None = None,
            ahead: SpeechAhead | None = None,
        ) -> tuple[SpeechResult, VoiceProfile]:
            progress.begin(len(script.segments))
            return super().speak(script, voice, on_take, ahead)

    pipeline = Pipeline(settings, engines)
    pipeline.speaker = CountingSpeaker(pipeline.voices, pipeline.engines, pipeline.cache)
    return pipeline


class _Progress:
    """A job's done/total, written to its record at most every PROGRESS_SECONDS (a cached
    take takes microseconds, a write is a transaction). Takes may come from several threads
    (a network engine has sentences in flight at once)."""

    def __init__(self, records: _Records, job_id: int):
        self.records = records
        self.job_id = job_id
        self.done = 0
        self.total = 0
        self._written = 0.0
        self._lock = threading.Lock()

    def begin(self, total: int) -> None:
        with self._lock:
            self.done, self.total = 0, total
            self._write()

    def take(self) -> None:
        with self._lock:
            self.done += 1
            if time.monotonic() - self._written >= PROGRESS_SECONDS:
                self._write()

    def sync_step(self, outcome: object, total: int) -> None:
        """sync_once's on_progress: (None, total) once, then once per article."""
        if outcome is None:
            self.begin(total)
        else:
            self.take()

    def _write(self) -> None:
        # a voice that falls back mid-way speaks its takes again: never more than the total
        self.records.progress(self.job_id, min(self.done, self.total), self.total)
        self._written = time.monotonic()


# -- arguments ------------------------------------------------------------------------------

_EPISODE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")  # a folder name in the store
_ALLOWED = {
    JobKind.VOICE: {"article", "voice"},
    JobKind.EDITION: {"edition", "articles", "at", "voice"},
    JobKind.BUILD: set(),
    JobKind.SYNC: {"build"},
}


def checked_arguments(settings: Settings, kind: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """ARGUMENTS of a KIND job, checked and with their defaults; a JobError names what is
    wrong (the desk says it at once instead of queueing a job bound to fail)."""
    try:
        job_kind = JobKind(kind)
    except ValueError:
        raise JobError(f"no such job: {kind!r:.40}") from None
    if not isinstance(arguments, dict):
        raise JobError(f"{kind} job: arguments must be a JSON object")
    unknown = sorted(set(arguments) - _ALLOWED[job_kind])
    if unknown:
        raise JobError(f"{kind} job: unknown arguments {', '.join(map(str, unknown)):.200}")
    if job_kind == JobKind.VOICE:
        return {"article": _reference(arguments.get("article")),
                "voice": _optional_name(arguments.get("voice"), "voice")}  # fmt: skip
    if job_kind == JobKind.EDITION:
        return _edition_arguments(settings, arguments)
    if job_kind == JobKind.SYNC:
        build = arguments.get("build", True)
        if not isinstance(build, bool):
            raise JobError("sync job: build must be true or false")
        return {"build": build}
    return {}


def _edition_arguments(settings: Settings, arguments: dict[str, Any]) -> dict[str, Any]:
    from audiocast.editions import find_edition

    slug = _optional_name(arguments.get("edition"), "edition")
    find_edition(settings, slug)  # an unknown slug is a ConfigError naming the known ones
    articles = arguments.get("articles") or []
    if not isinstance(articles, list):
        raise JobError("edition job: articles must be a list of article sources")
    at = _optional_name(arguments.get("at"), "at")
    if at is not None:
        try:
            datetime.fromisoformat(at)
        except ValueError:
            raise JobError(f"edition job: at {at!r:.60} is not an ISO 8601 time") from None
    return {"edition": slug, "articles": [_reference(a) for a in articles], "at": at,
            "voice": _optional_name(arguments.get("voice"), "voice")}  # fmt: skip


def _reference(value: object) -> str | dict[str, str]:
    """An article source: a path or URL, {"episode": id} or {"identity": identity}."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, dict) and len(value) == 1:
        ((key, item),) = value.items()
        if key == "episode" and isinstance(item, str) and _EPISODE_ID.fullmatch(item):
            return {"episode": item}
        if key == "identity" and isinstance(item, str) and item.strip():
            return {"identity": item.strip()}
    raise JobError(f"not an article source: {value!r:.100}")


def _optional_name(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise JobError(f"{what} must be text")
    return value.strip()


# -- the records ----------------------------------------------------------------------------


class _Records:
    """The table desk_jobs; each call is a short connection of its own (journal.connection)."""

    def __init__(self, path: Path):
        self.path = path
        prepare(path, _SCHEMA)

    def add(self, kind: str, arguments: dict[str, Any], user: str) -> int:
        with transaction(self.path) as db:
            cursor = db.execute(
                """INSERT INTO desk_jobs (kind, arguments, requested_by, state, created_at)
                   VALUES (?, ?, ?, ?, ?)""",
                (kind, json.dumps(arguments, ensure_ascii=False), user, QUEUED, time.time()),
            )
            return int(cursor.lastrowid or 0)

    def get(self, job_id: int) -> Job | None:
        with connection(self.path) as db:
            row = db.execute("SELECT * FROM desk_jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def recent(self, limit: int) -> list[Job]:
        with connection(self.path) as db:
            rows = db.execute(
                "SELECT * FROM desk_jobs ORDER BY id DESC LIMIT ?", (max(0, limit),)
            ).fetchall()
        return [_job(row) for row in rows]

    def unfinished(self) -> list[Job]:
        with connection(self.path) as db:
            rows = db.execute(
                "SELECT * FROM desk_jobs WHERE state IN (?, ?, ?) ORDER BY id", UNFINISHED
            ).fetchall()
        return [_job(row) for row in rows]

    def claim(self, job_id: int) -> Job | None:
        """Mark JOB_ID running, unless it is finished (then None: not to be run again)."""
        with transaction(self.path) as db:
            cursor = db.execute(
                """UPDATE desk_jobs SET state = ?, started_at = ?, finished_at = NULL,
                       done = 0, total = 0,
                       message = CASE WHEN restarts > 0 THEN ? ELSE '' END
                   WHERE id = ? AND state IN (?, ?, ?)""",
                (RUNNING, time.time(), RESTARTED_MESSAGE, job_id, *UNFINISHED),
            )
            claimed = cursor.rowcount == 1
        return self.get(job_id) if claimed else None

    def resume(self, job_id: int) -> None:
        """Running again after a wait for the store."""
        with transaction(self.path) as db:
            db.execute(
                """UPDATE desk_jobs SET state = ?,
                       message = CASE WHEN restarts > 0 THEN ? ELSE '' END WHERE id = ?""",
                (RUNNING, RESTARTED_MESSAGE, job_id),
            )

    def set_state(self, job_id: int, state: JobState, message: str) -> None:
        self._update(job_id, state=state, message=message)

    def progress(self, job_id: int, done: int, total: int) -> None:
        self._update(job_id, done=done, total=total)

    def finish(self, job_id: int, message: str, result: str | None) -> None:
        with transaction(self.path) as db:
            db.execute(
                """UPDATE desk_jobs SET state = ?, message = ?, result = ?, finished_at = ?,
                       done = CASE WHEN total > 0 THEN total ELSE done END WHERE id = ?""",
                (DONE, one_line(message, 1000), result, time.time(), job_id),
            )

    def fail(self, job_id: int, message: str) -> None:
        self._update(job_id, state=FAILED, message=message, finished_at=time.time())

    def requeue(self, job_id: int, *, cut_off: bool, message: str = RESTARTED_MESSAGE) -> None:
        """Back to queued; CUT_OFF: it had started, and its restart is counted and said."""
        with transaction(self.path) as db:
            db.execute(
                """UPDATE desk_jobs SET state = ?, restarts = restarts + ?,
                       message = CASE WHEN ? THEN ? ELSE message END WHERE id = ?""",
                (QUEUED, int(cut_off), cut_off, message, job_id),
            )

    def _update(self, job_id: int, **values: object) -> None:
        if "message" in values:
            values["message"] = one_line(str(values["message"]), 1000)
        columns = ", ".join(f"{name} = ?" for name in values)  # names from this class only
        with transaction(self.path) as db:
            db.execute(f"UPDATE desk_jobs SET {columns} WHERE id = ?", (*values.values(), job_id))


def _job(row: Any) -> Job:
    values = dict(row)
    values["arguments"] = json.loads(values["arguments"])
    return Job(**values)


# -- the runner -----------------------------------------------------------------------------


class _DeskConsumer(Consumer):
    """huey's consumer without its signal handlers: it runs in a thread of the desk's
    process, whose server owns SIGINT and SIGTERM (and signal() works in the main thread
    only); the desk stops it with JobRunner.stop()."""

    def _set_signal_handlers(self) -> None:
        pass


class JobRunner:
    """huey's consumer for one site, in this process: one worker thread (one writer at a
    time) and huey's scheduler thread (a job that waited too long for the store comes back
    through it). start() returns at once; the runner consumes once it is the site's one
    consumer (`consuming` is set then): a second desk process on the same site waits, and
    takes over when the first stops."""

    def __init__(
        self,
        settings: Settings,
        *,
        queue_url: str | None = None,
        engines: EngineSet | None = None,
        jobs: DeskJobs | None = None,
    ):
        self.jobs = jobs or DeskJobs(settings, queue_url=queue_url, engines=engines)
        self.consuming = threading.Event()
        self._stop = threading.Event()
        self._consumer: Consumer | None = None
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self.jobs.stopping.clear()
        self._thread = threading.Thread(target=self._run, name="desk-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Take no more jobs. A job waiting for the store goes back to the queue at once; a
        running one has TIMEOUT seconds to finish, and one still running then is cut off with
        the process and run again after the next start."""
        with self._guard:
            self._stop.set()
            if self._consumer is not None:
                self._consumer.stop_flag.set()  # first: a job put back is not taken again
            self.jobs.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        folder = self.jobs.settings.episodes_dir
        with _runner_lock(folder, self._stop) as consumer_here:
            if not consumer_here:
                return
            self.jobs.recover()
            consumer = _DeskConsumer(
                self.jobs.huey, workers=1, worker_type="thread", periodic=False,
                initial_delay=0.1, max_delay=QUEUE_POLL_SECONDS,
            )  # fmt: skip
            with self._guard:
                if self._stop.is_set():
                    return
                self._consumer = consumer
                consumer.start()
            self.consuming.set()
            try:
                while not self._stop.wait(HEALTH_CHECK_SECONDS):
                    consumer.check_worker_health()  # a worker that died is started again
            finally:
                self.consuming.clear()
                # waits for the job in hand: the lock is not let go while it still writes
                consumer.stop(graceful=True)
                with self._guard:
                    self._consumer = None


@contextmanager
def _runner_lock(folder: Path, stop: threading.Event) -> Iterator[bool]:
    """True once this process is the site's one job consumer: an exclusive flock beside the
    store (the kernel lets it go when the process dies); False if STOP came first."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / RUNNER_LOCK_FILE, "a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if stop.wait(1.0):
                    yield False
                    return
        yield True
