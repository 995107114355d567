"""audiocast.toml → Settings. Every problem is reported at once, naming the file and the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from audiocast.errors import ConfigError

CONFIG_NAME = "audiocast.toml"


@dataclass(frozen=True)
class Settings:
    """Site settings. Relative paths are resolved against the folder of audiocast.toml."""

    root: Path
    show: str = "Minval Politika"
    site_url: str = ""
    language: str = "ru"  # for articles that do not say
    timezone: str = "UTC"  # for dates without an offset, e.g. "Asia/Baku"
    # Paragraphs of site chrome that extraction can leave in (subscribe boxes and the like):
    # a paragraph that starts with one of these is dropped. Case-insensitive.
    boilerplate: tuple[str, ...] = (
        "Следите за развитием событий",
        "Присоединяйтесь к подписчикам",
        "Подписывайтесь на",
        "Подписаться",
        "Читайте также",
        "Читайте нас в",
    )
    voice: str = "ru-espeak"
    voice_by_language: dict[str, str] = field(default_factory=lambda: {"az": "az-espeak"})
    episodes_dir: Path = Path("episodes")
    cache_dir: Path = Path(".audiocast/cache")
    voices_dir: Path | None = None  # extra profiles; bundled ones are always available
    templates_dir: Path | None = None  # overrides for bundled templates
    bitrate_kbps: int = 64
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    cover: Path | None = None  # show cover image; generated when not set
    jingle: Path | None = None  # intro/outro jingle audio file; generated when not set
    max_article_chars: int = 200_000

    def voice_for(self, language: str, requested: str | None = None) -> str:
        """The voice profile for an article: the one asked for, else by language, else default."""
        if requested:
            return requested
        return self.voice_by_language.get(language, self.voice)


_ALLOWED_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192)
_PATH_KEYS = ("episodes_dir", "cache_dir", "voices_dir", "templates_dir", "cover", "jingle")


def load_settings(folder: Path) -> Settings:
    """Read FOLDER/audiocast.toml if there is one; defaults otherwise."""
    folder = folder.resolve()
    path = folder / CONFIG_NAME
    if not path.exists():
        return _resolve_paths(Settings(root=folder), folder)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return _resolve_paths(_settings_from(data, folder, path), folder)


def _settings_from(data: dict, folder: Path, path: Path) -> Settings:
    problems: list[str] = []
    known = set(Settings.__dataclass_fields__) - {"root"}
    for key in data:
        if key not in known:
            problems.append(f"{path}: unknown key {key!r} (known: {', '.join(sorted(known))})")
    values: dict = {}
    for key in known & set(data):
        value = data[key]
        if key in _PATH_KEYS:
            if not isinstance(value, str):
                problems.append(f"{path}: {key} must be a path string, got {value!r}")
                continue
            values[key] = Path(value) if value else None
        elif key == "bitrate_kbps":
            if value not in _ALLOWED_BITRATES:
                problems.append(
                    f"{path}: bitrate_kbps = {value!r} is not an MP3 bit rate; "
                    f"use one of {', '.join(map(str, _ALLOWED_BITRATES))}"
                )
                continue
            values[key] = value
        elif key in ("loudness_lufs", "true_peak_dbtp"):
            if not isinstance(value, int | float) or value >= 0:
                problems.append(f"{path}: {key} must be a negative number, got {value!r}")
                continue
            values[key] = float(value)
        elif key == "max_article_chars":
            if not isinstance(value, int) or value < 1000:
                problems.append(f"{path}: max_article_chars must be an integer ≥ 1000")
                continue
            values[key] = value
        elif key == "boilerplate":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{path}: boilerplate must be a list of strings")
                continue
            values[key] = tuple(value)
        elif key == "voice_by_language":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                problems.append(f"{path}: voice_by_language must be a table of language = voice")
                continue
            values[key] = dict(value)
        else:
            if not isinstance(value, str):
                problems.append(f"{path}: {key} must be a string, got {value!r}")
                continue
            values[key] = value
    if problems:
        raise ConfigError("\n".join(problems))
    return Settings(root=folder, **values)


def _resolve_paths(settings: Settings, folder: Path) -> Settings:
    resolved = {}
    for key in _PATH_KEYS:
        value = getattr(settings, key)
        if value is not None and not value.is_absolute():
            resolved[key] = folder / value
    return Settings(**{**settings.__dict__, **resolved})
