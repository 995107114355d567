"""The episode store as the desk sees it: the publish catalogue (publish/catalogue.py), kept in
memory and read again only when the store may have changed.

A page must not read 10,000 episode.json files. The snapshot is read again when the store's
episode folders change (every commit and removal renames a folder in it, which changes the
folder's mtime and the entry's inode) or when it is older than MAX_AGE (an episode.json edited
in place changes no folder). Hidden files change the folder's mtime too, the sync state
database's journal on every write the desk makes (a sign-in, a job's progress): so when the
mtime moved, the visible entries (name and inode, one directory read) decide. Reading it
again goes through a CatalogueCache of the desk's own (cache_dir/CACHE_FILE): entries whose
files stat as before are not parsed, and files the last snapshot already checked are not
checked again (the catalogue's `published` signatures), so a re-read costs a few stats per
episode. The desk's cache file is not the build's, so the two never overwrite each other's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from audiocast.episode import store as store_files
from audiocast.publish.catalogue import (
    Catalogue,
    Layout,
    PublishedEpisode,
    PublishError,
    read_catalogue,
)
from audiocast.publish.catalogue_cache import CatalogueCache

CACHE_FILE = "desk-catalogue.json"
MAX_AGE = 30.0  # seconds a snapshot is trusted while the store's folder stays as it was
BLOCKING_READ = 0.25  # seconds: a store that reads slower than this is read in the background


@dataclass(frozen=True)
class Snapshot:
    episodes: dict[str, PublishedEpisode]  # by episode id, newest first
    broken: dict[str, str]  # episode id → why it cannot be read
    problem: str | None = None  # the store itself cannot be read (not mounted?)


class StoreView:
    """The current snapshot of EPISODES_DIR; safe to ask from any thread.

    A store that reads quickly is read again as soon as it may have changed. One that takes
    longer than BLOCKING_READ (thousands of episodes) is read again in the background while
    pages go on showing the snapshot before, a second old at most after a change."""

    def __init__(self, episodes_dir: Path, cache_dir: Path):
        self.episodes_dir = episodes_dir
        self._cache_path = cache_dir / CACHE_FILE
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._stamp: int | None = None
        self._entries: frozenset[tuple[str, int]] | None = None  # at the last reading
        self._files: bytes | None = None  # a digest of every file's stat then (_files_digest)
        self._read_at = 0.0  # time.monotonic() of the last reading
        self._read_seconds = 0.0  # how long the last reading took
        self._refreshing = False

    def snapshot(self) -> Snapshot:
        with self._lock:
            stamp = _folder_stamp(self.episodes_dir)
            current = self._snapshot
            if current is not None and time.monotonic() - self._read_at <= MAX_AGE:
                if stamp != self._stamp and _entries(self.episodes_dir) == self._entries:
                    self._stamp = stamp  # only hidden files came or went
                if stamp == self._stamp:
                    return current
            if current is not None and self._read_seconds > BLOCKING_READ:
                if not self._refreshing:
                    self._refreshing = True
                    threading.Thread(target=self._refresh, args=(stamp,), daemon=True).start()
                return current
            return self._replace(self._read(current), stamp)

    def _refresh(self, stamp: int | None) -> None:
        try:
            fresh = self._read(self._snapshot)
            with self._lock:
                self._replace(fresh, stamp)
        finally:
            with self._lock:
                self._refreshing = False

    def _replace(self, snapshot: Snapshot, stamp: int | None) -> Snapshot:
        """Called with the lock held."""
        self._snapshot, self._stamp = snapshot, stamp
        return snapshot

    def _read(self, previous: Snapshot | None) -> Snapshot:
        """The store's snapshot: PREVIOUS itself when no file in it changed (a re-read after
        MAX_AGE, mostly): a few stats per episode instead of 10,000 episodes made anew, which
        the desk's memory would keep the high-water mark of (the allocator does not give it
        back), and the pages' list made from it stays made."""
        started = self._read_at = time.monotonic()
        entries = _entries(self.episodes_dir)  # before reading: a change meanwhile reads again
        files = _files_digest(self.episodes_dir, entries)
        if previous is not None and (entries, files) == (self._entries, self._files):
            return previous
        self._entries, self._files = entries, files
        snapshot = self._catalogue(previous)
        self._read_seconds = time.monotonic() - started
        return snapshot

    def _catalogue(self, previous: Snapshot | None) -> Snapshot:
        checked = _signatures(previous) if previous else {}
        try:
            cache = CatalogueCache(self._cache_path, self.episodes_dir)
            catalogue: Catalogue = read_catalogue(self.episodes_dir, checked, cache)
        except (PublishError, OSError) as exc:
            return Snapshot({}, {}, str(exc))
        episodes = {episode.episode_id: episode for episode in catalogue.episodes}
        return Snapshot(episodes, dict(catalogue.broken))


def _folder_stamp(folder: Path) -> int | None:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def _entries(folder: Path) -> frozenset[tuple[str, int]] | None:
    """The store's visible entries, each with its inode (a folder committed anew under the
    same name has another)."""
    try:
        with os.scandir(folder) as found:
            return frozenset((e.name, e.inode()) for e in found if not e.name.startswith("."))
    except OSError:
        return None


def _files_digest(folder: Path, entries: frozenset[tuple[str, int]] | None) -> bytes | None:
    """One digest of the size, times and inode of every file in the store's ENTRIES: any
    episode.json edited in place, any file replaced, changes it."""
    if entries is None:
        return None
    digest = hashlib.blake2b(digest_size=16)
    for name, _ in sorted(entries):
        try:
            with os.scandir(folder / name) as found:
                for entry in found:
                    info = entry.stat(follow_symlinks=False)
                    digest.update(f"{name}/{entry.name}:{info.st_size}:{info.st_mtime_ns}:"
                                  f"{info.st_ctime_ns}:{info.st_ino};".encode())  # fmt: skip
        except OSError:
            digest.update(f"{name}:unreadable;".encode())
    return digest.digest()


def _signatures(snapshot: Snapshot) -> dict[str, str]:
    """What the last snapshot checked: each file as publish/ names it → its signature."""
    return {
        Layout.episode_file(episode.episode_id, name): signature
        for episode in snapshot.episodes.values()
        for name, signature in episode.files.items()
    }


@dataclass(frozen=True)
class EpisodeDetails:
    """What the catalogue does not keep, read from one episode.json for the rows on screen."""

    voice: str
    made: datetime | None  # when its audio was written


def episode_details(episode: PublishedEpisode) -> EpisodeDetails:
    return _details(episode.location, episode.files.get(store_files.AUDIO_FILE, ""))


@functools.lru_cache(maxsize=4096)  # keyed by the audio's stat: a remade episode is read anew
def _details(folder: str, audio_signature: str) -> EpisodeDetails:
    voice = ""
    try:
        with open(os.path.join(folder, store_files.INFO_FILE), "rb") as handle:
            info = json.loads(handle.read())
        if isinstance(info, dict) and isinstance(info.get("voice"), str):
            voice = info["voice"]
    except (OSError, ValueError, RecursionError):
        pass  # the catalogue read it a moment ago; if it is gone now, the row says less
    made = None
    _, _, mtime = audio_signature.partition(":")
    if mtime.isdigit():
        made = datetime.fromtimestamp(int(mtime) / 1e9, UTC)
    return EpisodeDetails(voice, made)
