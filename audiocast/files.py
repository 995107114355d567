"""Files written whole or not at all: a reader, or a run stopped midway, sees the old file or
the new one, never half of one; and the lock files that keep two writers apart."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """DATA as PATH (its folder made if need be), through a temporary file beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """PATH (made if need be) held under an exclusive flock for the block, waiting for another
    holder first. The kernel releases it when the process dies: a killed writer leaves no stale
    lock. flock locks belong to an open file, so two holders in one process exclude each other
    too (a desk job and the desk's own page rendering, say)."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield
