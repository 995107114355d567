"""Where the bundled voice profiles and templates are, installed or run from a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The bundled `voices`, `templates` or `wordpress` (the plugin) folder.

    A wheel carries them inside the package (audiocast/_share/NAME); a checkout or an editable
    install has them at the top of the repository, beside the package.
    """
    for candidate in (_PACKAGE_DIR / "_share" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found next to {_PACKAGE_DIR}")


def samples_dir() -> Path:
    """Sample articles for `audiocast demo`, shipped inside the package."""
    return _PACKAGE_DIR / "samples"
