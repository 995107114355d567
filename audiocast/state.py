"""What `audiocast sync` made from which version of which article: an SQLite database beside
the episode store, so a run knows what is new, edited, unchanged, removed or failed.

It also holds what is excluded from the podcast (the `exclusions` table): the one list both
the sync (which never voices an excluded article) and the build (which leaves its episode out
of every feed and page) read. An episode is excluded while it has at least one row there; each
row says who asked (`excluded_by`: an editor, or the WordPress post's «Не озвучивать» mark,
its `audiocast_exclude` meta, read by sync), so one asker lifting its row leaves the others
standing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

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
CREATE TABLE IF NOT EXISTS exclusions (
    episode_id    TEXT NOT NULL,     -- the store's folder: what the build leaves out
    identity      TEXT,              -- Article.identity when known: what sync does not voice
    excluded_by   TEXT NOT NULL,     -- who asked: ExcludedBy (one row per asker)
    title         TEXT NOT NULL,     -- the article's title then (for status and the journal)
    user_name     TEXT NOT NULL,     -- the person, when a person asked ("" otherwise)
    reason        TEXT NOT NULL,     -- why, in a line ("" when not said)
    at            TEXT NOT NULL,     -- when (ISO 8601, UTC)
    PRIMARY KEY (episode_id, excluded_by)
);
CREATE INDEX IF NOT EXISTS exclusions_identity ON exclusions(identity);
CREATE TABLE IF NOT EXISTS scheduled (
    identity      TEXT PRIMARY KEY,  -- a post the site last listed as scheduled (not yet public)
    at            TEXT NOT NULL      -- when sync first saw it so (ISO 8601, UTC)
);
"""


class ArticleStatus(StrEnum):
    """Where an article stands with sync (stored as its value)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    REMOVED = "removed"


PENDING, DONE, FAILED, REMOVED = ArticleStatus  # the short names the module reads with


class ExcludedBy(StrEnum):
    """Who asked for an exclusion (stored as its value). Each asker lifts only its own row."""

    EDITOR = "editor"  # a person: at the desk, or with `audiocast exclude`
    WORDPRESS = "wordpress"  # the post's `audiocast_exclude` meta, as sync last read it


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


@dataclass(frozen=True)
class Exclusion:
    """One asker's wish that an episode be left out of the podcast."""

    episode_id: str
    identity: str | None
    excluded_by: str
    title: str
    user_name: str
    reason: str
    at: str


class Exclusions:
    """Every exclusion, looked up by episode id and by article identity (a dictionary each: the
    desk looks up every one of 10,000 articles)."""

    def __init__(self, rows: Iterable[Exclusion] = ()):
        self.rows = tuple(rows)
        self._by_episode: dict[str, list[Exclusion]] = {}
        self._by_identity: dict[str, list[Exclusion]] = {}
        for row in self.rows:
            self._by_episode.setdefault(row.episode_id, []).append(row)
            if row.identity:
                self._by_identity.setdefault(row.identity, []).append(row)
        self.episode_ids = frozenset(self._by_episode)
        self.identities = frozenset(self._by_identity)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def covers(self, episode_id: str | None, identity: str | None = None) -> bool:
        """Whether the episode EPISODE_ID, or the article IDENTITY, is excluded."""
        return (episode_id is not None and episode_id in self._by_episode) or (
            identity is not None and identity in self._by_identity
        )

    def of(self, episode_id: str | None, identity: str | None = None) -> list[Exclusion]:
        """The exclusions of the episode EPISODE_ID and of the article IDENTITY."""
        found = list(self._by_episode.get(episode_id, ())) if episode_id else []
        if identity:
            found += [row for row in self._by_identity.get(identity, ()) if row not in found]
        return found


_T = TypeVar("_T")


def read_exclusions(path: Path) -> Exclusions:
    """The exclusions in the state database at PATH, read only: none when there is no
    database (a site that never synced: `audiocast episode` and `build`), which is not made.
    A database that exists but cannot be read is an error (sqlite3.Error): leaving nothing out
    then would publish again what editors took out."""
    return _read_only(path, _exclusions, Exclusions())


def read_site_episodes(path: Path) -> list[tuple[str, str, str]]:
    """(source, identity, episode id) of every article sync voiced and has not seen removed,
    from the state database at PATH, read only: none without a database. What the build's
    WordPress post index (publish/post_index.py) maps post ids to episodes with."""
    return _read_only(path, _site_episodes, [])


def read_scheduled(path: Path) -> frozenset[str]:
    """The ids of the episodes made from posts the site last listed as scheduled (WordPress
    status "future"), from the state database at PATH, read only: none without a database.
    The build holds them back until sync sees their post published, whatever their date says
    (a WordPress whose cron missed the time still has the post unpublished)."""
    return _read_only(path, _scheduled, frozenset())


@dataclass(frozen=True)
class PublishingState:
    """What publishing reads of the state database: the exclusions, the episodes of posts
    still scheduled, and (when asked) which post each episode was made from."""

    exclusions: Exclusions
    scheduled: frozenset[str]
    site_episodes: list[tuple[str, str, str]]

    @property
    def held_back(self) -> frozenset[str]:
        """The episodes no public output may list yet or at all: excluded, or scheduled."""
        return self.exclusions.episode_ids | self.scheduled


def read_publishing_state(path: Path, *, site_episodes: bool = True) -> PublishingState:
    """read_exclusions, read_scheduled and (with SITE_EPISODES) read_site_episodes in one
    connection and one read transaction: a snapshot, not three reads a sync can commit
    between."""

    def read(db: sqlite3.Connection) -> PublishingState:
        db.execute("BEGIN")  # one snapshot for the three reads
        try:
            return PublishingState(
                _exclusions(db), _scheduled(db), _site_episodes(db) if site_episodes else []
            )
        finally:
            db.rollback()

    return _read_only(path, read, PublishingState(Exclusions(), frozenset(), []))


def _read_only(path: Path, read: Callable[[sqlite3.Connection], _T], missing: _T) -> _T:
    """READ of the state database at PATH opened read only; MISSING when there is none (it is
    not made)."""
    if not path.exists():
        return missing
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
    try:
        db.row_factory = sqlite3.Row
        return read(db)
    finally:
        db.close()


def _rows(db: sqlite3.Connection, sql: str, *params) -> list[sqlite3.Row]:
    """SQL's rows; none when its table is not there (a database made by an earlier version,
    before exclusions or scheduled posts)."""
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise


def _exclusions(db: sqlite3.Connection) -> Exclusions:
    rows = _rows(db, "SELECT * FROM exclusions ORDER BY at, episode_id")
    return Exclusions(Exclusion(**row) for row in rows)


def _site_episodes(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    rows = _rows(
        db,
        "SELECT source, identity, episode_id FROM articles"
        " WHERE episode_id IS NOT NULL AND status != ? ORDER BY identity",
        REMOVED,
    )
    return [(row["source"], row["identity"], row["episode_id"]) for row in rows]


def _scheduled(db: sqlite3.Connection) -> frozenset[str]:
    rows = _rows(
        db,
        "SELECT articles.episode_id FROM scheduled JOIN articles USING (identity)"
        " WHERE articles.episode_id IS NOT NULL",
    )
    return frozenset(row["episode_id"] for row in rows)


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
            self._db.execute("DELETE FROM scheduled WHERE identity = ?", (identity,))

    def scheduled(self, identity: str, scheduled: bool) -> None:
        """Record whether the site lists the article as scheduled now (read_scheduled)."""
        if not scheduled:
            found = self._db.execute("SELECT 1 FROM scheduled WHERE identity = ?", (identity,))
            if found.fetchone():  # most posts never were: no write for them
                with self._transaction():
                    self._db.execute("DELETE FROM scheduled WHERE identity = ?", (identity,))
            return
        with self._transaction():
            self._db.execute(
                "INSERT INTO scheduled (identity, at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (identity, _now()),
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

    def exclusions(self) -> Exclusions:
        rows = self._db.execute("SELECT * FROM exclusions ORDER BY at, episode_id").fetchall()
        return Exclusions(Exclusion(**row) for row in rows)

    def exclude(
        self,
        episode_id: str,
        identity: str | None,
        by: str,
        *,
        title: str,
        user: str = "",
        reason: str = "",
    ) -> bool:
        """BY asks that EPISODE_ID (the article IDENTITY, when known) be left out of the
        podcast. False when BY had asked already (that row is left as it was)."""
        with self._transaction():
            cursor = self._db.execute(
                """INSERT INTO exclusions (episode_id, identity, excluded_by, title, user_name,
                       reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(episode_id, excluded_by) DO NOTHING""",
                (episode_id, identity, by, title, user, reason, _now()),
            )
        return cursor.rowcount > 0

    def include(self, episode_id: str, by: str) -> bool:
        """BY's exclusion of EPISODE_ID lifted (others' stand). False when there was none."""
        with self._transaction():
            cursor = self._db.execute(
                "DELETE FROM exclusions WHERE episode_id = ? AND excluded_by = ?",
                (episode_id, by),
            )
        return cursor.rowcount > 0

    def by_episode(self, episode_id: str) -> ArticleState | None:
        """The article whose episode is EPISODE_ID, if sync made it."""
        row = self._db.execute(
            "SELECT * FROM articles WHERE episode_id = ? ORDER BY updated_at DESC LIMIT 1",
            (episode_id,),
        ).fetchone()
        return ArticleState(**row) if row else None

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
