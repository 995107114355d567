"""Per-user API tokens for the desk's JSON API (/api/, api.py): what the WordPress side signs
in with.

- A token is `ac_` followed by 32 random bytes (urlsafe base64): it is shown once, when it is
  made (`audiocast desk token add USER`), and the database keeps only its SHA-256, like a
  session's (a copy of the database authenticates no one).
- A token acts as its user, with the user's role as it is now (read with the token: a changed
  role counts at once). It works for /api/ only, never for pages (gate.py).
- Each token has an id (what `desk token list` shows and `desk token revoke ID` takes), a
  label, when it was made and when it was last used. Removing a user revokes their tokens.
- Failed token attempts are counted per client address in the sign-in failures table
  (auth.py's): past MAX_TOKEN_FAILURES within auth.FAILURE_WINDOW, that address gets 429
  before any token is looked at.

The table `desk_api_tokens` lives beside the desk's users and sessions in the sync state
database (accounts.py), so one backup of the store's folder keeps it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from audiocast.desk.accounts import AccountStore
from audiocast.desk.auth import FAILURE_WINDOW, DeskError, Role, SignedIn, token_hash

PREFIX = "ac_"
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 200  # longer is no token of ours: refused before hashing
MAX_LABEL = 100
MAX_TOKEN_FAILURES = 30  # per address within auth.FAILURE_WINDOW (as sign-in's per address)
TOUCH_EVERY = 60  # seconds: last_used is written at most this often
_SCHEMA = """
CREATE TABLE IF NOT EXISTS desk_api_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a revoked id stays gone
    token_hash  TEXT NOT NULL UNIQUE,  -- SHA-256 of the token; the token itself is not kept
    user_name   TEXT NOT NULL REFERENCES desk_users(name) ON DELETE CASCADE,
    label       TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL,         -- Unix times
    last_used   REAL
);
CREATE INDEX IF NOT EXISTS desk_api_tokens_user ON desk_api_tokens(user_name);
"""


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never its secret."""

    id: int
    user_name: str
    label: str
    created_at: float
    last_used: float | None


@dataclass(frozen=True)
class Authenticated:
    """The user behind a bearer token, or why there is none: "invalid" or "limited"."""

    user: SignedIn | None
    refused: str | None = None


def failure_key(address: str) -> str:
    """What failed token attempts are counted by (a key no sign-in name can make: names
    hold no NUL)."""
    return f"\0api-token\0{address}"


def looks_like_token(token: str) -> bool:
    return token.startswith(PREFIX) and 0 < len(token) <= MAX_TOKEN_LENGTH


class TokenStore(AccountStore):
    """The tokens, in the accounts' database at PATH. CLOCK is Unix time."""

    def __init__(self, path, clock: Callable[[], float] = time.time):
        super().__init__(path)
        self.clock = clock
        with self._connection() as db:
            db.executescript(_SCHEMA)

    def add(self, user_name: str, label: str = "") -> tuple[int, str]:
        """A new token for USER_NAME: its id and the token itself (shown once, kept nowhere)."""
        label = " ".join(label.split())
        if len(label) > MAX_LABEL:
            raise DeskError(f"the label must be at most {MAX_LABEL} characters long")
        if self.user(user_name) is None:
            raise DeskError(f"no user {user_name!r:.80}")
        token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        with self._transaction() as db:
            cursor = db.execute(
                """INSERT INTO desk_api_tokens (token_hash, user_name, label, created_at)
                   VALUES (?, ?, ?, ?)""",
                (token_hash(token), user_name, label, self.clock()),
            )
            return int(cursor.lastrowid or 0), token

    def tokens(self, user_name: str | None = None) -> list[TokenInfo]:
        query = "SELECT id, user_name, label, created_at, last_used FROM desk_api_tokens"
        with self._connection() as db:
            if user_name is None:
                rows = db.execute(query + " ORDER BY id").fetchall()
            else:
                where = " WHERE user_name = ? ORDER BY id"
                rows = db.execute(query + where, (user_name,)).fetchall()
        return [TokenInfo(**row) for row in rows]

    def revoke(self, token_id: int) -> bool:
        """False when there is no token TOKEN_ID."""
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM desk_api_tokens WHERE id = ?", (token_id,))
            return cursor.rowcount == 1

    def authenticate(self, token: str, address: str) -> Authenticated:
        """The user TOKEN belongs to, from ADDRESS; failures counted (and limited) per
        address, before any token is looked at."""
        now = self.clock()
        key = failure_key(address)
        since = now - FAILURE_WINDOW
        if self.failures_since(key, since) >= MAX_TOKEN_FAILURES:
            return Authenticated(None, "limited")
        row = None
        if looks_like_token(token):
            hashed = token_hash(token)
            with self._connection() as db:
                row = db.execute(
                    """SELECT t.id, t.user_name, t.last_used, u.role FROM desk_api_tokens t
                       JOIN desk_users u ON u.name = t.user_name WHERE t.token_hash = ?""",
                    (hashed,),
                ).fetchone()
        if row is None:
            self.add_failure(key, now, since)
            return Authenticated(None, "invalid")
        if row["last_used"] is None or now - row["last_used"] > TOUCH_EVERY:
            with self._transaction() as db:
                db.execute("UPDATE desk_api_tokens SET last_used = ? WHERE id = ?",
                           (now, row["id"]))  # fmt: skip
        # no CSRF token: a bearer request carries no cookie, so there is nothing to forge
        return Authenticated(SignedIn(row["user_name"], Role(row["role"]), "", ""))
