"""Script → one take per segment, through the cache. Takes stay in the cache: what the next
stage gets is each take's cache key and length, and it reads the samples when it needs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from audiocast.errors import EngineError
from audiocast.model import Script
from audiocast.speech.cache import SpeechCache
from audiocast.speech.engine import Audio, Engine
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
    version = engine.version()
    takes: list[Take] = []
    rates: set[int] = set()
    synthesized = cached = 0
    for segment in script.segments:
        key = cache.key(engine.name, version, voice, segment.spoken)
        shape = cache.shape(key)
        if shape is None:
            audio = synthesize_sentence(segment.spoken, voice, engine)
            cache.put(key, audio)
            shape = (len(audio.samples), audio.rate)
            synthesized += 1
        else:
            cached += 1
        takes.append(Take(key, shape[0]))
        rates.add(shape[1])
        if on_take:
            on_take()
    if len(rates) != 1:
        raise EngineError(f"voice {voice.name}: takes came back at mixed sample rates {rates}")
    return SpeechResult(takes, rates.pop(), synthesized, cached)


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
