"""What the desk keeps of each job: the table `desk_jobs` in the sync state database
(state.STATE_FILE), beside the desk's users and the journal (journal.py), and the words the
pages use for its kind and state.

The records, not huey's queue, say what ran and how it ended: they stay put when the queue moves
to Redis, one backup of the store's folder keeps them, and huey's own tables (pickled messages,
deleted once taken) could not say it anyway. Each call is a short connection of its own
(journal.connection): the web server and the job runner call from several threads.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from audiocast.desk.database import connection, prepare, transaction
from audiocast.desk.journal import one_line
from audiocast.errors import AudiocastError

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


class Records:
    """The table desk_jobs of the database at PATH."""

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
