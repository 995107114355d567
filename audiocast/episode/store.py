"""The episode store: one folder per episode in episodes/, replaced atomically.

An episode is built in a hidden staging folder and moved into place with rename(2). Replacing
an existing episode moves the old folder aside first; if a run dies between the two renames,
the next open of the store puts the old folder back. Readers skip hidden folders, so they see
either the old episode or the new one, never a half-written one.

Runs that commit at the same time (two `audiocast episode` runs of one article, sync workers)
take turns: the renames happen under an exclusive flock on a hidden file in the store, released
by the kernel if the run dies, so the last committer wins and no `.old-` folder is left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from audiocast.files import exclusive_lock

AUDIO_FILE = "episode.mp3"
INFO_FILE = "episode.json"
TRANSCRIPT_FILE = "transcript.vtt"
CHAPTERS_FILE = "chapters.json"
# the article the episode was made from, as read (ingest/stored.py): what an audio edition
# gathers from the store; an edition's own episode has none
ARTICLE_FILE = "article.json"

_STAGING = ".staging-"
_OLD = ".old-"
# not audiocast/sync.py's lock file: a sync holds that one while its workers commit
COMMIT_LOCK_FILE = ".audiocast-commit.lock"
# staging folders this process is building in, from any thread: not a dead run's, though their
# pid is ours (the desk reads the store, which recovers it, while its jobs write to it)
_BUILDING: set[str] = set()


class EpisodeStore:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._recover()

    def staging(self, episode_id: str) -> Path:
        """A fresh, empty hidden folder to build EPISODE_ID in."""
        path = self.folder / f"{_STAGING}{episode_id}-{os.getpid()}"
        shutil.rmtree(path, ignore_errors=True)
        _BUILDING.add(os.path.realpath(path))
        path.mkdir()
        return path

    def commit(self, staging: Path, episode_id: str) -> Path:
        """Move a finished staging folder into place as EPISODE_ID."""
        final = self.folder / episode_id
        old = self.folder / f"{_OLD}{episode_id}"
        with self._commit_lock():
            if final.exists():
                shutil.rmtree(old, ignore_errors=True)
                os.replace(final, old)
            os.replace(staging, final)
            _BUILDING.discard(os.path.realpath(staging))
            shutil.rmtree(old, ignore_errors=True)
            _fsync_dir(self.folder)
        return final

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)
        _BUILDING.discard(os.path.realpath(staging))

    def episode_ids(self) -> list[str]:
        return sorted(
            p.name
            for p in self.folder.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / INFO_FILE).is_file()
        )

    def info(self, episode_id: str) -> dict:
        return json.loads((self.folder / episode_id / INFO_FILE).read_text(encoding="utf-8"))

    @contextlib.contextmanager
    def _commit_lock(self) -> Iterator[None]:
        with exclusive_lock(self.folder / COMMIT_LOCK_FILE):
            yield

    def _recover(self) -> None:
        olds = []
        for path in self.folder.iterdir():
            if path.name.startswith(_OLD):
                olds.append(path)
            elif (
                path.name.startswith(_STAGING)
                and os.path.realpath(path) not in _BUILDING
                and not _owner_alive(path.name)
            ):
                shutil.rmtree(path, ignore_errors=True)
        if not olds:
            return
        # an .old- folder is also there for a moment while another run commits: look again
        # once it is done, so as not to move its old episode back in under its feet
        with self._commit_lock():
            for path in olds:
                if not path.exists():
                    continue
                final = self.folder / path.name.removeprefix(_OLD)
                if final.exists():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.replace(path, final)  # the run died between the two renames


def _owner_alive(name: str) -> bool:
    pid_text = name.rsplit("-", 1)[-1]
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
