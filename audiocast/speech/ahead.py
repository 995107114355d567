"""Speaking while the script is still being written.

Normalizing a five-minute article's sentences and synthesizing them take about half a second
each. espeak-ng and Piper run in C (espeak-ng through ctypes, which lets go of the GIL), so a
sentence can be spoken while Python normalizes the next one: `SpeechAhead` takes each sentence
as the script builder produces it and puts its take in the speech cache from a thread of its
own, and `synthesize_script` then finds the takes there.

It is only a head start. A sentence it could not speak is spoken again by synthesize_script,
which reports a failure and falls back to another voice as it always has.
"""

from __future__ import annotations

import queue
import threading

from audiocast.speech.cache import SpeechCache
from audiocast.speech.engine import Engine
from audiocast.speech.synthesize import synthesize_sentence
from audiocast.speech.voices import VoiceProfile


class SpeechAhead:
    """Call it with each spoken sentence (it returns the sentence unchanged); leaving the
    `with` block waits until every sentence given is in the cache or has failed."""

    def __init__(self, voice: VoiceProfile, engine: Engine, cache: SpeechCache):
        self._voice, self._engine, self._cache = voice, engine, cache
        self._version = engine.version(voice)
        self._sentences: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._speak_all, name="speech-ahead", daemon=True)
        self.spoken = 0  # sentences this put in the cache

    def __enter__(self) -> SpeechAhead:
        self._thread.start()
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:  # the script failed: what is still queued is not wanted
            self._stop.set()
        self._sentences.put(None)
        self._thread.join()

    def __call__(self, spoken: str) -> str:
        self._sentences.put(spoken)
        return spoken

    def _speak_all(self) -> None:
        while (text := self._sentences.get()) is not None:
            if self._stop.is_set():
                continue
            key = self._cache.key(self._engine.name, self._version, self._voice, text)
            if self._cache.shape(key) is not None:
                continue  # spoken before, or earlier in this script
            try:
                self._cache.put(key, synthesize_sentence(text, self._voice, self._engine))
            except Exception:  # noqa: BLE001 - synthesize_script speaks it again and reports why
                continue
            self.spoken += 1
