"""The engine interface: what an engine must do, and what may be asked of one (see registry.py
for the engines by name)."""

from __future__ import annotations

from typing import Protocol

from audiocast.model import Audio
from audiocast.speech.voices import VoiceProfile


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
