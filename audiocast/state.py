"""What `audiocast sync` made from which version of which article: an SQLite database beside
the episode store, so a run knows what is new, edited, unchanged, removed or failed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    identity      TEXT PRIMARY KEY,  -- Article.identity: what makes it the same article
    source        TEXT NOT NULL,     -- the [[sources]] name it came from
    title         TEXT NOT NULL,
    url           TEXT NOT NULL,
    category      TEXT NOT NULL,
    modified      TEXT NOT NULL,     -- the source's last modification (ISO 8601, UTC)
    content_hash  TEXT NOT NULL,     -- of the version last seen
    made_hash     TEXT,              -- of the version its current episode was made from
    episode_id    TEXT,
    status        TEXT NOT NULL,     -- pending | done | failed | removed
    error         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    name          TEXT PRIMARY KEY,  -- the [[sources]] name
    read_at       TEXT NOT NULL,     -- the last sync that read it (ISO 8601, UTC)
    error         TEXT,              -- why it could not be read then (down, refused…)
    gaps          TEXT               -- what of its listing could not be read, a line each
);
"""


class ArticleStatus(StrEnum):
    """Where an article stands with sync (stored as its value)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    REMOVED = "removed"


PENDING, DONE, FAILED, REMOVED = ArticleStatus  # the short names the module reads with


class OutcomeStatus(StrEnum):
    """What one sync run did with an article or an edition."""

    MADE = "made"
    FAILED = "failed"


STATE_FILE = ".audiocast-sync.sqlite"  # in the episode store; here, so `status` needs no sync


@dataclass(frozen=True)
class SourceState:
    """A source as the last sync found it: read whole, not read at all (`error`), or read
    with parts of its listing out of reach (`gaps`)."""

    name: str
    read_at: str
    error: str | None
    gaps: tuple[str, ...]

    @property
    def problems(self) -> list[str]:
        return ([self.error] if self.error else []) + list(self.gaps)


@dataclass(frozen=True)
class ArticleState:
    identity: str
    source: str
    title: str
    url: str
    category: str
    modified: str
    content_hash: str
    made_hash: str | None
    episode_id: str | None
    status: str
    error: str | None
    attempts: int
    updated_at: str


class SyncState:
    """The database. Each change is its own transaction, so a killed run loses at most the
    record of the episode it was finishing (which the next run then remakes in place)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")  # readers (status) never block the sync
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def get(self, identity: str) -> ArticleState | None:
        row = self._db.execute("SELECT * FROM articles WHERE identity = ?", (identity,)).fetchone()
        return ArticleState(**row) if row else None

    def all(self, source: str | None = None) -> list[ArticleState]:
        query, values = "SELECT * FROM articles", tuple[str, ...]()
        if source is not None:
            query, values = query + " WHERE source = ?", (source,)
        rows = self._db.execute(query + " ORDER BY updated_at DESC", values).fetchall()
        return [ArticleState(**row) for row in rows]

    def seen(self, identity, source, title, url, category, modified, content_hash) -> str:
        """Record the version a source lists now; returns its status after that: a new or
        edited article is pending, a failed one is pending again (retried), else unchanged."""
        known = self.get(identity)
        now = _now()
        if known is None:
            status = PENDING
        elif known.status == DONE and known.made_hash == content_hash:
            status = DONE
        else:
            status = PENDING
        with self._transaction():
            self._db.execute(
                """INSERT INTO articles (identity, source, title, url, category, modified,
                       content_hash, status, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(identity) DO UPDATE SET source = excluded.source,
                       title = excluded.title, url = excluded.url,
                       category = excluded.category, modified = excluded.modified,
                       content_hash = excluded.content_hash, status = excluded.status,
                       updated_at = CASE WHEN articles.status = excluded.status
                           AND articles.content_hash = excluded.content_hash
                           THEN articles.updated_at ELSE excluded.updated_at END""",
                (identity, source, title, url, category, modified, content_hash, status, now),
            )
        return status

    def made(self, identity: str, content_hash: str, episode_id: str) -> None:
        with self._transaction():
            self._db.execute(
                """UPDATE articles SET status = ?, made_hash = ?, episode_id = ?, error = NULL,
                       attempts = attempts + 1, updated_at = ? WHERE identity = ?""",
                (DONE, content_hash, episode_id, _now(), identity),
            )

    def failed(self, identity: str, error: str) -> None:
        with self._transaction():
            self._db.execute(
                """UPDATE articles SET status = ?, error = ?, attempts = attempts + 1,
                       updated_at = ? WHERE identity = ?""",
                (FAILED, error, _now(), identity),
            )

    def removed(self, identity: str) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE articles SET status = ?, updated_at = ? WHERE identity = ?",
                (REMOVED, _now(), identity),
            )

    def source_read(self, name: str, *, gaps: Sequence[str] = (), error: str | None = None) -> None:
        """Record how this run read source NAME (replacing what the last run said)."""
        with self._transaction():
            self._db.execute(
                """INSERT INTO sources (name, read_at, error, gaps) VALUES (?, ?, ?, ?)
                   ON CONFLICT(name) DO UPDATE SET read_at = excluded.read_at,
                       error = excluded.error, gaps = excluded.gaps""",
                (name, _now(), error, "\n".join(gaps) or None),
            )

    def sources(self) -> list[SourceState]:
        rows = self._db.execute("SELECT * FROM sources ORDER BY name").fetchall()
        return [
            SourceState(
                row["name"], row["read_at"], row["error"], tuple((row["gaps"] or "").splitlines())
            )
            for row in rows
        ]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
