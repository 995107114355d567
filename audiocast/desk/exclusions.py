"""Excluding an article from the podcast, and including it back: what the desk's «Исключить из
подкаста» / «Вернуть в подкаст» and `audiocast exclude` / `include` do.

An exclusion is a row of the sync state database (state.py's `exclusions`), keyed by the
episode id (what the build leaves out of every feed and page) and carrying the article's sync
identity when sync knows it (what sync then never voices, edited or not). The store keeps the
episode's files: included again, it is published again at the next build as it was, same GUID,
nothing voiced. Each row names who asked (state.ExcludedBy): an editor's include lifts the
editors' exclusion only, so a later second source (the WordPress post's «Не озвучивать» meta,
set and cleared by sync) keeps the article out for as long as it says so.

Every change is written to the journal (journal.py) with the user's name; asking twice for the
same thing changes nothing and writes nothing.
"""

from __future__ import annotations

import json
import re

from audiocast.config import Settings
from audiocast.desk import journal
from audiocast.desk.journal import Journal, one_line, state_path
from audiocast.errors import AudiocastError
from audiocast.state import ExcludedBy, Exclusion, SyncState, read_exclusions

REASON_LIMIT = 500  # characters: a line on the article's page
# an episode id is a folder of the store: a plain name, never a path
_EPISODE_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,99}")
_INFO_FILE = "episode.json"  # episode/store.INFO_FILE, without loading the episode package


class ExclusionError(AudiocastError):
    """An exclusion that cannot be made: no such episode."""


def exclude(
    settings: Settings, episode_id: str, user: str, reason: str = "",
    *, by: ExcludedBy = ExcludedBy.EDITOR,
) -> bool:  # fmt: skip
    """USER excludes EPISODE_ID from the podcast, for REASON (may be empty). The episode must
    be in the store or known to sync. False when it was excluded by BY already."""
    reason = one_line(reason, REASON_LIMIT)
    episode_id = _checked(episode_id)
    state = SyncState(state_path(settings))
    try:
        known = state.by_episode(episode_id)
        title = known.title if known else _stored_title(settings, episode_id)
        if title is None:
            raise ExclusionError(f"no episode {episode_id} in {settings.episodes_dir}")
        identity = known.identity if known else None
        changed = state.exclude(episode_id, identity, by, title=title, user=user, reason=reason)
    finally:
        state.close()
    if changed:
        detail = f"{title} — {reason}" if reason else title
        Journal.of(settings).record(user, journal.EXCLUDED, episode_id, detail)
    return changed


def include(
    settings: Settings, episode_id: str, user: str, *, by: ExcludedBy = ExcludedBy.EDITOR
) -> bool:
    """USER lifts BY's exclusion of EPISODE_ID: back in the podcast at the next build, unless
    another source still excludes it. False when BY had not excluded it."""
    episode_id = _checked(episode_id)
    state = SyncState(state_path(settings))
    try:
        asked = [row for row in state.exclusions().of(episode_id) if row.excluded_by == by]
        changed = state.include(episode_id, by)
    finally:
        state.close()
    if changed:
        title = asked[0].title if asked else ""
        Journal.of(settings).record(user, journal.INCLUDED, episode_id, title)
    return changed


def exclusions_of(settings: Settings, episode_id: str) -> list[Exclusion]:
    """Who excludes EPISODE_ID now (none: it is in the podcast). Makes no database."""
    return read_exclusions(state_path(settings)).of(episode_id)


def is_excluded(settings: Settings, episode_id: str) -> bool:
    return bool(exclusions_of(settings, episode_id))


def _checked(episode_id: str) -> str:
    if not _EPISODE_ID.fullmatch(episode_id):
        raise ExclusionError(f"{episode_id[:100]!r} is not an episode id")
    return episode_id


def _stored_title(settings: Settings, episode_id: str) -> str | None:
    """The title the store's episode.json gives EPISODE_ID; None when it has no such episode
    (a broken entry still has its folder: its id stands in for the title)."""
    folder = settings.episodes_dir / episode_id
    if not folder.is_dir():
        return None
    try:
        info = json.loads((folder / _INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return episode_id
    title = info.get("title") if isinstance(info, dict) else None
    return title if isinstance(title, str) and title else episode_id
