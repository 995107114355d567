"""`audiocast build`: the episode store → public/, a static folder for any web server.

Incremental. Every output carries a fingerprint of everything it is made from (the publish
code, the templates, the settings it uses, the digests of its episodes), kept in
public/.audiocast-build.json. An output whose fingerprint and size match is not even rendered;
one that is rendered is compared with the file on disk and written only when its bytes differ.
Audio, transcripts and chapters are copied only when they changed. Files a previous build wrote
that this one does not are removed; nothing else in public/ is touched.

Two phases, so that a failure leaves public/ as it was: every changed output is first rendered
or copied into a temporary file beside its target; only when all of them are made are they
renamed into place (audio first, then the pages and feeds that point at it), and then stale
files removed. A broken store entry (see catalogue.py) is republished from its last published
copy; a store that is missing, or empty while public/ publishes episodes, stops the build
before anything is written.

Episodes excluded from the podcast (the sync state database's exclusions, state.py) are left
out as if the store did not hold them: out of the feeds, the Episode Lists and the Podcast
List's counts, and their published files go with the other stale ones. Every fingerprint that
depends on which episodes a page lists changes with them; the store keeps their files, so an
episode included again is published again as it was, same GUID, nothing voiced. Without a
state database (`audiocast episode` and `build` alone) nothing is excluded, and none is made.

Episodes not public yet are left out the same way (Catalogue.due): one whose published time
is still to come (a post voiced before its scheduled time), and one made from a post its site
still lists as scheduled (a WordPress whose cron missed the time). The first build after both
have passed publishes it; `waiting` in the report names them.

For each WordPress source the build also publishes its post index (post_index.py), from the same
state database: which post each published episode was made from; and, when there is one, the
Podcast List and the Episode Lists as JSON for the plugin's shortcodes (wordpress_lists.py).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from audiocast.config import Settings, Show
from audiocast.episode import store as store_files
from audiocast.episode.cover import cover_jpeg
from audiocast.errors import ConfigError
from audiocast.files import exclusive_lock
from audiocast.publish.catalogue import (
    PUBLISHED_FILES,
    PUBLISHED_RECORD,
    Catalogue,
    PublishedEpisode,
    PublishError,
    belongs_to,
    episodes_of,
    published_copy,
    published_record,
    read_catalogue,
    read_cues,
)
from audiocast.publish.catalogue_cache import CACHE_FILE, CatalogueCache
from audiocast.publish.feeds import base_url_warnings, check_show, feed_xml, show_warnings
from audiocast.publish.layout import Layout, check_site, layout_for
from audiocast.publish.pages import ShowCard, SitePages, list_pages, player_item
from audiocast.publish.post_index import Entry, index_data, post_ids, render_index
from audiocast.publish.wordpress_lists import list_outputs
from audiocast.publish.write import MANIFEST, Copied, Rendered, load_manifest, write_outputs
from audiocast.state import STATE_FILE, PublishingState, read_publishing_state

# beside the store, not in public/ (which a web server serves); two builds interleaved would
# leave the feed of the one that started first and the manifest of either
BUILD_LOCK_FILE = ".audiocast-build.lock"
PLAYER_DATA_FILE = "episode.json"  # public/episodes/<id>/episode.json: what the player needs


@dataclass(frozen=True)
class FeedSummary:
    path: Path
    title: str
    episodes: int  # in the feed (at most feed_limit)


@dataclass
class BuildReport:
    public_dir: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # episodes left out: they cannot be read
    feeds: list[FeedSummary] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # stored episodes left out (their ids)
    waiting: list[str] = field(default_factory=list)  # scheduled: not public yet (their ids)


@dataclass(frozen=True)
class _Plan:
    outputs: list[Rendered | Copied]
    feeds: list[FeedSummary]
    warnings: list[str]
    # each published episode and the first show it is in (its player's show)
    placed: list[tuple[PublishedEpisode, Show]] = field(default_factory=list)
    context: str = ""  # what every output depends on (see _plan)


def build(settings: Settings) -> BuildReport:
    """Write public/ from the episode store; report what was written, kept and removed. One
    build at a time per site: a second one (cron's `audiocast build` while a sync or a desk job
    builds) waits for the first, then builds from what the store holds by then."""
    with contextlib.ExitStack() as held:
        # no store (_build says so), or one this user may only read (no writer to wait for)
        with contextlib.suppress(OSError):
            held.enter_context(exclusive_lock(settings.episodes_dir / BUILD_LOCK_FILE))
        return _build(settings)


def _build(settings: Settings) -> BuildReport:
    shows = settings.all_shows()
    problems = check_site(settings) + [p for show in shows for p in check_show(show)]
    if problems:
        raise ConfigError("\n".join(problems))
    pages = SitePages(settings.templates_dir, settings.show, settings.language)
    previous = load_manifest(settings.public_dir)
    copied_from = {path: entry[0] for path, entry in previous.items() if entry}
    cache = CatalogueCache(settings.cache_dir / CACHE_FILE, settings.episodes_dir)
    stored = read_catalogue(settings.episodes_dir, copied_from, cache)
    # nothing of it without a state database (`audiocast episode` and `build` alone)
    state = _from_state(settings)
    excluded = state.exclusions.episode_ids
    catalogue, waiting = stored.without(excluded).due(datetime.now(UTC), state.scheduled)
    episodes, problems = _keep_broken(catalogue, settings.public_dir)
    _refuse_an_empty_store(settings, episodes, stored, previous)
    if not settings.shows:  # the default shows: one per language, but only those with episodes
        shows = shows[:1] + tuple(s for s in shows[1:] if episodes_of(s, episodes))
    plan = _plan(settings, shows, episodes, pages)
    plan.outputs.extend(_post_indexes(settings, plan, state.site_episodes))
    written = write_outputs(plan.outputs, settings.public_dir, previous)
    return BuildReport(
        settings.public_dir, written.written, written.unchanged, written.removed,
        warnings=plan.warnings, problems=problems, feeds=plan.feeds,
        excluded=sorted(excluded & ({e.episode_id for e in stored.episodes} | set(stored.broken))),
        waiting=waiting,
    )  # fmt: skip


def _from_state(settings: Settings) -> PublishingState:
    """What sync recorded that the build needs, in one read of the state database (which post
    each episode was made from only with a WordPress source); a database that cannot be read
    stops the build."""
    path = settings.episodes_dir / STATE_FILE
    wordpress = any(source.kind == "wordpress" for source in settings.sources)
    try:
        return read_publishing_state(path, site_episodes=wordpress)
    except sqlite3.Error as exc:
        raise PublishError(
            f"{path}: cannot read which episodes are excluded or scheduled, and which post each "
            f"was made from ({exc}): nothing was built or removed"
        ) from exc


def _keep_broken(
    catalogue: Catalogue, public_dir: Path
) -> tuple[list[PublishedEpisode], list[str]]:
    """The catalogue's episodes plus, for each broken entry, its last published copy; and one
    problem line per broken entry, saying whether its copy was kept."""
    episodes = list(catalogue.episodes)
    problems = []
    for episode_id, reason in sorted(catalogue.broken.items()):
        kept = published_copy(public_dir, episode_id)
        if kept is None:
            problems.append(f"{reason}; not published")
            continue
        episodes.append(kept)
        problems.append(f"{reason}; the last published copy is kept")
    if len(episodes) > len(catalogue.episodes):  # the catalogue's own are in order already
        episodes.sort(key=lambda e: e.sort_key, reverse=True)
    return episodes, problems


def _refuse_an_empty_store(
    settings: Settings, episodes: list, catalogue: Catalogue, previous: dict[str, list]
) -> None:
    """An empty store while public/ publishes episodes is an unmounted volume or a wrong
    folder far more often than a site that removed every episode: refuse, say how to mean it.
    CATALOGUE is the store's, before exclusions: a store whose every episode is excluded is not
    empty, and publishes nothing."""
    if episodes or catalogue.episodes or catalogue.broken:
        return
    published = sum(1 for path in previous if path.endswith("/" + PUBLISHED_RECORD))
    if published:
        raise PublishError(
            f"episodes_dir {settings.episodes_dir} holds no episodes, but "
            f"{settings.public_dir} publishes {published}: nothing was built or removed "
            f"(to publish an empty site, delete {settings.public_dir / MANIFEST})"
        )


def _plan(
    settings: Settings, shows: tuple[Show, ...], catalogue: list[PublishedEpisode], pages: SitePages
) -> _Plan:
    layout = layout_for(settings)
    outputs: list[Rendered | Copied] = []
    cards: list[ShowCard] = []
    members: dict[str, list[PublishedEpisode]] = {}
    # which shows each episode is in, asked once per episode and show
    shows_of = [[n for n, show in enumerate(shows) if belongs_to(show, e)] for e in catalogue]
    for number, show in enumerate(shows):
        image = cover_jpeg(show.title, show.cover or settings.cover, settings.cache_dir)
        cover = Layout.cover(show.slug, image)
        outputs.append(Rendered(cover, _digest(image), functools.partial(bytes, image)))
        in_show = zip(catalogue, shows_of, strict=True)
        members[show.slug] = [episode for episode, own in in_show if number in own]
        cards.append(ShowCard(show, len(members[show.slug]), cover))
    # what every page depends on; episode counts are left out so that one new episode
    # does not make every Single Episode page look changed
    context = _digest(
        _code_digest(), pages.digest(), layout.base_url, settings.show,
        settings.page_size, settings.feed_limit, *(repr((c.show, c.cover)) for c in cards),
    )  # fmt: skip
    counts = [f"{card.show.slug}={card.count}" for card in cards]
    outputs.append(
        Rendered("index.html", _digest(context, *counts), lambda: pages.podcast_list(cards))
    )
    feeds = []
    for card in cards:
        episodes = members[card.show.slug]
        outputs += _show_outputs(card, episodes, settings, layout, pages, context)
        feeds.append(
            FeedSummary(
                settings.public_dir / Layout.feed(card.show.slug),
                card.show.title,
                min(len(episodes), settings.feed_limit),
            )
        )
    if any(source.kind == "wordpress" for source in settings.sources):  # the plugin's lists
        outputs += list_outputs(cards, members, layout, settings.page_size, context)
    for episode, own in zip(catalogue, shows_of, strict=True):
        if own:
            outputs += _episode_outputs(episode, [cards[n] for n in own], pages, context)
    # the player and the style sheets, nested folders and all ("static/player/main.js"), and
    # what the build makes for them (the player's strings, from audiocast/strings/)
    for name, source in pages.static_files().items():
        outputs.append(Copied(f"static/{name}", source, _file_signature(source)))
    # first of what is rendered, as the copies are: in place before the pages that load them
    outputs[:0] = [
        Rendered(f"static/{name}", _digest(data), functools.partial(bytes, data))
        for name, data in pages.generated_static().items()
    ]
    orphans = [e for e, own in zip(catalogue, shows_of, strict=True) if not own]
    placed = [(e, shows[own[0]]) for e, own in zip(catalogue, shows_of, strict=True) if own]
    return _Plan(outputs, feeds, _warnings(settings, shows, orphans), placed, context)


def _post_indexes(
    settings: Settings, plan: _Plan, site_episodes: list[tuple[str, str, str]]
) -> list[Rendered]:
    """public/wordpress/<source>.json for each WordPress source: its posts whose episodes
    are published (post_index.py). A source gone from audiocast.toml leaves no output, so
    its index goes with the other stale files."""
    layout = layout_for(settings)
    outputs = []
    for source in settings.sources:
        if source.kind != "wordpress":
            continue
        posts = post_ids(source.name, site_episodes)
        entries: list[Entry] = [
            (posts[e.episode_id], e, show) for e, show in plan.placed if e.episode_id in posts
        ]
        path = Layout.post_index(source.name)
        fingerprint = _digest(
            plan.context, "post-index", source.name,
            *sorted(f"{post}\0{e.digest}\0{show.slug}\0{show.title}" for post, e, show in entries),
        )  # fmt: skip
        published = settings.public_dir / path

        def render(name=source.name, entries=entries, published=published) -> bytes:
            return render_index(index_data(name, entries, layout), published)

        outputs.append(Rendered(path, fingerprint, render))
    return outputs


def _show_outputs(
    card: ShowCard,
    episodes: list[PublishedEpisode],
    settings: Settings,
    layout: Layout,
    pages: SitePages,
    context: str,
) -> list[Rendered]:
    """The show's feed and its Episode List pages."""
    show = card.show
    newest = episodes[: settings.feed_limit]
    outputs = [
        Rendered(
            Layout.feed(show.slug),
            _digest(context, "feed", show.slug, *(e.digest for e in newest)),
            lambda: feed_xml(show, newest, layout, card.cover),
        )
    ]
    for page in list_pages(len(episodes), settings.page_size):
        chunk = page.chunk(episodes)
        # what the page shows besides its episodes: the front page has the show's count, an
        # archive page nothing that changes as the show grows (so it is not rendered again)
        count = "" if page.number else card.count
        fingerprint = _digest(context, "list", show.slug, page, count, *(e.digest for e in chunk))
        outputs.append(
            Rendered(
                Layout.file_for(Layout.show_page(show.slug, page.number)),
                fingerprint,
                functools.partial(pages.episode_list, card, chunk, page),
            )
        )
    return outputs


def _episode_outputs(
    episode: PublishedEpisode, cards: list[ShowCard], pages: SitePages, context: str
) -> list[Rendered | Copied]:
    """The Single Episode page, the player's episode.json, and the files copied beside them."""
    page = Layout.episode_page(episode.episode_id)
    fingerprint = _text_digest(context, "episode", episode.digest)

    def render_page() -> bytes:
        return pages.episode(
            episode, cards, read_cues(episode.folder / store_files.TRANSCRIPT_FILE)
        )

    def render_player_data() -> bytes:
        item = player_item(episode, cards[0], page)
        return (json.dumps(item, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    outputs: list[Rendered | Copied] = [
        Rendered(Layout.file_for(page), fingerprint, render_page),
        Rendered(Layout.episode_file(episode.episode_id, PLAYER_DATA_FILE), fingerprint,
                 render_player_data),
        # what a later build republishes if this entry of the store breaks
        Rendered(Layout.episode_file(episode.episode_id, PUBLISHED_RECORD),
                 _text_digest(context, "record", episode.digest),
                 lambda: published_record(episode)),
    ]  # fmt: skip
    for name in PUBLISHED_FILES:
        if name in episode.files:
            path = Layout.episode_file(episode.episode_id, name)
            outputs.append(Copied(path, f"{episode.location}/{name}", episode.files[name]))
    return outputs


def _warnings(
    settings: Settings, shows: tuple[Show, ...], orphans: list[PublishedEpisode]
) -> list[str]:
    """ORPHANS: the episodes that belong to no show."""
    configured = settings.base_url != Settings.base_url  # the default: not in audiocast.toml
    warnings = base_url_warnings(layout_for(settings).base_url, configured)
    warnings += [w for show in shows for w in show_warnings(show)]
    if orphans:
        languages = ", ".join(sorted({e.language for e in orphans}))
        warnings.append(
            f"{len(orphans)} episode(s) belong to no show (no show gathers both their category "
            f"and their language: {languages}; see a show's categories and languages) and are "
            "not published"
        )
    return warnings


def _file_signature(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _digest(*parts) -> str:
    """SHA-256 of the parts, each followed by a NUL; in one update, as this runs per output."""
    data = b"\0".join(part if isinstance(part, bytes) else str(part).encode() for part in parts)
    return hashlib.sha256(data + b"\0").hexdigest()


def _text_digest(*parts: str) -> str:
    """_digest() of text parts, made faster: this runs twice per episode."""
    return hashlib.sha256(("\0".join(parts) + "\0").encode()).hexdigest()


def _code_digest() -> str:
    """The publish code and the libraries that shape the output: a change to any of them
    makes every output due for a render (its bytes are still compared before writing)."""
    sources = sorted(Path(__file__).parent.glob("*.py"))
    versions = [f"{name}={metadata.version(name)}" for name in ("feedgen", "jinja2", "lxml")]
    return _digest(*versions, *(path.read_bytes() for path in sources))
