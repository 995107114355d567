"""The engine interface, the audio it returns, and the registry of engines by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol

import numpy as np

from audiocast.errors import EngineError
from audiocast.speech.voices import VoiceProfile


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit PCM samples and their sample rate."""

    samples: np.ndarray  # int16, one dimension
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


class Engine(Protocol):
    name: str

    def available(self) -> str | None:
        """None when the engine can speak here; otherwise why not and how to fix it."""

    def version(self, voice: VoiceProfile | None = None) -> str:
        """Part of the cache key: a new engine version (or, with VOICE, a new model file)
        may sound different."""

    def synthesize(self, text: str, voice: VoiceProfile) -> Audio:
        """Speak one sentence. Raises EngineError."""

    # Optional, looked up with getattr:
    #   languages() -> set[str]: the language codes it speaks, when it can tell;
    #   max_in_flight(voice) -> int: sentences it may be asked for at once (network engines);
    #   voice_problem(voice) -> str | None: why this profile cannot speak here (a missing file).


def max_in_flight(engine: Engine, voice: VoiceProfile) -> int:
    method = getattr(engine, "max_in_flight", None)
    return method(voice) if method else 1


def voice_problem(engine: Engine, voice: VoiceProfile) -> str | None:
    """Why VOICE cannot speak here, or None: the engine first, then the profile itself."""
    problem = engine.available()
    check = getattr(engine, "voice_problem", None)
    if problem is None and check is not None:
        problem = check(voice)
    if problem is None and not speaks(engine, voice.language):
        problem = f"{engine.name} does not speak {voice.language!r}"
    return problem


def speaks(engine: Engine, language: str) -> bool:
    method = getattr(engine, "languages", None)
    return True if method is None else language in method()


EngineFactory = Callable[[], Engine]

ENTRY_POINT_GROUP = "audiocast.engines"


def builtin_engines() -> dict[str, EngineFactory]:
    from audiocast.speech.espeak import EspeakEngine
    from audiocast.speech.gtts_engine import GttsEngine
    from audiocast.speech.piper import PiperEngine  # imports piper-tts itself only when used

    return {"espeak": EspeakEngine, "gtts": GttsEngine, "piper": PiperEngine}


def engine_factories() -> dict[str, EngineFactory]:
    """Built-in engines plus any a third party registers under the entry-point group."""
    factories = builtin_engines()
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        factories.setdefault(entry.name, entry.load())
    return factories


class EngineSet:
    """Engines created on first use and then kept: one per name for the whole run."""

    def __init__(self, factories: dict[str, EngineFactory] | None = None):
        self._factories = factories if factories is not None else engine_factories()
        self._engines: dict[str, Engine] = {}

    def names(self) -> list[str]:
        return sorted(self._factories)

    def get(self, name: str) -> Engine:
        if name not in self._engines:
            factory = self._factories.get(name)
            if factory is None:
                known = ", ".join(self.names())
                raise EngineError(f"no speech engine named {name!r} (known: {known})")
            self._engines[name] = factory()
        return self._engines[name]
