"""The site's lexicon as the desk reads and changes it (SiteLexicon, «Словарь»): the file
and the entries under it (lexicon_contents.py), the Lexicon every run loads, and an entry
saved or deleted.

Every change is checked by script/lexicon.py's own reading of the whole new file
(`lexicon_entries`), which must give exactly the entries intended, before the file is written
atomically (files.write_atomically): what the desk writes is what every run reads. The other
entries keep their lines, comments, notes and order (lexicon_lines.py). A change carries the
version (a hash) of the file it was made on; when the file has changed since (another editor,
a hand edit), it is refused and the page says so. A site without a lexicon gets its file on
the first save, named in its audiocast.toml (lexicon_file.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audiocast.config import Settings
from audiocast.desk import journal
from audiocast.desk.lexicon_contents import Contents, read_contents
from audiocast.desk.lexicon_entry import Refused, checked_entry
from audiocast.desk.lexicon_file import editable_path, name_in_config
from audiocast.desk.lexicon_lines import edited, new_file
from audiocast.desk.script_view import file_stamp, lexicon_stamp
from audiocast.errors import ConfigError
from audiocast.files import write_atomically
from audiocast.script.lexicon import (
    Lexicon,
    lexicon_entries,
    load_lexicons,
    match_key,
    stress_from_plus,
)

log = logging.getLogger("audiocast.desk")

STALE = (
    "Словарь изменился, пока вы его правили: его сохранил кто-то другой или файл поправили "
    "вручную. Ваша правка не сохранена. Проверьте запись ниже и сохраните её ещё раз, если "
    "она всё ещё нужна."
)
STALE_TAIL = "Обновите страницу словаря."


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
        """Whether the site's settings name a lexicon (else the desk makes DEFAULT_FILE,
        lexicon_file.py)."""
        return self.settings.lexicon is not None

    def contents(self) -> Contents:
        """The file and the entries under it; read again only when a file has changed."""
        stamp = (lexicon_stamp(self.settings), file_stamp(self.path))
        read = self._read
        if read is not None and read[0] == stamp:
            return read[1]
        contents = read_contents(self.settings, self.language, self.path)
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
        # the file as it is now, not as last shown
        contents = read_contents(self.settings, self.language, self.path)
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
        text = contents.text if contents.exists else new_file(path)
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
