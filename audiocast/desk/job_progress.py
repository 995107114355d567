"""A job's progress as it runs: takes spoken of the script's takes (a sync: articles done of
those it found), written to the job's record (job_records.py) for the pages to show."""

from __future__ import annotations

import threading
import time

from audiocast.desk.job_records import Records

PROGRESS_SECONDS = 0.25  # a job's progress is written at most this often


class Progress:
    """A job's done/total, written to its record at most every PROGRESS_SECONDS (a cached
    take takes microseconds, a write is a transaction). Takes may come from several threads
    (a network engine has sentences in flight at once)."""

    def __init__(self, records: Records, job_id: int):
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
