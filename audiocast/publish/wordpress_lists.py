"""The Podcast List and the Episode Lists as JSON for the WordPress plugin's shortcodes and
blocks (wordpress/audiocast/includes/lists.php), published beside the post index when
audiocast.toml has a WordPress source:

    wordpress/shows.json                  every show: slug, title, description, cover, feed,
                                          page, episode count, newest episode date, and its
                                          list pages newest first
    wordpress/shows/<slug>/<n>.json       one Episode List page: 0 the front page (the newest
                                          episodes), n ≥ 1 archive page n, cut exactly as the
                                          HTML pages are (pages.list_pages)

Only what the build publishes is in them (its catalogue after exclusions and Catalogue.due),
every URL absolute from base_url. They are outputs like the others: a new episode changes the
front page and shows.json, never a full archive page, so the plugin's cron refresh and any
cache in front of the host see the archive unchanged."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable

from audiocast.publish.catalogue import PublishedEpisode
from audiocast.publish.layout import Layout
from audiocast.publish.pages import ListPage, ShowCard, list_pages
from audiocast.publish.post_index import PLAYER_FILES, episode_fields
from audiocast.publish.write import Rendered

LISTS_VERSION = 1
SHOWS_FILE = "wordpress/shows.json"
DESCRIPTION_CHARS = 280  # an episode's description in a list: its first words, about 2 lines


def page_file(slug: str, number: int) -> str:
    """Episode List page NUMBER of show SLUG (0: its front page)."""
    return f"wordpress/shows/{slug}/{number}.json"


def list_outputs(
    cards: list[ShowCard],
    members: dict[str, list[PublishedEpisode]],
    layout: Layout,
    page_size: int,
    context: str,
) -> list[Rendered]:
    """shows.json and every show's list pages. CONTEXT is what every output depends on (the
    build's); a page's fingerprint adds its episodes' digests and, for the front page alone,
    the show's count, as the HTML Episode List pages' do."""
    outputs = []
    summary = []
    for card in cards:
        episodes = members[card.show.slug]
        pages = list_pages(len(episodes), page_size)
        newest = episodes[0].digest if episodes else ""
        summary.append(f"{card.show.slug}={card.count}={newest}={len(pages)}")
        for page in pages:
            chunk = page.chunk(episodes)
            count = "" if page.number else card.count
            fingerprint = _digest(
                context, "wordpress-list", card.show.slug, page, count, *(e.digest for e in chunk)
            )
            render = functools.partial(_json_bytes, functools.partial(
                page_data, card, chunk, page, layout
            ))  # fmt: skip
            outputs.append(Rendered(page_file(card.show.slug, page.number), fingerprint, render))
    shows = functools.partial(shows_data, cards, members, layout, page_size)
    outputs.insert(
        0,
        Rendered(
            SHOWS_FILE,
            _digest(context, "wordpress-shows", *summary),
            functools.partial(_json_bytes, shows),
        ),
    )
    return outputs


def shows_data(
    cards: list[ShowCard],
    members: dict[str, list[PublishedEpisode]],
    layout: Layout,
    page_size: int,
) -> dict:
    """The Podcast List: each show, and where its list pages are (newest first)."""
    shows = []
    for card in cards:
        show = card.show
        episodes = members[show.slug]
        pages = list_pages(len(episodes), page_size)
        shows.append(
            {
                "slug": show.slug,
                "title": show.title,
                "description": show.description,
                "cover": layout.absolute(card.cover),
                "feed": layout.absolute(Layout.feed(show.slug)),
                "page": layout.absolute(Layout.show_page(show.slug)),
                "episodes": card.count,
                "newest": episodes[0].published.isoformat() if episodes else None,
                "pages": [_page_ref(show.slug, page, layout) for page in pages],
            }
        )
    return {
        "version": LISTS_VERSION,
        "page_size": page_size,
        "player": {kind: layout.absolute(path) for kind, path in PLAYER_FILES.items()},
        "shows": shows,
    }


def page_data(
    card: ShowCard, episodes: list[PublishedEpisode], page: ListPage, layout: Layout
) -> dict:
    """One Episode List page: EPISODES (newest first), and its place among the show's pages."""
    return {
        "version": LISTS_VERSION,
        "show": card.show.slug,
        "show_title": card.show.title,
        "number": page.number,
        "first": page.first,  # ordinals from the show's oldest episode, 1-based
        "last": page.last,
        "page": layout.absolute(Layout.show_page(card.show.slug, page.number)),
        "episodes": [_episode(e, layout) for e in episodes],
    }


def _page_ref(slug: str, page: ListPage, layout: Layout) -> dict:
    return {
        "number": page.number,
        "first": page.first,
        "last": page.last,
        "json": layout.absolute(page_file(slug, page.number)),
        "page": layout.absolute(Layout.show_page(slug, page.number)),
    }


def _episode(episode: PublishedEpisode, layout: Layout) -> dict:
    return {
        "id": episode.episode_id,
        **episode_fields(episode, layout),
        "description": shorten(episode.description),
    }


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """TEXT on one line, cut at a word before LIMIT characters with an ellipsis: a list shows
    the start of a description, its episode's page the whole."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:—-") + "…"


def _json_bytes(data: Callable[[], dict]) -> bytes:
    return (json.dumps(data(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _digest(*parts: object) -> str:
    return hashlib.sha256(("\0".join(str(part) for part in parts) + "\0").encode()).hexdigest()
