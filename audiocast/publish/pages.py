"""The site's pages from jinja2 templates: the Podcast List, a show's Episode List and the
Single Episode page. Templates are templates/site/*.html.j2; a site overrides one by putting a
file of the same name in its own templates_dir/site/ (looked at first).

Every page links with relative URLs, so public/ works from any host, port and folder; the
feeds are where absolute URLs (base_url) belong. Values are HTML-escaped by autoescaping.

A show's Episode List is paginated from its oldest episode (see list_pages): an archive page,
once full, lists the same episodes at the same URL for good, so a listener's bookmark keeps
showing what it showed and a new episode re-renders the front page, not every page. For the
same reason an archive page is given nothing that grows with the show (show.count, a number
of pages): a site's own episodes.html.j2 may use those on the front page only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2.utils import htmlsafe_json_dumps

from audiocast.config import Show
from audiocast.episode import store as store_files
from audiocast.errors import ConfigError
from audiocast.model import Cue
from audiocast.publish.catalogue import Layout, PublishedEpisode
from audiocast.resources import bundled_dir

TEMPLATE_FOLDER = "site"  # inside each templates folder
STATIC_FOLDER = "site/static"  # copied to public/static/
_JSON_OPTIONS = {"sort_keys": True, "ensure_ascii": False}
_LINKABLE = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


@dataclass(frozen=True)
class ListPage:
    """One page of a show's Episode List: the front page (number 0) or an archive page.

    FIRST..LAST are the ordinals of the episodes it lists, counted from the show's oldest
    (1-based); NEWER and OLDER the pages its links lead to (0: the front page, None: no link).
    """

    number: int
    first: int
    last: int
    newer: int | None
    older: int | None

    def chunk(self, episodes: list[PublishedEpisode]) -> list[PublishedEpisode]:
        """The page's episodes out of the show's, newest first."""
        return episodes[len(episodes) - self.last : len(episodes) - self.first + 1]


def list_pages(count: int, size: int) -> list[ListPage]:
    """The pages of a show's Episode List of COUNT episodes, SIZE to a page: archive page N
    holds episodes (N-1)·SIZE+1 to N·SIZE counted from the oldest, and is made only once full;
    the front page holds the rest, the newest SIZE to 2·SIZE-1 (or all, when fewer). A new
    episode changes the front page alone, and every SIZE episodes the newest archive page (its
    link to newer ones now leads to a new archive page, not to the front page)."""
    archived = max(0, (count - size) // size)  # full pages that are not the front page's
    pages = [ListPage(0, archived * size + 1, count, None, archived if archived else None)]
    for number in range(archived, 0, -1):
        newer = number + 1 if number < archived else 0
        older = number - 1 if number > 1 else None
        pages.append(ListPage(number, (number - 1) * size + 1, number * size, newer, older))
    return pages


@dataclass(frozen=True)
class ShowCard:
    """A show as the pages present it."""

    show: Show
    count: int  # episodes on its pages
    cover: str  # path of its cover in public/


class SitePages:
    """Renders each page to bytes; the search path is the site's templates, then the bundled."""

    def __init__(self, site_templates: Path | None, site_title: str):
        self.folders = [p for p in (site_templates, bundled_dir("templates")) if p and p.is_dir()]
        self.site_title = site_title
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters.update(
            ru_date=ru_date, clock=clock, iso_duration=iso_duration, megabytes=megabytes
        )
        self.environment.globals["plural"] = plural
        # tojson output sits in single-quoted attributes: keep the text readable, not \uXXXX
        self.environment.policies["json.dumps_kwargs"] = _JSON_OPTIONS

    def digest(self) -> str:
        """Changes when any template or static file the pages use changes."""
        digest = hashlib.sha256()
        for folder in self.folders:
            for path in sorted((folder / TEMPLATE_FOLDER).rglob("*")):
                if path.is_file():
                    digest.update(f"{path.relative_to(folder)}\0".encode())
                    digest.update(path.read_bytes())
        return digest.hexdigest()

    def static_files(self) -> dict[str, Path]:
        """public/static/NAME → its source; the site's own file wins over the bundled one."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / STATIC_FOLDER
            if static.is_dir():
                files.update({p.name: p for p in sorted(static.iterdir()) if p.is_file()})
        return files

    def podcast_list(self, cards: list[ShowCard]) -> bytes:
        page = ""
        shows = [_show_view(card, page) for card in cards]
        return self._render("podcasts.html.j2", page, shows=shows)

    def episode_list(
        self, card: ShowCard, episodes: list[PublishedEpisode], list_page: ListPage
    ) -> bytes:
        """The Episode List page LIST_PAGE, listing EPISODES (newest first)."""
        slug = card.show.slug
        page = Layout.show_page(slug, list_page.number)
        root = Layout.root_from(page)
        pages = {
            "number": list_page.number,
            "first": list_page.first,
            "last": list_page.last,
            "newer": _list_link(root, slug, list_page.newer),
            "older": _list_link(root, slug, list_page.older),
        }
        show = _show_view(card, page)
        if list_page.number:
            del show["count"]  # an archive page stays as it is while the show grows
        views = [_episode_view(e, card, page) for e in episodes]
        return self._render("episodes.html.j2", page, show=show, episodes=views, pages=pages)

    def episode(self, episode: PublishedEpisode, cards: list[ShowCard], cues: list[Cue]) -> bytes:
        page = Layout.episode_page(episode.episode_id)
        view = _episode_view(episode, cards[0], page)
        return self._render(
            "episode.html.j2",
            page,
            episode=view,
            shows=[_show_view(card, page) for card in cards],
            chapters=episode.chapters,
            cues=cues,
        )

    def _render(self, name: str, page: str, **values) -> bytes:
        root = Layout.root_from(page)
        values |= {"root": root, "home": root or "./", "site_title": self.site_title}
        try:
            template = self.environment.get_template(f"{TEMPLATE_FOLDER}/{name}")
            return template.render(**values).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise ConfigError(f"template {TEMPLATE_FOLDER}/{name}: {exc}") from exc


def _list_link(root: str, slug: str, number: int | None) -> str:
    """The relative URL of Episode List page NUMBER ("": no such page to link to)."""
    return "" if number is None else root + Layout.show_page(slug, number)


def player_item(episode: PublishedEpisode, card: ShowCard, page: str) -> dict:
    """What the global player needs to play an episode, with URLs relative to PAGE.

    The same dict is public/episodes/<id>/episode.json (relative to its own folder, which is
    also the Single Episode page's) and sits in each play button's data-audiocast-play.
    """
    root = Layout.root_from(page)
    return {
        "id": episode.episode_id,
        "guid": episode.guid,
        "title": episode.title,
        "show": card.show.title,
        "src": root + Layout.episode_file(episode.episode_id, store_files.AUDIO_FILE),
        "page": root + Layout.episode_page(episode.episode_id),
        "cover": root + card.cover,
        "duration": round(episode.duration, 3),
        "published": episode.published.isoformat(),
    }


def _show_view(card: ShowCard, page: str) -> dict:
    root = Layout.root_from(page)
    show = card.show
    return {
        "slug": show.slug,
        "title": show.title,
        "description": show.description,
        "count": card.count,
        "href": root + Layout.show_page(show.slug),
        "feed": root + Layout.feed(show.slug),
        "cover": root + card.cover,
        "apple_url": linkable(show.apple_url),
        "spotify_url": linkable(show.spotify_url),
    }


def _episode_view(episode: PublishedEpisode, card: ShowCard, page: str) -> dict:
    root = Layout.root_from(page)
    item = player_item(episode, card, page)
    return {
        "id": episode.episode_id,
        "title": episode.title,
        "author": episode.author,
        "description": episode.description,
        "language": episode.language,
        "published": episode.published,
        "duration": episode.duration,
        "article_url": linkable(episode.url),
        "href": root + Layout.episode_page(episode.episode_id),
        "audio": root + Layout.episode_file(episode.episode_id, store_files.AUDIO_FILE),
        "audio_bytes": episode.audio_bytes,
        "item": item,
        # for data-audiocast-* attributes in single quotes; made once, used by several buttons
        "item_json": htmlsafe_json_dumps(item, sort_keys=True, ensure_ascii=False),
    }


def linkable(url: str) -> str:
    """URL when it may be a link on a page: an absolute http(s) address. Anything else
    ("javascript:…", "data:…", a stored value from before ingest checked it) is no link at all;
    autoescaping makes a value safe to show, not safe to follow."""
    return url if _LINKABLE.fullmatch(url) else ""


def ru_date(moment: datetime) -> str:
    """«26 августа 2025, 09:30», in the episode's own time zone."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def clock(seconds: float) -> str:
    """4:53, or 1:02:03 for an hour or more; whole seconds passed, as players count."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def iso_duration(seconds: float) -> str:
    """PT4M53S: the machine-readable duration for <time datetime>, counted as clock() does."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " МБ"


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for COUNT: 1 выпуск, 2 выпуска, 5 выпусков, 21 выпуск."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many
