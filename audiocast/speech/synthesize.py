"""Script → one take per segment, through the cache. Takes stay in the cache: what the next
stage gets is each take's cache key and length, and it reads the samples when it needs them."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from audiocast.errors import EngineError
from audiocast.model import Audio, Script
from audiocast.speech.cache import SpeechCache
from audiocast.speech.engine import Engine, max_in_flight
from audiocast.speech.voices import VoiceProfile

# Engines pad speech with their own silence; we cut it so that our pauses are the pauses.
_SILENCE_THRESHOLD = 200  # of 32767: about −44 dBFS
_KEEP_EDGE_SECONDS = 0.02


@dataclass(frozen=True)
class Take:
    key: str  # in the speech cache
    length: int  # samples


@dataclass
class SpeechResult:
    takes: list[Take]  # one per segment of the script
    rate: int
    synthesized: int  # sentences the engine was asked for
    cached: int  # sentences taken from the cache


def synthesize_script(
    script: Script,
    voice: VoiceProfile,
    engine: Engine,
    cache: SpeechCache,
    on_take: Callable[[], None] | None = None,
) -> SpeechResult:
    """Every segment's take: from the cache, else from the engine (each distinct sentence
    once). A network engine gets several sentences in flight at once (max_in_flight)."""
    version = engine.version(voice)
    keys = [cache.key(engine.name, version, voice, s.spoken) for s in script.segments]
    shapes: dict[str, tuple[int, int]] = {}
    to_make: dict[str, str] = {}  # cache key → spoken text, each distinct sentence once
    for key, segment in zip(keys, script.segments, strict=True):
        if key in shapes or key in to_make:
            continue
        shape = cache.shape(key)
        if shape is None:
            to_make[key] = segment.spoken
        else:
            shapes[key] = shape
    for _ in range(len(keys) - len(to_make)):
        if on_take:
            on_take()

    def make(key: str) -> None:
        audio = synthesize_sentence(to_make[key], voice, engine)
        cache.put(key, audio)
        shapes[key] = (len(audio.samples), audio.rate)
        if on_take:
            on_take()

    _run_all(make, list(to_make), max_in_flight(engine, voice))
    rates = {shapes[key][1] for key in keys}
    if len(rates) != 1:
        raise EngineError(f"voice {voice.name}: takes came back at mixed sample rates {rates}")
    takes = [Take(key, shapes[key][0]) for key in keys]
    return SpeechResult(takes, rates.pop(), len(to_make), len(keys) - len(to_make))


def _run_all(work: Callable[[str], None], items: list[str], in_flight: int) -> None:
    """WORK on every item, IN_FLIGHT at a time; the first failure stops the rest and is
    raised (sentences already made stay in the cache)."""
    if in_flight <= 1 or len(items) <= 1:
        for item in items:
            work(item)
        return
    pool = ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="speech")
    try:
        for future in as_completed([pool.submit(work, item) for item in items]):
            future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def synthesize_sentence(text: str, voice: VoiceProfile, engine: Engine) -> Audio:
    """One sentence from the engine, with the engine's leading and trailing silence cut."""
    audio = engine.synthesize(text, voice)
    return Audio(trim_silence(audio.samples, audio.rate), audio.rate)


def trim_silence(samples: np.ndarray, rate: int) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SILENCE_THRESHOLD)
    if loud.size == 0:
        return samples[:0]
    edge = int(_KEEP_EDGE_SECONDS * rate)
    return samples[max(0, loud[0] - edge) : loud[-1] + edge + 1]
