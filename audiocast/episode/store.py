"""The episode store: one folder per episode in episodes/, replaced atomically.

An episode is built in a hidden staging folder and moved into place with rename(2). Replacing
an existing episode moves the old folder aside first; if a run dies between the two renames,
the next open of the store puts the old folder back. Readers skip hidden folders, so they see
either the old episode or the new one, never a half-written one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

AUDIO_FILE = "episode.mp3"
INFO_FILE = "episode.json"
TRANSCRIPT_FILE = "transcript.vtt"
CHAPTERS_FILE = "chapters.json"
# the article the episode was made from, as read (ingest/stored.py): what an audio edition
# gathers from the store; an edition's own episode has none
ARTICLE_FILE = "article.json"

_STAGING = ".staging-"
_OLD = ".old-"


class EpisodeStore:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._recover()

    def staging(self, episode_id: str) -> Path:
        """A fresh, empty hidden folder to build EPISODE_ID in."""
        path = self.folder / f"{_STAGING}{episode_id}-{os.getpid()}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir()
        return path

    def commit(self, staging: Path, episode_id: str) -> Path:
        """Move a finished staging folder into place as EPISODE_ID."""
        final = self.folder / episode_id
        old = self.folder / f"{_OLD}{episode_id}"
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(self.folder)
        return final

    def discard(self, staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def episode_ids(self) -> list[str]:
        return sorted(
            p.name
            for p in self.folder.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / INFO_FILE).is_file()
        )

    def info(self, episode_id: str) -> dict:
        return json.loads((self.folder / episode_id / INFO_FILE).read_text(encoding="utf-8"))

    def _recover(self) -> None:
        for path in self.folder.iterdir():
            if path.name.startswith(_OLD):
                final = self.folder / path.name.removeprefix(_OLD)
                if final.exists():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.replace(path, final)  # the run died between the two renames
            elif path.name.startswith(_STAGING) and not _owner_alive(path.name):
                shutil.rmtree(path, ignore_errors=True)


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
