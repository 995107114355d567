"""`audiocast wordpress-plugin`: the WordPress companion plugin (wordpress/audiocast/) as a zip
that WordPress's «Upload plugin» installs: one top folder, `audiocast/`."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from audiocast.errors import AudiocastError
from audiocast.files import write_atomically

if TYPE_CHECKING:
    from rich.console import Console

    from audiocast.config import Settings

PLUGIN_FOLDER = "audiocast"
# the plugin header's `Version:` line in audiocast.php (WordPress reads it the same way)
_VERSION = re.compile(r"^[ \t/*#@]*Version:[ \t]*(\S+)", re.MULTILINE)
# a fixed time for every entry: the same plugin makes the same bytes
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def plugin_source() -> Path:
    """The plugin's folder, in a checkout or inside the installed package."""
    from audiocast.resources import bundled_dir

    return bundled_dir("wordpress") / PLUGIN_FOLDER


def plugin_version(folder: Path) -> str:
    """The version in the plugin header, which names the zip."""
    found = _VERSION.search((folder / "audiocast.php").read_text(encoding="utf-8"))
    if not found:
        raise AudiocastError(f"{folder / 'audiocast.php'}: no Version in the plugin header")
    return found.group(1)


def write_plugin_zip(out: Path) -> Path:
    """OUT/audiocast-wordpress-VERSION.zip, written whole or not at all; its path."""
    source = plugin_source()
    target = out / f"audiocast-wordpress-{plugin_version(source)}.zip"
    buffer = io.BytesIO()  # the plugin is small: made in memory, then written in one step
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in _plugin_files(source):
            name = f"{PLUGIN_FOLDER}/{path.relative_to(source).as_posix()}"
            entry = zipfile.ZipInfo(name, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes())
    write_atomically(target, buffer.getvalue())
    return target


def _plugin_files(source: Path) -> list[Path]:
    """The plugin's files, sorted; hidden files and caches left out."""
    return [
        path
        for path in sorted(source.rglob("*"))
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(source).parts)
    ]


def plugin(arguments, settings: Settings, errors: Console) -> int:
    """Write the zip and print its path."""
    print(write_plugin_zip(Path(arguments.out)))
    return 0
