"""The desk's users, sessions and failed sign-ins: tables of their own in the sync state's SQLite
file (state.STATE_FILE, beside the episode store), so a later journal can live beside them and
one backup of the store's folder keeps everything.

`audiocast sync` writes the same file from other processes. Each call here opens its own
connection (the web server calls from several threads), waits for a writer up to a busy
timeout, and runs in WAL mode as state.py does, so pages never block a sync and a sync never
blocks a page for longer than one short write.

Only what is needed is stored: a password's argon2 hash, never the password; a session's
SHA-256, never the cookie's token itself (a copy of the database signs no one in).
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from audiocast.desk.database import connection, transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS desk_users (
    name           TEXT PRIMARY KEY,  -- the sign-in name, lower-case ASCII (auth.check_name)
    role           TEXT NOT NULL,     -- editor | viewer
    password_hash  TEXT NOT NULL,     -- argon2id, with its own salt and parameters
    created_at     REAL NOT NULL,     -- Unix time
    changed_at     REAL NOT NULL      -- the password's last change
);
CREATE TABLE IF NOT EXISTS desk_sessions (
    token_hash     TEXT PRIMARY KEY,  -- SHA-256 of the cookie's random token
    user_name      TEXT NOT NULL REFERENCES desk_users(name) ON DELETE CASCADE,
    csrf_token     TEXT NOT NULL,     -- what every form of this session carries
    created_at     REAL NOT NULL,     -- the absolute expiry counts from here
    seen_at        REAL NOT NULL,     -- the idle expiry counts from here
    address        TEXT NOT NULL      -- where it signed in from, for `desk user list`
);
CREATE INDEX IF NOT EXISTS desk_sessions_user ON desk_sessions(user_name);
CREATE TABLE IF NOT EXISTS desk_sign_in_failures (
    attempt_key    TEXT NOT NULL,     -- name and client address (auth.attempt_key)
    at             REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS desk_sign_in_failures_key ON desk_sign_in_failures(attempt_key, at);
"""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str
    created_at: float
    changed_at: float


@dataclass(frozen=True)
class SessionRow:
    token_hash: str
    user_name: str
    csrf_token: str
    created_at: float
    seen_at: float
    address: str
    role: str  # the user's, read with the session: a changed role counts at once


class AccountStore:
    """The tables, at PATH (the sync state file). Made once per process; cheap to call from
    any thread."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")  # as state.py: readers never block the sync
            db.executescript(_SCHEMA)

    # -- users ------------------------------------------------------------------------------

    def user(self, name: str) -> User | None:
        with self._connection() as db:
            row = db.execute("SELECT * FROM desk_users WHERE name = ?", (name,)).fetchone()
        return User(**row) if row else None

    def users(self) -> list[User]:
        with self._connection() as db:
            rows = db.execute("SELECT * FROM desk_users ORDER BY name").fetchall()
        return [User(**row) for row in rows]

    def count_users(self) -> int:
        with self._connection() as db:
            return int(db.execute("SELECT count(*) FROM desk_users").fetchone()[0])

    def add_user(self, name: str, role: str, password_hash: str, now: float) -> bool:
        """False when NAME is taken."""
        with self._transaction() as db:
            cursor = db.execute(
                """INSERT INTO desk_users (name, role, password_hash, created_at, changed_at)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING""",
                (name, role, password_hash, now, now),
            )
            return cursor.rowcount == 1

    def set_password(self, name: str, password_hash: str, now: float, *, revoke: bool) -> bool:
        """The new hash of NAME's password (False: no such user); with REVOKE, every session
        of the user ends (a changed password must shut out whoever knew the old one)."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE desk_users SET password_hash = ?, changed_at = ? WHERE name = ?",
                (password_hash, now, name),
            )
            if revoke:
                db.execute("DELETE FROM desk_sessions WHERE user_name = ?", (name,))
            return cursor.rowcount == 1

    def remove_user(self, name: str) -> bool:
        """Removes NAME with their sessions and API tokens (api_tokens.py), if any."""
        with self._transaction() as db:
            db.execute("DELETE FROM desk_sessions WHERE user_name = ?", (name,))
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'desk_api_tokens'").fetchone():
                db.execute("DELETE FROM desk_api_tokens WHERE user_name = ?", (name,))
            return db.execute("DELETE FROM desk_users WHERE name = ?", (name,)).rowcount == 1

    def last_seen(self) -> dict[str, float]:
        """Each user's latest moment in any session."""
        with self._connection() as db:
            rows = db.execute(
                "SELECT user_name, max(seen_at) FROM desk_sessions GROUP BY user_name"
            ).fetchall()
        return {row[0]: row[1] for row in rows}

    # -- sessions ---------------------------------------------------------------------------

    def add_session(self, row: SessionRow) -> None:
        with self._transaction() as db:
            db.execute(
                """INSERT INTO desk_sessions
                   (token_hash, user_name, csrf_token, created_at, seen_at, address)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (row.token_hash, row.user_name, row.csrf_token, row.created_at, row.seen_at,
                 row.address),
            )  # fmt: skip

    def session(self, token_hash: str) -> SessionRow | None:
        with self._connection() as db:
            row = db.execute(
                """SELECT s.*, u.role FROM desk_sessions s
                   JOIN desk_users u ON u.name = s.user_name WHERE s.token_hash = ?""",
                (token_hash,),
            ).fetchone()
        return SessionRow(**row) if row else None

    def touch_session(self, token_hash: str, now: float) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE desk_sessions SET seen_at = ? WHERE token_hash = ?", (now, token_hash)
            )

    def end_session(self, token_hash: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM desk_sessions WHERE token_hash = ?", (token_hash,))

    def end_expired_sessions(self, idle_before: float, created_before: float) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM desk_sessions WHERE seen_at < ? OR created_at < ?",
                (idle_before, created_before),
            )

    # -- failed sign-ins --------------------------------------------------------------------

    def failures_since(self, attempt_key: str, since: float) -> int:
        with self._connection() as db:
            return int(
                db.execute(
                    "SELECT count(*) FROM desk_sign_in_failures WHERE attempt_key = ? AND at >= ?",
                    (attempt_key, since),
                ).fetchone()[0]
            )

    def add_failure(self, attempt_key: str, now: float, forget_before: float) -> None:
        """Record a failed sign-in; failures older than FORGET_BEFORE go (the table stays as
        small as the window it is asked about)."""
        with self._transaction() as db:
            db.execute("DELETE FROM desk_sign_in_failures WHERE at < ?", (forget_before,))
            db.execute(
                "INSERT INTO desk_sign_in_failures (attempt_key, at) VALUES (?, ?)",
                (attempt_key, now),
            )

    def clear_failures(self, attempt_key: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM desk_sign_in_failures WHERE attempt_key = ?", (attempt_key,))

    # -- connections ------------------------------------------------------------------------

    def _connection(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return connection(self.path)

    def _transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)
