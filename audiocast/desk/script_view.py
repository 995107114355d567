"""An episode's article beside its spoken script, for the «Статья» page.

The article is the one kept beside its episode (ingest/stored.py, article.json); the script is
written from it by the same Pipeline.script() that `audiocast script` and every episode use,
with the site's templates and lexicon as they are now (so an editor sees what a re-voicing
would say). Nothing is synthesized. The pipeline is made once, on first use (its normalizer
takes a second to load), and scripts are kept for the articles asked for most recently.

The site's lexicon can change while the desk runs (its «Словарь» page, or a hand edit): each
request looks at the lexicon's files (a stat each), and when they have changed the pipeline's
normalizers are made again from them and no script kept from before is shown.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audiocast.config import Settings
from audiocast.desk.changes import Piece, changes
from audiocast.episode import store as store_files
from audiocast.errors import AudiocastError
from audiocast.ingest.stored import read_stored_article
from audiocast.model import Script

if TYPE_CHECKING:
    from audiocast.pipeline import Pipeline

KEPT_SCRIPTS = 64


@dataclass(frozen=True)
class ScriptLine:
    """One segment of the script: what is written and what is said, in pieces."""

    kind: str  # intro | heading | sentence | outro
    written: str
    pieces: tuple[Piece, ...]
    chapter: str | None
    spoken: str = ""  # as the voice gets it (sentence_audio.py plays it alone)

    @property
    def changed(self) -> bool:
        return any(piece.changed for piece in self.pieces)


@dataclass(frozen=True)
class ScriptView:
    lines: tuple[ScriptLine, ...]
    problem: str | None = None  # why there is no script to show

    @property
    def changed_lines(self) -> int:
        return sum(line.changed for line in self.lines)


class Scripts:
    """Scripts of stored episodes' articles, for SETTINGS' site; safe from any thread."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._pipeline: Pipeline | None = None
        self._lock = threading.Lock()  # one normalizer: one sentence at a time
        self._kept: OrderedDict[tuple[str, str, tuple], ScriptView] = OrderedDict()
        self._lexicon: tuple | None = None  # lexicon_stamp of the pipeline's normalizers

    def for_episode(self, folder: Path) -> ScriptView:
        path = folder / store_files.ARTICLE_FILE
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return ScriptView((), "Текст статьи рядом с этим выпуском не сохранён (выпуск-подборка "
                              "или сделан старой версией).")  # fmt: skip
        except OSError as exc:
            return ScriptView((), f"Текст статьи не прочитать: {exc.strerror}.")
        lexicon = lexicon_stamp(self.settings)
        key = (str(path), f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}", lexicon)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            view = self._make(path)
            self._kept[key] = view
            while len(self._kept) > KEPT_SCRIPTS:
                self._kept.popitem(last=False)
            return view

    def warm_up(self) -> None:
        """Make the pipeline now (the first article page then opens at once)."""
        with self._lock:
            self._ready()

    def _make(self, path: Path) -> ScriptView:
        try:
            article = read_stored_article(path)
            script = self._ready().script(article)
        except AudiocastError as exc:
            return ScriptView((), f"Сценарий не составить: {exc}")
        return ScriptView(tuple(_lines(script)))

    def _ready(self) -> Pipeline:
        """The pipeline, its normalizers made from the lexicon files as they are now."""
        stamp = lexicon_stamp(self.settings)
        if self._pipeline is None:
            from audiocast.pipeline import Pipeline  # numpy and the normalizer: not at start-up

            self._pipeline = Pipeline(self.settings)
            self._lexicon = stamp
        elif stamp != self._lexicon:
            from audiocast.script.normalize import Normalizers

            self._pipeline.normalizers = Normalizers(self.settings.lexicon, self.settings.language)
            self._lexicon = stamp
        return self._pipeline


def lexicon_stamp(settings: Settings) -> tuple:
    """Changes whenever SETTINGS' lexicon does: the setting itself, and the size, time and
    inode of its file, or of its folder and each file in it (a file written atomically is a
    new inode)."""
    configured = settings.lexicon
    if configured is None:
        return (None,)
    paths = [configured]
    if configured.is_dir():
        paths += sorted(p for p in configured.iterdir() if p.suffix in (".toml", ".csv"))
    return (str(configured), *((p.name, file_stamp(p)) for p in paths))


def file_stamp(path: Path) -> tuple | None:
    """PATH's size, modification time and inode (None when it is not there): another stamp
    means another file, as a file written atomically is a new inode."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _lines(script: Script) -> list[ScriptLine]:
    return [
        ScriptLine(
            segment.kind.value,
            segment.text,
            tuple(changes(segment.text, segment.spoken)),
            segment.chapter,
            segment.spoken,
        )
        for segment in script.segments
    ]
