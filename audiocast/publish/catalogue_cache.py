"""What the last build read from each store entry, so that a rebuild parses only what changed.

Reading 10,000 episode.json files and checking each is most of a rebuild, yet nearly every
entry is as it was. The cache (cache_dir/CACHE_FILE) keeps, per entry folder, what reading it
gave and the stat of each file that went into it: episode.json and every one of PUBLISHED_FILES
(size, mtime, ctime, inode; or absent). An entry whose files all stat the same is taken from
the cache; any difference (a file written, cut short, replaced, deleted or added) and it is
read and checked from scratch, exactly as without a cache. ctime is in the key because nothing
but the kernel sets it: a file rewritten with its old mtime put back still differs.

Only entries that were read whole and passed every check are kept; a broken one is read again
on every build. An entry changed shortly before it was read is not kept either: a file system
stamps times in ticks, so a second change within the same tick and at the same size would
leave the key as it was (git's "racily clean" index entries, solved the same way).

A missing, damaged or foreign cache (another format, store, or version of the code that reads
entries) just means that every entry is read. The file is replaced atomically, and only when
something in it changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from datetime import datetime
from pathlib import Path

from audiocast.episode import store as store_files
from audiocast.files import write_atomically
from audiocast.model import Chapter
from audiocast.publish.catalogue import PUBLISHED_FILES, PublishedEpisode

CACHE_FILE = "publish-catalogue.json"
_FORMAT = 1
_KEYED_FILES = (store_files.INFO_FILE, *PUBLISHED_FILES)
# newer than this when read, an entry is not kept: far beyond any file system's time tick
RACY_NS = 2_000_000_000
# the code whose reading of an entry the cache stands for
_READERS = ("catalogue.py", "catalogue_cache.py", "../ingest/common.py", "../model.py")

# "size:mtime_ns:ctime_ns:inode" of each file, "-" for one that is not there, joined by "/"
# ("" when there is no cache): one string, as it is read and compared for every entry
EntryKey = str
Row = list  # [EntryKey, *the fields of a PublishedEpisode, in _FIELDS order]
_FIELDS = (
    "guid", "title", "author", "description", "category", "url", "language", "duration",
    "audio_bytes", "files", "digest", "only_show", "recorded_audio_bytes",
)  # fmt: skip


class CatalogueCache:
    """The cache of one store; with no PATH, a cache that keeps nothing."""

    def __init__(self, path: Path | None, episodes_dir: Path):
        """The cache PATH holds for EPISODES_DIR, as it is on disk now."""
        self.path = path
        self._store = str(episodes_dir.resolve())
        self._code = _code_digest() if path else ""
        self._loaded: dict[str, Row] = _read_rows(path, self._store, self._code) if path else {}
        self._current: dict[str, Row] = {}  # what this build found: what the file is to hold
        self._changed = 0
        # what was last changed before this moment may change again unseen (see the docstring)
        self._racy_after = time.time_ns() - RACY_NS

    def get(self, name: str, folder: str) -> tuple[EntryKey, PublishedEpisode | None]:
        """The key of the entry NAME (at FOLDER) as it is now, and the episode the cache holds
        for exactly that key (None: it must be read)."""
        if self.path is None:
            return "", None
        key = entry_key(folder)
        row = self._loaded.get(name)
        if row is None or row[0] != key:
            return key, None
        try:
            episode = _episode_from(row, name, folder)
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            return key, None  # a row this code cannot use: read the entry
        self._current[name] = row
        return key, episode

    def put(self, name: str, key: EntryKey, episode: PublishedEpisode) -> None:
        """EPISODE, read whole and checked from an entry whose files had KEY before reading."""
        if self.path is None or not key or self._racy(key):
            return
        self._current[name] = [key, *_row_of(episode)]
        self._changed += 1

    def drop(self, name: str) -> None:
        """Forget the entry NAME: it is broken, to be read again next time."""
        if self._current.pop(name, None) is not None:
            self._changed += 1  # the file holds it: write the cache without it

    def save(self) -> None:
        """Write the entries got or put in this build, if that is not what the file holds."""
        if self.path is None or (not self._changed and len(self._current) == len(self._loaded)):
            return
        data = {
            "format": _FORMAT,
            "code": self._code,
            "episodes_dir": self._store,
            "entries": self._current,
        }
        # a cache that cannot be written costs the next build time, nothing else
        with contextlib.suppress(OSError):
            write_atomically(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def _racy(self, key: EntryKey) -> bool:
        for file_key in key.split("/"):
            if file_key != "-":
                _, mtime, ctime, _ = file_key.split(":")
                if max(int(mtime), int(ctime)) >= self._racy_after:
                    return True
        return False


def entry_key(folder: str) -> EntryKey:
    """The stat of each file of the entry that reading it depends on."""
    return "/".join(_file_key(f"{folder}/{name}") for name in _KEYED_FILES)


def _file_key(path: str) -> str:
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "-"
    size = info.st_size if stat.S_ISREG(info.st_mode) else -1  # a folder where a file belongs
    return f"{size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def _row_of(episode: PublishedEpisode) -> list:
    values = [getattr(episode, name) for name in _FIELDS]
    chapters = [[c.start, c.end, c.title] for c in episode.chapters]
    return [*values, episode.published.isoformat(), chapters]


def _episode_from(row: Row, name: str, folder: str) -> PublishedEpisode:
    fields = dict(zip(_FIELDS, row[1 : 1 + len(_FIELDS)], strict=True))
    published, chapters = row[1 + len(_FIELDS) :]
    return PublishedEpisode(
        episode_id=name,
        published=datetime.fromisoformat(published),
        chapters=tuple(Chapter(start, end, title) for start, end, title in chapters),
        location=folder,
        **fields,
    )


def _read_rows(path: Path, episodes_dir: str, code: str) -> dict[str, Row]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}  # no cache, or a damaged one: every entry is read
    if (
        not isinstance(data, dict)
        or data.get("format") != _FORMAT
        or data.get("episodes_dir") != episodes_dir
        or data.get("code") != code
        or not isinstance(data.get("entries"), dict)
    ):
        return {}
    return data["entries"]


def _code_digest() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _READERS:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()
