"""The text of a lexicon file (.toml or .csv) with one entry taken out, put in or replaced,
every other line kept as it is: its comments, notes, blank lines and order (`edited`). A file
the desk cannot follow line by line is written out whole instead. Only text: what the text
reads as is checked by the loader (lexicon_site.py), and the file is written there.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_NEW_TOML = (
    "# Словарь произношения сайта: как пишется = как произносится; «+» перед гласной —\n"
    "# ударение («Бак+у»). Его правит раздел «Словарь» редакционного стола; править вручную\n"
    "# тоже можно. Он дополняет встроенный словарь и переопределяет его записи.\n"
    "[words]\n"
)
_NEW_CSV = "written,spoken,note\n"


def _is_csv(path: Path) -> bool:
    return path.suffix == ".csv"


def new_file(path: Path) -> str:
    """The text a new lexicon file PATH starts with, before its first entry."""
    return _NEW_CSV if _is_csv(path) else _NEW_TOML


@dataclass
class _Lines:
    lines: list[str]
    index: dict[str, int]  # written form → its line
    extra: dict[str, str]  # written form → what its line keeps besides the entry (comment, note)
    has_table: bool  # TOML: a [words] header is there


def edited(
    path: Path, text: str, entries: dict[str, str], remove: str | None, put: tuple[str, str] | None
) -> str:
    """TEXT of the lexicon file PATH (whose entries are ENTRIES) with the entry REMOVE taken
    out and PUT written in: in the place of the entry it replaces (or of REMOVE), else at the
    end. Every other line stays as it is. A file the desk cannot follow line by line (a
    multi-line string, an inline table) is written out whole, its entries in order."""
    parsed = _csv_lines(text) if _is_csv(path) else _toml_lines(text)
    if parsed is None or set(parsed.index) != set(entries):
        return _whole_file(path, entries, remove, put)
    lines = list(parsed.lines)
    newline = "\r\n" if "\r\n" in text else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    dropped: set[int] = set()
    if put is not None:
        written, spoken = put
        at: int | None = None
        keep = ""
        for same in (written, remove):  # its own line, else the line of the one it replaces
            if same is not None and same in parsed.index:
                at, keep = parsed.index[same], parsed.extra[same]
                break
        line = _entry_line(path, written, spoken, keep) + newline
        if at is not None:
            lines[at] = line
            if remove is not None and remove in parsed.index and parsed.index[remove] != at:
                dropped.add(parsed.index[remove])
        else:
            if not _is_csv(path) and not parsed.has_table:
                lines.append("[words]" + newline)
            lines.append(line)
            if remove is not None and remove in parsed.index:
                dropped.add(parsed.index[remove])
    elif remove is not None and remove in parsed.index:
        dropped.add(parsed.index[remove])
    return "".join(line for number, line in enumerate(lines) if number not in dropped)


def _toml_lines(text: str) -> _Lines | None:
    lines = text.splitlines(keepends=True)
    index: dict[str, int] = {}
    extra: dict[str, str] = {}
    in_words = has_table = False
    for number, line in enumerate(lines):
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        try:
            value = tomllib.loads(line)
        except tomllib.TOMLDecodeError:
            return None  # part of something longer than a line
        if body.startswith("["):
            if value != {"words": {}} or has_table:
                return None
            in_words = has_table = True
            continue
        if not in_words or len(value) != 1:
            return None
        ((key, spoken),) = value.items()
        if not isinstance(spoken, str) or key.strip() in index:
            return None
        index[key.strip()] = number
        extra[key.strip()] = _toml_comment(line, value)
    return _Lines(lines, index, extra, has_table)


def _toml_comment(line: str, value: dict) -> str:
    """The comment after the entry on LINE (with the spaces before it), or ""."""
    for at in (m.start() for m in re.finditer("#", line)):
        try:
            if tomllib.loads(line[:at]) == value:
                return line[len(line[:at].rstrip()) :].rstrip("\r\n")
        except tomllib.TOMLDecodeError:
            continue
    return ""


def _csv_lines(text: str) -> _Lines | None:
    lines = text.splitlines(keepends=True)
    index: dict[str, int] = {}
    extra: dict[str, str] = {}
    for number, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if number == 0:
            body = body.removeprefix("\ufeff")
        row = next(csv.reader([body]), [])
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if number == 0 and [c.strip().lower() for c in row[:2]] == ["written", "spoken"]:
            continue
        if len(row) not in (2, 3) or row[0].strip() in index:
            return None
        index[row[0].strip()] = number
        extra[row[0].strip()] = row[2] if len(row) == 3 else ""
    return _Lines(lines, index, extra, True)


def _entry_line(path: Path, written: str, spoken: str, keep: str = "") -> str:
    if _is_csv(path):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([written, spoken, *([keep] if keep else [])])
        return buffer.getvalue()
    return f"{toml_string(written)} = {toml_string(spoken)}{keep}"


def _whole_file(
    path: Path, entries: dict[str, str], remove: str | None, put: tuple[str, str] | None
) -> str:
    entries = {w: s for w, s in entries.items() if w != remove}
    if put is not None:
        entries[put[0]] = put[1]
    start = new_file(path)
    return start + "".join(_entry_line(path, w, s) + "\n" for w, s in entries.items())


def toml_string(text: str) -> str:
    """TEXT as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif unicodedata.category(char) == "Cc":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
