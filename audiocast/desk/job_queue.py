"""The jobs of one site: ask for one (DeskJobs.enqueue), read them, and the huey task a
JobRunner's worker runs (job_runner.py). huey's queue holds only job ids: by default
`SqliteHuey` in episodes/.audiocast-desk-jobs.db (beside the sync state), or `RedisHuey` for a
`redis://` queue URL (make_huey); what each job is and how it stands is its record
(job_records.py).

Restarts: huey deletes a task from its queue when a worker takes it, so a job cut off half-way
(the process killed) is in no queue; its record still says running. The site's one consumer
(JobRunner) calls recover() before its worker starts, when nothing is in flight anywhere: every
unfinished job whose id huey holds neither queued nor scheduled is queued again. Running a job
again is safe: the store commits an episode atomically, and a build or a sync is made to be run
again.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huey import RedisHuey, SqliteHuey
from huey.exceptions import RetryTask

from audiocast.config import Settings
from audiocast.desk.database import BUSY_TIMEOUT
from audiocast.desk.job_arguments import checked_arguments
from audiocast.desk.job_records import QUEUED, STOPPED_MESSAGE, Job, Records
from audiocast.desk.job_work import LOCK_RETRY_SECONDS, JobWork, Outcome, StillLocked, Stopping
from audiocast.desk.journal import Journal, state_path
from audiocast.errors import AudiocastError, ConfigError

if TYPE_CHECKING:
    from audiocast.speech.registry import EngineSet

logger = logging.getLogger("audiocast.desk.jobs")

QUEUE_FILE = ".audiocast-desk-jobs.db"  # huey's SQLite queue, in the episodes folder
QUEUE_NAME = "audiocast-desk"
TASK_NAME = "desk_job"  # huey's task: run(job id); the same name in every process


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
        self.records = Records(state_path(settings))
        self.journal = Journal(self.records.path)
        self.huey = make_huey(settings, queue_url)
        self._task = self.huey.task(name=TASK_NAME)(self._execute)
        self.stopping = threading.Event()  # set by JobRunner.stop(): leave the store alone
        self.work = JobWork(settings, engines, self.records, self.stopping)

    # -- the API ----------------------------------------------------------------------------

    def enqueue(self, kind: str, arguments: dict[str, Any] | None, user: str) -> int:
        """A new job of KIND with ARGUMENTS (job_arguments.py) for USER, queued; its id. A
        kind or arguments that cannot run are a JobError at once, and nothing is queued."""
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
            outcome = self.work.run(job)
        except Stopping as exc:
            self.records.requeue(job_id, cut_off=True, message=STOPPED_MESSAGE)
            raise RetryTask() from exc  # kept in huey's queue for the next start
        except StillLocked as exc:
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

    def _journal(self, job: Job, outcome: Outcome) -> None:
        action, subject, detail = outcome.journal
        try:
            self.journal.record(job.requested_by, action, subject, detail)
        except Exception:  # the job is done all the same; say so in the log
            logger.exception("desk job %s: the journal entry was not written", job.id)
