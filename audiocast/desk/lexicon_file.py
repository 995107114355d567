"""Which lexicon file of the site the desk edits, and naming it in the site's audiocast.toml.

The site's `lexicon` setting names a file (that one, .toml or .csv) or a folder (its
`<language>.csv` when there is one, since the CSV is read last and wins, else
`<language>.toml`). A site without the setting gets `lexicon.toml` in its folder, made on the
first save, and `lexicon = "lexicon.toml"` written into its audiocast.toml, so that the CLI,
sync and the desk's own jobs read it too. The bundled templates/lexicon/ files are never
written: their entries are listed, and changing one writes a site entry that overrides it.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from audiocast.config import CONFIG_NAME, Settings
from audiocast.desk.lexicon_lines import toml_string
from audiocast.files import write_atomically

log = logging.getLogger("audiocast.desk")

DEFAULT_FILE = "lexicon.toml"  # made in the site's folder when its settings name no lexicon


def editable_path(settings: Settings, language: str) -> Path:
    """The one lexicon file of SETTINGS' site that the desk writes, for LANGUAGE."""
    configured = settings.lexicon
    if configured is None:
        return settings.root / DEFAULT_FILE
    if configured.is_dir() or (not configured.exists() and configured.suffix == ""):
        as_csv = configured / f"{language}.csv"
        return as_csv if as_csv.is_file() else configured / f"{language}.toml"
    return configured


def shown_path(settings: Settings, path: Path) -> str:
    """PATH for the page: relative to the site's folder when it is inside it."""
    try:
        return path.relative_to(settings.root).as_posix()
    except ValueError:
        return str(path)


def name_in_config(settings: Settings, path: Path) -> bool:
    """`lexicon = "<PATH>"` written into the site's audiocast.toml (a new one if it has none),
    among its top-level keys, the rest of the file kept as it is; and SETTINGS, shared by the
    whole desk (its pages, its jobs), told at once. False when the file could not be changed
    so that it reads as before plus that key: the page then says to add the line by hand."""
    config = settings.root / CONFIG_NAME
    value = shown_path(settings, path)
    line = f"lexicon = {toml_string(value)}\n"
    try:
        text = config.read_text(encoding="utf-8") if config.exists() else ""
        before = tomllib.loads(text)
        if "lexicon" in before:
            return False
        lines = text.splitlines(keepends=True)
        at = next((i for i, row in enumerate(lines) if row.lstrip().startswith("[")), len(lines))
        while at > 0 and (not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
            at -= 1  # right after the last key, above what introduces the first table
        head = "".join(lines[:at])
        if head and not head.endswith("\n"):
            head += "\n"
        new = head + line + "".join(lines[at:])
        if tomllib.loads(new) != before | {"lexicon": value}:
            return False
        write_atomically(config, new.encode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.warning("could not name the lexicon in %s: %s", config, exc)
        return False
    # Settings is frozen because nothing should change it by accident; this is the one
    # deliberate change: every part of the desk holds this object, and must now read the file
    object.__setattr__(settings, "lexicon", path)
    return True
