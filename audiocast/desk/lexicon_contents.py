"""What the site's lexicon holds, as the desk shows it: the file the desk edits, read and
checked by the loader's own reading (script/lexicon.py: lexicon_entries), with its version (a
hash of its bytes, for the stale-version check) and, under it, the read-only entries (the
bundled files, the site's other files of the language) in the order the runs read them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from audiocast.config import Settings
from audiocast.desk.articles import searchable
from audiocast.desk.lexicon_file import shown_path
from audiocast.errors import ConfigError
from audiocast.script.lexicon import (
    bundled_lexicon_folder,
    language_files,
    lexicon_entries,
    match_key,
)

ABSENT = "absent"  # the version of a file that does not exist yet


@dataclass(frozen=True)
class Entry:
    written: str
    spoken: str  # as its file has it: "+" before the stressed vowel
    origin: str  # "" for the site's file, which the desk edits; else where it comes from
    overrides: str = ""  # a site entry replacing a read-only one: that one's spoken form

    @property
    def editable(self) -> bool:
        return not self.origin


@dataclass(frozen=True)
class Contents:
    """The site's file as last read, and the read-only entries under it."""

    path: Path
    version: str  # hash of the file's bytes (ABSENT before it exists)
    exists: bool
    text: str  # the file's text ("" when absent or unreadable)
    site: dict[str, str]  # its entries, spoken forms with "+" (empty when it does not load)
    others: tuple[tuple[str, dict[str, str]], ...]  # (origin, entries), in the order read
    problem: str | None  # why the file does not load (the loader's words), or None

    def entries(self) -> list[Entry]:
        """Every entry that is in force, as the runs read them (a later file's entry replaces
        an earlier one matched alike), in alphabetical order."""
        merged: dict[str, Entry] = {}
        for origin, entries in self.others:
            for written, spoken in entries.items():
                merged[match_key(written)] = Entry(written, spoken, origin)
        for written, spoken in self.site.items():
            key = match_key(written)
            under = merged.get(key)
            merged[key] = Entry(written, spoken, "", under.spoken if under else "")
        return sorted(merged.values(), key=lambda e: (searchable(e.written), e.written))

    def find(self, written: str) -> Entry | None:
        for entry in self.entries():
            if entry.written == written:
                return entry
        return None


def search(entries: list[Entry], text: str) -> list[Entry]:
    """The ENTRIES whose written or spoken form holds TEXT (case, «ё» and "+" ignored)."""
    needle = searchable(text)
    if not needle:
        return entries
    return [
        e for e in entries
        if needle in searchable(e.written) or needle in searchable(e.spoken.replace("+", ""))
    ]  # fmt: skip


def read_contents(settings: Settings, language: str, path: Path) -> Contents:
    """The lexicon file PATH of SETTINGS' site for LANGUAGE as it is now, and the read-only
    entries under it; a file that does not load has its problem said, and no entries."""
    others = tuple(_read_only_layers(settings, language, path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Contents(path, ABSENT, False, "", {}, others, None)
    except OSError as exc:
        return Contents(path, ABSENT, False, "", {}, others, f"{path}: {exc.strerror}")
    version = hashlib.sha256(data).hexdigest()[:32]
    try:
        text = data.decode("utf-8")
        site = lexicon_entries(path, text)
    except UnicodeDecodeError as exc:
        return Contents(path, version, True, "", {}, others, f"{path}: not UTF-8: {exc}")
    except ConfigError as exc:
        return Contents(path, version, True, text, {}, others, str(exc))
    return Contents(path, version, True, text, site, others, None)


def _read_only_layers(
    settings: Settings, language: str, editable: Path
) -> Iterable[tuple[str, dict[str, str]]]:
    """The bundled files of LANGUAGE, then the site's other files of it (a folder's TOML under
    its CSV), in the order the loader reads them."""
    for path in language_files(bundled_lexicon_folder()).get(language, []):
        yield "встроенный словарь", _bundled(path)
    configured = settings.lexicon
    if configured is not None and configured.is_dir():
        for path in language_files(configured).get(language, []):
            if path != editable:
                try:
                    yield shown_path(settings, path), lexicon_entries(path)
                except ConfigError:
                    continue  # the runs stop on it; the editable file is what the page is about


_bundled_entries: dict[Path, dict[str, str]] = {}


def _bundled(path: Path) -> dict[str, str]:
    """A bundled file's entries: read once, they do not change while the desk runs."""
    if path not in _bundled_entries:
        _bundled_entries[path] = lexicon_entries(path)
    return _bundled_entries[path]
