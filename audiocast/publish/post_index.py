"""The WordPress post index: public/wordpress/<source>.json, one per `[[sources]]` of kind
"wordpress", which the companion plugin (wordpress/audiocast/) fetches in the background to
know which of the site's posts have an episode, and what to put in their «Слушать статью»
button. The format is the contract with the plugin:

    {"version": 1, "source": "minval", "generated": "2026-11-25T10:00:00+00:00",
     "player": {"js": "<URL of static/player.js>", "css": "<URL of static/player.css>"},
     "posts": {"124123": {"episode": "<id>", "title": "…", "audio": "<URL of the MP3>",
                          "duration": 63.2, "duration_text": "1:03", "page": "<URL>",
                          "published": "<ISO 8601>", "show": "<show slug>",
                          "show_title": "<the show's title, as the player shows it>"}}}

Every URL is absolute, from base_url, as the feeds' are. A post is in it when sync made its
episode (the state database maps "site-id:<source>:<post id>" to the episode) and that episode
is published: in the store, not excluded, in a show. A source with no such post gets an index
with no posts, so the plugin can tell "nothing voiced yet" from "no index".

"generated" is when the index's content last changed, not when the build ran: rendering reads
the file already published and keeps its "generated" when everything else is the same, so an
unchanged index is never rewritten (and a client's cache of it stays valid)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from audiocast.config import Show
from audiocast.episode import store as store_files
from audiocast.model import SITE_ID_PREFIX
from audiocast.publish.catalogue import PublishedEpisode
from audiocast.publish.layout import Layout
from audiocast.publish.pages import clock

INDEX_VERSION = 1
PLAYER_FILES = {"js": "static/player.js", "css": "static/player.css"}

Entry = tuple[str, PublishedEpisode, Show]  # (post id, its episode, its show)


def post_ids(source: str, site_episodes: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """Episode id → post id for the posts of SOURCE in SITE_EPISODES, the state database's
    (source, identity, episode id) rows (state.read_site_episodes)."""
    prefix = f"{SITE_ID_PREFIX}{source}:"
    found: dict[str, str] = {}
    for name, identity, episode_id in site_episodes:
        if name == source and identity.startswith(prefix):
            found[episode_id] = identity.removeprefix(prefix)
    return found


def episode_fields(episode: PublishedEpisode, layout: Layout) -> dict:
    """What the plugin shows and plays of EPISODE, in the index and in the lists alike."""
    return {
        "title": episode.title,
        "audio": layout.absolute(Layout.episode_file(episode.episode_id, store_files.AUDIO_FILE)),
        "duration": round(episode.duration, 1),
        "duration_text": clock(episode.duration),
        "page": layout.absolute(Layout.episode_page(episode.episode_id)),
        "published": episode.published.isoformat(),
    }


def index_data(source: str, entries: list[Entry], layout: Layout) -> dict:
    """The index of SOURCE for ENTRIES, without "generated" (see render_index)."""
    posts = {}
    for post_id, episode, show in sorted(entries, key=lambda e: _number(e[0])):
        posts[post_id] = {
            "episode": episode.episode_id,
            **episode_fields(episode, layout),
            "show": show.slug,
            "show_title": show.title,
        }
    return {
        "version": INDEX_VERSION,
        "source": source,
        "player": {kind: layout.absolute(path) for kind, path in PLAYER_FILES.items()},
        "posts": posts,
    }


def render_index(data: dict, published: Path) -> bytes:
    """DATA as the index's bytes, "generated" kept from the index already at PUBLISHED when
    its content is the same (else now)."""
    generated = _kept_generated(data, published) or datetime.now(UTC).isoformat(timespec="seconds")
    ordered = {"version": data["version"], "source": data["source"], "generated": generated}
    ordered |= {key: value for key, value in data.items() if key not in ordered}
    return (json.dumps(ordered, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _kept_generated(data: dict, published: Path) -> str | None:
    try:
        old = json.loads(published.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(old, dict) or not isinstance(old.get("generated"), str):
        return None
    generated = old.pop("generated")
    return generated if old == data else None


def _number(post_id: str) -> tuple[int, str]:
    return (int(post_id), "") if post_id.isdigit() else (0, post_id)
