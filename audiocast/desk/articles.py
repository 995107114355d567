"""The «Статьи» list: every article sync knows (the sources' posts) and every episode in the
store, one row each, with where it stands; searched, filtered and cut into pages.

Sync's state says what happened to each post (pending, done, failed with its reason, removed);
the store says what exists. A row of sync whose episode the store cannot read is failed, with
the store's reason; an episode in the store that sync never made (`audiocast episode`, an
edition) is a voiced row of its own. An article excluded from the podcast (exclusions.py) is
«исключена», whatever sync says of it, unless it is gone from the site.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from audiocast.desk.store_view import MAX_AGE, Snapshot, StoreView
from audiocast.publish.catalogue import PublishedEpisode
from audiocast.state import (
    ArticleState,
    ArticleStatus,
    ExcludedBy,
    Exclusion,
    Exclusions,
    SyncState,
    read_exclusions,
)

PAGE_SIZE = 50
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


class Status(StrEnum):
    VOICED = "voiced"
    PENDING = "pending"
    FAILED = "failed"
    REMOVED = "removed"
    EXCLUDED = "excluded"


STATUS_LABELS = {
    Status.VOICED: "озвучена",
    Status.PENDING: "ждёт озвучки",
    Status.FAILED: "ошибка",
    Status.REMOVED: "снята с сайта",
    Status.EXCLUDED: "исключена",
}
SCHEDULED_LABEL = "запланирована"  # voiced, its post's time still to come (sync.md)
# who excluded it, as the article's page says it
EXCLUDED_BY_LABELS = {
    ExcludedBy.EDITOR.value: "редактор",
    ExcludedBy.WORDPRESS.value: "WordPress",
}


@dataclass(frozen=True)
class Excluded:
    """One asker's exclusion of the article, as its page shows it."""

    by: str  # state.ExcludedBy's value
    user: str  # the person ("" when not a person)
    reason: str
    when: datetime

    @property
    def label(self) -> str:
        return EXCLUDED_BY_LABELS.get(self.by, self.by)

    @property
    def by_editor(self) -> bool:
        return self.by == ExcludedBy.EDITOR


def excluded(rows: list[Exclusion]) -> tuple[Excluded, ...]:
    return tuple(Excluded(r.excluded_by, r.user_name, r.reason, _moment(r.at)) for r in rows)


@dataclass(frozen=True)
class ArticleRow:
    title: str
    category: str
    status: Status
    error: str  # why it failed ("" otherwise)
    when: datetime  # published, or the source's last change
    source: str  # the [[sources]] name ("" for an episode made by hand)
    episode: PublishedEpisode | None  # its episode in the store, if there is one
    exclusions: tuple[Excluded, ...] = ()  # who keeps it out of the podcast (none: nobody)

    @property
    def label(self) -> str:
        if self.scheduled:
            return SCHEDULED_LABEL
        return STATUS_LABELS[self.status]

    @property
    def scheduled(self) -> bool:
        """Voiced ahead of its post's scheduled time: in no feed or page until then."""
        return (
            self.status is Status.VOICED
            and self.episode is not None
            and self.episode.published > datetime.now(UTC)
        )

    @property
    def excluded_by_editor(self) -> bool:
        """Whether an editor excluded it (and so an editor can include it back)."""
        return any(item.by_editor for item in self.exclusions)


@dataclass(frozen=True)
class Query:
    text: str = ""
    category: str = ""
    status: Status | None = None
    page: int = 1


@dataclass(frozen=True)
class ListPage:
    rows: list[ArticleRow]
    number: int
    pages: int
    total: int


class ArticleIndex:
    """Every row, made again only when the store's snapshot or sync's database has changed (or
    MAX_AGE has passed): at 10,000 articles, reading sync's rows and joining them with the
    store is a tenth of a second a page, searching and cutting the rows a hundredth."""

    def __init__(self, store: StoreView, state_path: Path):
        self.store = store
        self.state_path = state_path
        self._lock = threading.Lock()
        self._made: tuple[Snapshot, tuple, list[ArticleRow], dict[str, ArticleRow]] | None = None

    def rows(self) -> tuple[Snapshot, list[ArticleRow]]:
        snapshot, rows, _ = self._current()
        return snapshot, rows

    def row_of(self, episode_id: str) -> ArticleRow | None:
        """The row of the stored episode EPISODE_ID (None: the store has no such episode)."""
        return self._current()[2].get(episode_id)

    def _current(self) -> tuple[Snapshot, list[ArticleRow], dict[str, ArticleRow]]:
        snapshot = self.store.snapshot()
        stamp = _database_stamp(self.state_path)
        with self._lock:
            made = self._made
            if made is None or made[0] is not snapshot or made[1] != stamp:
                rows = article_rows(
                    snapshot, sync_states(self.state_path), read_exclusions(self.state_path)
                )
                by_episode = {row.episode.episode_id: row for row in rows if row.episode}
                made = self._made = (snapshot, stamp, rows, by_episode)
            return made[0], made[2], made[3]

    def forget(self) -> None:
        """Make the rows again at the next page (after a change this process made)."""
        with self._lock:
            self._made = None


def sync_states(path: Path) -> list[ArticleState]:
    """Sync's record of every article (none before the first sync)."""
    if not path.exists():
        return []
    state = SyncState(path)
    try:
        return state.all()
    finally:
        state.close()


def _database_stamp(path: Path) -> tuple:
    """Changes with every write to the database (WAL mode: its -wal file grows or is reset)."""
    stamp: list = [int(time.monotonic() // MAX_AGE)]
    for name in (path, path.with_name(path.name + "-wal")):
        try:
            info = os.stat(name)
        except OSError:
            stamp.append(None)
        else:
            stamp.append((info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(stamp)


def article_rows(
    snapshot: Snapshot, states: Iterable[ArticleState], exclusions: Exclusions | None = None
) -> list[ArticleRow]:
    """Every row, newest first; those EXCLUSIONS name are excluded."""
    exclusions = exclusions or Exclusions()
    rows = []
    claimed: set[str] = set()
    for state in states:
        episode = snapshot.episodes.get(state.episode_id or "")
        if episode is not None:
            claimed.add(episode.episode_id)
        row = _state_row(state, episode, snapshot.broken)
        if exclusions:
            row = _with_exclusions(row, exclusions.of(state.episode_id, state.identity))
        rows.append(row)
        if state.episode_id in snapshot.broken:
            claimed.add(state.episode_id)
    for episode in snapshot.episodes.values():
        if episode.episode_id not in claimed:
            row = _episode_row(episode)
            if exclusions:
                row = _with_exclusions(row, exclusions.of(episode.episode_id))
            rows.append(row)
    for episode_id, reason in snapshot.broken.items():
        if episode_id not in claimed:
            rows.append(
                ArticleRow(f"Выпуск {episode_id}", "", Status.FAILED, reason, _LONG_AGO, "", None)
            )
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows


def state_status(
    state: ArticleState, episode: PublishedEpisode | None, broken: Mapping[str, str]
) -> tuple[Status, str]:
    """The list's status of sync's article STATE (its EPISODE in the store, None: not there;
    BROKEN: the store's unreadable episodes and why), and why it failed ("" unless it did)."""
    if state.status == ArticleStatus.FAILED:
        return Status.FAILED, state.error or "причина не записана"
    if state.status == ArticleStatus.REMOVED:
        return Status.REMOVED, ""
    if state.status != ArticleStatus.DONE:
        return Status.PENDING, ""
    if episode is None:
        reason = broken.get(state.episode_id or "")
        return Status.FAILED, reason or f"выпуска {state.episode_id} нет в хранилище"
    return Status.VOICED, ""


def _state_row(
    state: ArticleState, episode: PublishedEpisode | None, broken: Mapping[str, str]
) -> ArticleRow:
    status, error = state_status(state, episode, broken)
    when = episode.published if episode is not None else _moment(state.modified)
    return ArticleRow(state.title, state.category, status, error, when, state.source, episode)


def _with_exclusions(row: ArticleRow, rows: list[Exclusion]) -> ArticleRow:
    """ROW, excluded when ROWS say so (an article gone from the site stays «снята с сайта»)."""
    if not rows:
        return row
    if row.status is Status.REMOVED:
        return dataclasses.replace(row, exclusions=excluded(rows))
    # a failure of sync's is no matter while it is out: sync does not try it again
    return dataclasses.replace(row, status=Status.EXCLUDED, error="", exclusions=excluded(rows))


def _episode_row(episode: PublishedEpisode) -> ArticleRow:
    return ArticleRow(
        episode.title, episode.category, Status.VOICED, "", episode.published, "", episode
    )


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return _LONG_AGO
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_query(params: Mapping[str, str]) -> tuple[Query, list[str]]:
    """The list's query string as a Query, and a message for each value that made no sense
    (that value is ignored: the page shows the list, and says why it is not filtered)."""
    problems = []
    text = " ".join(params.get("q", "").split())[:200]
    category = params.get("category", "").strip()[:200]
    status = None
    if params.get("status"):
        try:
            status = Status(params["status"])
        except ValueError:
            problems.append(f"Нет такого состояния: «{params['status'][:40]}». Показаны все.")
    page = 1
    if params.get("page"):
        raw = params["page"]
        if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0:
            page = int(raw)
        else:
            problems.append(f"Номер страницы «{raw[:20]}» — не число. Показана первая.")
    return Query(text, category, status, page), problems


def matches(row: ArticleRow, query: Query, needle: str) -> bool:
    return (
        (not needle or needle in searchable(row.title))
        and (not query.category or row.category == query.category)
        and (query.status is None or row.status is query.status)
    )


def filtered(rows: list[ArticleRow], query: Query) -> list[ArticleRow]:
    needle = searchable(query.text)
    return [row for row in rows if matches(row, query, needle)]


def searchable(text: str) -> str:
    """TEXT as titles are compared: case and «ё» do not matter."""
    return " ".join(text.casefold().replace("ё", "е").split())


def categories(rows: Iterable[ArticleRow]) -> list[str]:
    return sorted({row.category for row in rows if row.category}, key=searchable)


def list_page(rows: list[ArticleRow], number: int, size: int = PAGE_SIZE) -> ListPage:
    """Page NUMBER of ROWS (the last one, when NUMBER is past it)."""
    pages = max(1, math.ceil(len(rows) / size))
    number = min(max(1, number), pages)
    return ListPage(rows[(number - 1) * size : number * size], number, pages, len(rows))
