"""The engines by name: the built-in ones and any a third party registers, each made on first
use and kept for the run.

The built-in engines are imported when the registry is first asked for them, and never by the
engines' interface (engine.py), which they import themselves: no circle."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

from audiocast.errors import EngineError
from audiocast.speech.engine import Engine

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
