"""A job's progress as it runs: takes spoken of the script's takes (a sync: articles done of
those it found), written to the job's record (job_records.py) for the pages to show."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from audiocast.config import Settings
from audiocast.desk.job_records import Records

if TYPE_CHECKING:
    from audiocast.model import Script
    from audiocast.pipeline import Pipeline
    from audiocast.speech.ahead import SpeechAhead
    from audiocast.speech.registry import EngineSet
    from audiocast.speech.synthesize import SpeechResult
    from audiocast.speech.voices import VoiceProfile

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


def counting_pipeline(
    settings: Settings, engines: EngineSet | None, progress: Progress
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
