"""The site's lexicon as the desk edits it («Словарь»): which file, its entries beside the
bundled ones, a change checked by the loader's own rules and written whole, the stored articles
a word appears in, and a sample sentence spoken with a candidate entry.

Which file: the site's `lexicon` setting names a file (that one, .toml or .csv) or a folder (its
`<language>.csv` when there is one, since the CSV is read last and wins, else
`<language>.toml`). A site without the setting gets `lexicon.toml` in its folder, made on the
first save, and `lexicon = "lexicon.toml"` written into its audiocast.toml, so that the CLI,
sync and the desk's own jobs read it too. The bundled templates/lexicon/ files are never
written: their entries are listed, and changing one writes a site entry that overrides it.

Every change is checked by script/lexicon.py's own reading of the whole new file
(`lexicon_entries`), which must give exactly the entries intended, before the file is written
atomically (files.write_atomically): what the desk writes is what every run reads. The other
entries keep their lines, comments, notes and order. A change carries the version (a hash) of
the file it was made on; when the file has changed since (another editor, a hand edit), it is
refused and the page says so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import re
import threading
import time
import tomllib
import unicodedata
import wave
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audiocast.config import CONFIG_NAME, Settings
from audiocast.desk import journal
from audiocast.desk.articles import searchable
from audiocast.desk.script_view import lexicon_stamp
from audiocast.episode import store as store_files
from audiocast.errors import AudiocastError, ConfigError
from audiocast.files import write_atomically
from audiocast.ingest.stored import read_stored_article
from audiocast.script.lexicon import (
    Lexicon,
    bundled_lexicon_folder,
    check_entry,
    language_files,
    lexicon_entries,
    load_lexicons,
    match_key,
    stress_from_plus,
)

if TYPE_CHECKING:
    from audiocast.model import Audio
    from audiocast.publish.catalogue import PublishedEpisode
    from audiocast.script.normalize import Normalizer
    from audiocast.speech.engine import Engine
    from audiocast.speech.voices import VoiceProfile

log = logging.getLogger("audiocast.desk")

MAX_WRITTEN = 100  # characters of a written form, of a spoken form, of a sample sentence
MAX_SPOKEN = 200
MAX_SENTENCE = 300
DEFAULT_FILE = "lexicon.toml"  # made in the site's folder when its settings name no lexicon
ABSENT = "absent"  # the version of a file that does not exist yet
SAMPLE_SEARCH_SECONDS = 0.3  # looking for a sample sentence in the stored articles, at most
KEPT_SAMPLES = 64  # recent samples kept in memory, for the page's <audio> to fetch
MAX_FOUND = 500  # articles listed for re-voicing after a change

STALE = (
    "Словарь изменился, пока вы его правили: его сохранил кто-то другой или файл поправили "
    "вручную. Ваша правка не сохранена. Проверьте запись ниже и сохраните её ещё раз, если "
    "она всё ещё нужна."
)
STALE_TAIL = "Обновите страницу словаря."
_RUSSIAN = {  # the loader's rules (script/lexicon.py: check_entry), said on the page
    ("written", "empty"): "Напишите слово так, как оно пишется в статьях.",
    ("spoken", "empty"): "Напишите, как слово произносить.",
    ("spoken", "stray-plus"): (
        "Знак «+» отмечает ударение и ставится прямо перед гласной, например «Бак+у»."
    ),
}
_NEW_TOML = (
    "# Словарь произношения сайта: как пишется = как произносится; «+» перед гласной —\n"
    "# ударение («Бак+у»). Его правит раздел «Словарь» редакционного стола; править вручную\n"
    "# тоже можно. Он дополняет встроенный словарь и переопределяет его записи.\n"
    "[words]\n"
)
_NEW_CSV = "written,spoken,note\n"
_SAMPLE_KEY = re.compile(r"[0-9a-f]{64}")


class Refused(Exception):
    """A change or a sample the desk will not make. MESSAGE says why in Russian; FIELD is the
    form's field at fault ("written", "spoken", "sentence"; "" for the whole form); DETAIL is
    the lexicon loader's own words, when its rules are the reason; STATUS the HTTP status."""

    def __init__(self, message: str, field: str = "", detail: str = "", status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.detail = detail
        self.status = status


def checked_entry(written: str, spoken: str) -> tuple[str, str]:
    """WRITTEN = SPOKEN as the file will hold it (trimmed), or Refused: first by the rules the
    loader reads every lexicon with, then by the desk's limits on size."""
    written, spoken = written.strip(), spoken.strip()
    problem = check_entry(written, spoken)
    if problem is not None:
        message = _RUSSIAN.get((problem.field, problem.code), "Словарь не примет такую запись.")
        raise Refused(message, problem.field, problem.message)
    for name, value, limit in (("written", written, MAX_WRITTEN), ("spoken", spoken, MAX_SPOKEN)):
        if len(value) > limit:
            raise Refused(f"Не длиннее {limit} знаков (сейчас {len(value)}).", name)
        if _has_control(value):
            raise Refused("Одна строка, без переводов строки и управляющих знаков.", name)
    return written, spoken


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


# -- which file -------------------------------------------------------------------------------


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


# -- what the lexicon holds -------------------------------------------------------------------


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


@dataclass(frozen=True)
class Change:
    written: str
    action: str  # "saved" | "deleted"
    spoken: str  # the entry's spoken form now ("saved") or before ("deleted")
    made: str  # "" | "file" (the file made, named in audiocast.toml) | "file-only" (not named)


class SiteLexicon:
    """The lexicon of SETTINGS' site for its language; safe from any thread. Each change is
    made under one lock (the desk's editors queue), on the file as it is at that moment."""

    def __init__(self, settings: Settings, journal_of: Callable[[], journal.Journal] | None = None):
        self.settings = settings
        self.language = settings.language
        self._journal_of = journal_of or (lambda: journal.Journal.of(settings))
        self._lock = threading.Lock()
        self._read: tuple[tuple, Contents] | None = None
        self._loaded: tuple[tuple, Lexicon] | None = None

    @property
    def path(self) -> Path:
        return editable_path(self.settings, self.language)

    @property
    def configured(self) -> bool:
        """Whether the site's settings name a lexicon (else the desk makes DEFAULT_FILE)."""
        return self.settings.lexicon is not None

    def contents(self) -> Contents:
        """The file and the entries under it; read again only when a file has changed."""
        stamp = (lexicon_stamp(self.settings), _stat(self.path))
        read = self._read
        if read is not None and read[0] == stamp:
            return read[1]
        contents = self._contents()
        self._read = (stamp, contents)
        return contents

    def lexicon(self) -> Lexicon:
        """The site's Lexicon for its language as every run loads it (bundled, then the
        site's); the bundled one alone while the site's file does not load."""
        stamp = lexicon_stamp(self.settings)
        loaded = self._loaded
        if loaded is not None and loaded[0] == stamp:
            return loaded[1]
        try:
            lexicons = load_lexicons(self.settings.lexicon, self.language)
        except ConfigError:
            lexicons = load_lexicons(None, self.language)
        lexicon = lexicons.get(self.language) or Lexicon()
        self._loaded = (stamp, lexicon)
        return lexicon

    def save(self, user: str, written: str, spoken: str, original: str, version: str) -> Change:
        """WRITTEN = SPOKEN in the site's file. ORIGINAL: the written form of the entry being
        changed ("" for a new one); VERSION: the file's version the form was made on."""
        written, spoken = checked_entry(written, spoken)
        original = original.strip()
        with self._lock:
            contents = self._current(version)
            site = contents.site
            clash = _same_key(site, written, besides=original if original in site else None)
            if clash is not None:
                where = "" if clash == written else f" (как «{clash}»)"
                raise Refused(
                    f"Это слово уже есть в словаре сайта{where}: измените ту запись.", "written"
                )
            if original and original not in site and contents.find(original) is None:
                raise Refused(
                    "Этой записи в словаре уже нет: её удалили. " + STALE_TAIL, "", "", 409
                )
            remove = original if original in site and original != written else None
            before = site.get(original) if original else None
            made = self._write(contents, remove, (written, spoken))
        detail = f"«{written}» = «{spoken}»" + (f" (было «{before}»)" if before else "")
        if original and original != written:
            detail += f", вместо «{original}»"
        self._record(user, written, detail)
        return Change(written, "saved", spoken, made)

    def delete(self, user: str, written: str, version: str) -> Change:
        written = written.strip()
        with self._lock:
            contents = self._current(version)
            if written not in contents.site:
                entry = contents.find(written)
                if entry is not None and not entry.editable:
                    raise Refused(
                        f"Запись «{written}» — из встроенного словаря ({entry.origin}): её не "
                        "удалить, но можно изменить, и запись сайта её заменит."
                    )
                raise Refused(f"Записи «{written}» в словаре сайта нет. " + STALE_TAIL, "", "", 409)
            spoken = contents.site[written]
            self._write(contents, written, None)
        self._record(user, written, f"удалено «{written}» = «{spoken}»")
        return Change(written, "deleted", spoken, "")

    # -- inside the lock ---------------------------------------------------------------------

    def _current(self, version: str) -> Contents:
        contents = self._contents()  # the file as it is now, not as last shown
        if version != contents.version:
            raise Refused(STALE, "", "", 409)
        if contents.problem is not None:
            raise Refused(
                "Файл словаря сейчас не читается, и стол не станет его переписывать: исправьте "
                "его вручную (ошибка ниже), потом обновите эту страницу.",
                "", contents.problem, 409,
            )  # fmt: skip
        return contents

    def _write(self, contents: Contents, remove: str | None, put: tuple[str, str] | None) -> str:
        path = contents.path
        text = contents.text if contents.exists else (_NEW_CSV if _is_csv(path) else _NEW_TOML)
        expected = dict(contents.site)
        if remove is not None:
            expected.pop(remove, None)
        if put is not None:
            expected[put[0]] = put[1]
        new_text = edited(path, text, contents.site, remove, put)
        try:
            written = lexicon_entries(path, new_text)  # the loader's own reading of the result
        except ConfigError as exc:
            raise Refused("Словарь не примет такую запись.", "", str(exc)) from None
        if written != expected:
            raise Refused(
                "Эту запись не сохранить в файле словаря так, чтобы он прочёлся как написано "
                f"(в файле {path.suffix} слово не может так начинаться или выглядеть)."
            )
        Lexicon({w: stress_from_plus(s) for w, s in written.items()})  # it compiles
        write_atomically(path, new_text.encode("utf-8"))
        self._read = None
        if self.configured:
            return ""
        named = name_in_config(self.settings, path)
        return "file" if named else "file-only"

    def _contents(self) -> Contents:
        path = self.path
        others = tuple(_read_only_layers(self.settings, self.language, path))
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

    def _record(self, user: str, written: str, detail: str) -> None:
        try:
            self._journal_of().record(user, journal.LEXICON_CHANGE, written, detail)
        except Exception:  # the change is made; the journal missing a line is only logged
            log.exception("the lexicon change of %r could not be written to the journal", written)


def _same_key(site: dict[str, str], written: str, besides: str | None) -> str | None:
    """The entry of SITE that WRITTEN would replace (matched alike), other than BESIDES."""
    key = match_key(written)
    for other in site:
        if other != besides and match_key(other) == key:
            return other
    return None


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


def _stat(path: Path) -> tuple | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _is_csv(path: Path) -> bool:
    return path.suffix == ".csv"


# -- writing the file -------------------------------------------------------------------------


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
    start = _NEW_CSV if _is_csv(path) else _NEW_TOML
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


# -- the articles a word is in ----------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    episode_id: str
    title: str
    sentence: str  # the first sentence that has the word


def articles_with(
    written: str,
    episodes: Iterable[PublishedEpisode],
    language: str,
    *,
    limit: int = MAX_FOUND,
    deadline: float | None = None,
) -> list[Found]:
    """The stored EPISODES in LANGUAGE whose article (article.json beside it) has WRITTEN where
    the lexicon would match it (whole words; an acronym in capitals only), at most LIMIT, in
    the order given, looking until DEADLINE (time.monotonic()) at most. A file is parsed only
    when its text holds the word in some case."""
    matcher = Lexicon({written: "\x00"})  # replaces the word wherever the entry would
    rough = written.casefold() if not any(c in written for c in '"\\') else ""
    found: list[Found] = []
    for episode in episodes:
        if len(found) >= limit or (deadline is not None and time.monotonic() > deadline):
            break
        if episode.language.split("-", 1)[0].lower() != language:
            continue
        path = Path(episode.location) / store_files.ARTICLE_FILE
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # an edition, or an episode made before articles were kept
        if rough and rough not in raw.casefold():
            continue
        sentence = _sentence_with(path, matcher)
        if sentence is not None:
            found.append(Found(episode.episode_id, episode.title, sentence))
    return found


def _sentence_with(path: Path, matcher: Lexicon) -> str | None:
    from audiocast.script.sentences import split_sentences  # razdel: not at the desk's start

    try:
        article = read_stored_article(path)
    except AudiocastError:
        return None
    for text in (article.title, article.lead, *(block.text for block in article.body)):
        if text and matcher.rewrite(text) != text:
            for sentence in split_sentences(text):
                if matcher.rewrite(sentence) != sentence:
                    return sentence
            return text
    return None


def around(sentence: str, written: str, limit: int = MAX_SENTENCE) -> str:
    """SENTENCE, or the piece of it with WRITTEN when it is longer than LIMIT."""
    if len(sentence) <= limit:
        return sentence
    at = max(0, sentence.casefold().find(written.casefold()))
    start = max(0, min(at - limit // 3, len(sentence) - limit))
    piece = sentence[start : start + limit]
    if start > 0:
        piece = piece.split(" ", 1)[-1]
    if start + limit < len(sentence):
        piece = piece.rsplit(" ", 1)[0]
    return piece


# -- samples ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    key: str  # the speech cache's key of the sentence (and the URL the page plays it from)
    wav: bytes
    sentence: str  # as written
    spoken: str  # as the voice got it
    voice: str
    cached: bool  # found in the speech cache


class Samples:
    """A sentence spoken by the site's voice for its language, with a candidate entry on top
    of the site's lexicon, for «Послушать». The text rules are those of every run (a
    RussianNormalizer or LexiconOnly, as Normalizers.for_language chooses, built with the
    candidate's Lexicon: ru-normalizr's dictionaries are loaded once per process, so building
    one costs microseconds); the speech goes through the shared speech cache."""

    def __init__(self, lexicon: SiteLexicon, episodes: Callable[[], Iterable[PublishedEpisode]]):
        self.site = lexicon
        self.settings = lexicon.settings
        self._episodes = episodes
        self._lock = threading.Lock()  # one normalizer and one voice at a time
        self._speaking: tuple[VoiceProfile, Engine] | None = None
        self._recent: OrderedDict[str, bytes] = OrderedDict()
        self._sentences: OrderedDict[tuple[str, int], str] = OrderedDict()

    def speak(self, written: str, spoken: str, sentence: str = "") -> Sample:
        written, spoken = checked_entry(written, spoken)
        sentence = " ".join(sentence.split())
        if len(sentence) > MAX_SENTENCE:
            raise Refused(f"Не длиннее {MAX_SENTENCE} знаков (сейчас {len(sentence)}).", "sentence")
        if _has_control(sentence):
            raise Refused("Одна строка, без управляющих знаков.", "sentence")
        sentence = sentence or self.sentence_for(written)
        lexicon = with_entry(self.site.lexicon(), written, spoken)
        from audiocast.speech.cache import SpeechCache
        from audiocast.speech.synthesize import synthesize_sentence

        with self._lock:
            text = self._normalizer(lexicon)(sentence)
            if not text.strip():
                raise Refused("В этой фразе нечего произносить.", "sentence")
            voice, engine = self._voice()
            cache = SpeechCache(self.settings.cache_dir / "speech")
            try:
                key = cache.key(engine.name, engine.version(voice), voice, text)
                audio = cache.get(key)
                cached = audio is not None
                if audio is None:
                    audio = synthesize_sentence(text, voice, engine)
                    cache.put(key, audio)
            except AudiocastError as exc:
                message = f"Голос {voice.name} не смог произнести фразу."
                raise Refused(message, "", str(exc), 503) from None
            wav = wav_bytes(audio)
            self._recent[key] = wav
            self._recent.move_to_end(key)
            while len(self._recent) > KEPT_SAMPLES:
                self._recent.popitem(last=False)
        return Sample(key, wav, sentence, text, voice.name, cached)

    def audio(self, key: str) -> bytes | None:
        """The WAV of the sample KEY: kept from a moment ago, else from the speech cache."""
        if not _SAMPLE_KEY.fullmatch(key):
            return None
        with self._lock:
            kept = self._recent.get(key)
        if kept is not None:
            return kept
        from audiocast.speech.cache import SpeechCache

        audio = SpeechCache(self.settings.cache_dir / "speech").get(key)
        return wav_bytes(audio) if audio is not None else None

    def sentence_for(self, written: str) -> str:
        """A sentence of a stored article with WRITTEN in it (the newest found within
        SAMPLE_SEARCH_SECONDS), else «Слово: WRITTEN.»."""
        episodes = list(self._episodes())
        key = (written, len(episodes))
        with self._lock:
            known = self._sentences.get(key)
        if known is not None:
            return known
        deadline = time.monotonic() + SAMPLE_SEARCH_SECONDS
        found = articles_with(written, episodes, self.site.language, limit=1, deadline=deadline)
        sentence = around(found[0].sentence, written) if found else f"Слово: {written}."
        with self._lock:
            self._sentences[key] = sentence
            while len(self._sentences) > KEPT_SAMPLES:
                self._sentences.popitem(last=False)
        return sentence

    def warm_up(self) -> None:
        """The text rules and the voice made now, so that the first «Послушать» is quick."""
        try:
            with self._lock:
                self._normalizer(self.site.lexicon())("Слово.")
                self._voice()
        except Exception:  # the first sample says what is wrong
            log.exception("the lexicon's samples could not get ready")

    def _normalizer(self, lexicon: Lexicon) -> Normalizer:
        from audiocast.script.normalize import LexiconOnly, RussianNormalizer

        if self.site.language == "ru":
            return RussianNormalizer(lexicon)
        return LexiconOnly(lexicon)

    def _voice(self) -> tuple[VoiceProfile, Engine]:
        """The site's voice for its language, or the first of its fallbacks that speaks here."""
        if self._speaking is not None:
            return self._speaking
        from audiocast.speech.engine import voice_problem
        from audiocast.speech.registry import EngineSet
        from audiocast.speech.voices import find_voice, load_voices

        try:
            voices = load_voices(self.settings.voices_dir)
            voice = find_voice(voices, self.settings.voice_for(self.site.language))
        except ConfigError as exc:
            raise Refused("Голос сайта не найден.", "", str(exc), 503) from None
        engines = EngineSet()
        problems = []
        seen: set[str] = set()
        candidate: VoiceProfile | None = voice
        while candidate is not None and candidate.name not in seen:
            seen.add(candidate.name)
            try:
                engine = engines.get(candidate.engine)
                problem = voice_problem(engine, candidate)
            except AudiocastError as exc:
                problem = str(exc)
            if problem is None:
                self._speaking = (candidate, engine)
                return self._speaking
            problems.append(f"voice {candidate.name}: {problem}")
            candidate = voices.get(candidate.fallback) if candidate.fallback else None
        raise Refused(f"Голос {voice.name} здесь не звучит.", "", "; ".join(problems), 503)


def with_entry(lexicon: Lexicon, written: str, spoken: str) -> Lexicon:
    """LEXICON with WRITTEN = SPOKEN ("+" marks) on top, replacing what matches alike."""
    key = match_key(written)
    entries = {w: s for w, s in lexicon.entries.items() if match_key(w) != key}
    entries[written] = stress_from_plus(spoken)
    return Lexicon(entries)


def wav_bytes(audio: Audio) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(audio.rate)
        writer.writeframes(audio.samples.astype("<i2").tobytes())
    return buffer.getvalue()
