"""The desk's tables live in the sync state database (episodes/.audiocast-sync.sqlite) beside
sync's own: users, sessions, API tokens, jobs, the journal. A connection of its own for each
call (safe from any thread: the server's, the job runner's), WAL so readers never wait for a
writer, and writes that take the lock at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT = 10.0  # seconds a call waits for another writer (a sync, a job) to commit


@contextmanager
def connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for one call, rows by column name, closed after it."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        yield db
    finally:
        db.close()


@contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """One short write: the write lock is taken at once (BEGIN IMMEDIATE), so two writers
    queue on the busy timeout instead of failing half-way with "database is locked"."""
    with connection(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def prepare(path: Path, schema: str) -> None:
    """SCHEMA's tables in the database at PATH, which is put in WAL mode (as state.py does)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with connection(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)
