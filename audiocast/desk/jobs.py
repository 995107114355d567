"""The desk's jobs: every voicing, re-voicing, build, sync and edition started from the desk
is a job with live progress, run one at a time by huey's consumer inside the desk's process.
This module is their public API; the parts, one job each:

- job_records.py: what is kept of each job (the table `desk_jobs` in the sync state database,
  beside the desk's users and the journal), its kinds and states and their Russian words;
- job_arguments.py: the arguments each kind takes, checked before anything is queued;
- job_work.py: what each kind does, under the store's lock (`audiocast sync`'s), waiting for
  a running sync; job_progress.py: its progress, as takes are spoken;
- job_queue.py: DeskJobs, the queue of one site (huey: SQLite beside the store, or Redis),
  the huey task that runs a job, and the recovery of jobs a restart cut off;
- job_runner.py: JobRunner, huey's consumer in a thread of the desk, the site's only one.

Jobs survive a restart: queued ones are in huey's SQLite file, and one cut off half-way is
queued again by the next start (job_queue.py).
"""

from __future__ import annotations

from audiocast.desk.job_arguments import checked_arguments
from audiocast.desk.job_queue import QUEUE_FILE, DeskJobs, make_huey
from audiocast.desk.job_records import (
    DONE,
    FAILED,
    KIND_LABELS,
    QUEUED,
    RESTARTED_MESSAGE,
    RUNNING,
    STATE_LABELS,
    STOPPED_MESSAGE,
    UNFINISHED,
    WAITING,
    WAITING_MESSAGE,
    Job,
    JobError,
    JobKind,
    JobState,
)
from audiocast.desk.job_runner import RUNNER_LOCK_FILE, JobRunner

__all__ = [
    "DONE",
    "FAILED",
    "KIND_LABELS",
    "QUEUED",
    "QUEUE_FILE",
    "RESTARTED_MESSAGE",
    "RUNNER_LOCK_FILE",
    "RUNNING",
    "STATE_LABELS",
    "STOPPED_MESSAGE",
    "UNFINISHED",
    "WAITING",
    "WAITING_MESSAGE",
    "DeskJobs",
    "Job",
    "JobError",
    "JobKind",
    "JobRunner",
    "JobState",
    "checked_arguments",
    "make_huey",
]
