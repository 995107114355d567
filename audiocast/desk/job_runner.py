"""huey's consumer for one site inside the desk's process (JobRunner): one worker thread, so
one writer at a time, and huey's scheduler thread (a job that waited too long for the store
comes back through it).

Only one consumer per site: JobRunner first takes an flock beside the store (the kernel drops
it with the process), so a second desk process on the same site waits and takes over when the
first stops, and nothing is in flight anywhere when the new consumer queues again the jobs a
killed one cut off (DeskJobs.recover).
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from huey.consumer import Consumer

from audiocast.config import Settings
from audiocast.desk.job_queue import DeskJobs

if TYPE_CHECKING:
    from audiocast.speech.registry import EngineSet

RUNNER_LOCK_FILE = ".audiocast-desk-runner.lock"  # held by the site's one consumer
QUEUE_POLL_SECONDS = 0.5  # the longest an idle worker leaves a new job in the queue
HEALTH_CHECK_SECONDS = 10.0  # the consumer's dead-worker check


class _DeskConsumer(Consumer):
    """huey's consumer without its signal handlers: it runs in a thread of the desk's
    process, whose server owns SIGINT and SIGTERM (and signal() works in the main thread
    only); the desk stops it with JobRunner.stop()."""

    def _set_signal_handlers(self) -> None:
        pass


class JobRunner:
    """huey's consumer for one site, in this process. start() returns at once; the runner
    consumes once it is the site's one consumer (`consuming` is set then): a second desk
    process on the same site waits, and takes over when the first stops."""

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
