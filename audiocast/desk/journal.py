"""The desk's journal: who did what and when (voiced, excluded, lexicon change, published…),
a line each, newest first on its page.

It is a table of the sync state's SQLite file (state.STATE_FILE, beside the episode store),
as the desk's users are (accounts.py): the issue asks for it there, one backup of the store's
folder keeps it, and it stays put when the job queue moves to Redis. `audiocast sync` writes
the same file from other processes, so each call opens its own connection (the web server and
the job runner call from several threads), waits for a writer up to a busy timeout, and the
file is in WAL mode as state.py sets it: a page never blocks a sync.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from audiocast.config import Settings
from audiocast.desk.database import connection, prepare, transaction
from audiocast.state import STATE_FILE

_SCHEMA = """
CREATE TABLE IF NOT EXISTS desk_journal (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         REAL NOT NULL,   -- Unix time
    user_name  TEXT NOT NULL,   -- who (a desk user's name)
    action     TEXT NOT NULL,   -- what: one of the names below, or another short phrase
    subject    TEXT NOT NULL,   -- what it was done to: an episode id, a word, an edition…
    detail     TEXT NOT NULL    -- one line more (a title, a count), or ""
);
CREATE INDEX IF NOT EXISTS desk_journal_at ON desk_journal(at);
"""

# the actions the desk records; the page may show any other short phrase as it is
VOICED = "voiced"
EDITION_MADE = "edition made"
BUILT = "built"
SYNCED = "synced"
EXCLUDED = "excluded"
INCLUDED = "included"
LEXICON_CHANGE = "lexicon change"
PUBLISHED = "published"
ADDED = "added"  # an article added by URL or file (desk/adding.py)

# each column is one line on a page: longer values are cut, not refused (the action is done)
_LIMITS = {"user_name": 100, "action": 100, "subject": 500, "detail": 2000}


@dataclass(frozen=True)
class JournalEntry:
    id: int
    at: float  # Unix time
    user_name: str
    action: str
    subject: str
    detail: str


def state_path(settings: Settings) -> Path:
    """The sync state's database file, which holds the desk's tables too."""
    return settings.episodes_dir / STATE_FILE


def one_line(text: str, limit: int) -> str:
    """TEXT on one line (whitespace runs made one space), at most LIMIT characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class Journal:
    """The journal of one site (its state database)."""

    def __init__(self, path: Path):
        self.path = path
        prepare(path, _SCHEMA)

    @classmethod
    def of(cls, settings: Settings) -> Journal:
        return cls(state_path(settings))

    def record(self, user: str, action: str, subject: str, detail: str = "") -> None:
        """USER did ACTION to SUBJECT (DETAIL: one line more), now."""
        values = {"user_name": user, "action": action, "subject": subject, "detail": detail}
        row = {key: one_line(value, _LIMITS[key]) for key, value in values.items()}
        with transaction(self.path) as db:
            db.execute(
                """INSERT INTO desk_journal (at, user_name, action, subject, detail)
                   VALUES (?, ?, ?, ?, ?)""",
                (time.time(), row["user_name"], row["action"], row["subject"], row["detail"]),
            )

    def entries(self, limit: int = 50, offset: int = 0) -> list[JournalEntry]:
        """LIMIT entries, newest first, after skipping OFFSET (for pages)."""
        with connection(self.path) as db:
            rows = db.execute(
                "SELECT * FROM desk_journal ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
                (max(0, limit), max(0, offset)),
            ).fetchall()
        return [JournalEntry(**row) for row in rows]

    def count(self) -> int:
        """How many entries there are (for the page's page count)."""
        with connection(self.path) as db:
            return int(db.execute("SELECT count(*) FROM desk_journal").fetchone()[0])
