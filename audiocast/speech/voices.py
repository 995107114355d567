"""Voice profiles: voices/*.toml, each naming an engine and that engine's options."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from audiocast.errors import ConfigError
from audiocast.resources import bundled_dir


@dataclass(frozen=True)
class VoiceProfile:
    name: str
    engine: str
    language: str
    description: str = ""
    options: dict = field(default_factory=dict)  # the engine's own parameters
    path: Path | None = None
    fallback: str | None = None  # profile to speak with when this one's engine fails


def load_voices(extra_dir: Path | None = None) -> dict[str, VoiceProfile]:
    """Bundled profiles, then the site's (a site profile of the same name wins)."""
    voices: dict[str, VoiceProfile] = {}
    problems: list[str] = []
    for folder in (bundled_dir("voices"), extra_dir):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                voice = _load_voice(path)
            except ConfigError as exc:
                problems.append(str(exc))
                continue
            voices[voice.name] = voice
    for voice in voices.values():
        if voice.fallback and voice.fallback not in voices:
            problems.append(f"{voice.path}: fallback {voice.fallback!r} is not a voice profile")
    if problems:
        raise ConfigError("\n".join(problems))
    return voices


def _load_voice(path: Path) -> VoiceProfile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    missing = [key for key in ("engine", "language") if not isinstance(data.get(key), str)]
    if missing:
        raise ConfigError(f"{path}: missing {', '.join(missing)} (a string each)")
    options = data.get("engine_options", {})
    if not isinstance(options, dict):
        raise ConfigError(f"{path}: [engine_options] must be a table")
    fallback = data.get("fallback")
    if fallback is not None and not isinstance(fallback, str):
        raise ConfigError(f"{path}: fallback must be the name of another voice profile")
    return VoiceProfile(
        name=str(data.get("name") or path.stem),
        engine=data["engine"],
        language=data["language"],
        description=str(data.get("description", "")),
        options=options,
        path=path,
        fallback=fallback or None,
    )


def find_voice(voices: dict[str, VoiceProfile], name: str) -> VoiceProfile:
    if name not in voices:
        known = ", ".join(sorted(voices)) or "none"
        raise ConfigError(f"no voice profile named {name!r} (known: {known})")
    return voices[name]
