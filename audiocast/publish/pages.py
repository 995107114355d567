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

Every word a page shows is its language's table in audiocast/strings/ (`t("page.listen")` in
a template): a show's pages are in the show's language and say so (<html lang>), the Podcast
List in the site's. The player's own words are written beside it, static/player/strings.js.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2.utils import htmlsafe_json_dumps

from audiocast.config import Show
from audiocast.episode import store as store_files
from audiocast.errors import ConfigError
from audiocast.model import Cue
from audiocast.publish.catalogue import PublishedEpisode
from audiocast.publish.layout import Layout
from audiocast.resources import bundled_dir
from audiocast.strings import REFERENCE, languages, strings_for, table_files

TEMPLATE_FOLDER = "site"  # inside each templates folder
STATIC_FOLDER = "site/static"  # copied to public/static/
PLAYER_STRINGS = "player/strings.js"  # in public/static/: made by the build, not copied
PLAYER_ENTRY = "player/main.js"  # the module the pages load; player.js loads it for embeds
_JSON_OPTIONS = {"sort_keys": True, "ensure_ascii": False}
_LINKABLE = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
# the language of the page being rendered: what t(), |page_date and |megabytes speak, also
# inside macros a template imports without its context
_PAGE_LANGUAGE: ContextVar[str] = ContextVar("page_language", default=REFERENCE)


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

    def __init__(self, site_templates: Path | None, site_title: str, language: str = REFERENCE):
        """LANGUAGE: the site's, which a page of several shows (the Podcast List) is in."""
        self.folders = [p for p in (site_templates, bundled_dir("templates")) if p and p.is_dir()]
        self.site_title = site_title
        self.language = language
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters.update(
            ru_date=ru_date, page_date=page_date, clock=clock, iso_duration=iso_duration,
            megabytes=megabytes,
        )  # fmt: skip
        self.environment.globals.update(plural=plural, t=page_text)
        # tojson output sits in single-quoted attributes: keep the text readable, not \uXXXX
        self.environment.policies["json.dumps_kwargs"] = _JSON_OPTIONS

    def digest(self) -> str:
        """Changes when any template, static file or strings table the pages use changes, or
        the site's language."""
        digest = hashlib.sha256(f"{self.language}\0".encode())
        for path in table_files():
            digest.update(f"{path.name}\0".encode())
            digest.update(path.read_bytes())
        for folder in self.folders:
            for path in sorted((folder / TEMPLATE_FOLDER).rglob("*")):
                if path.is_file():
                    digest.update(f"{path.relative_to(folder)}\0".encode())
                    digest.update(path.read_bytes())
        return digest.hexdigest()

    def static_files(self) -> dict[str, Path]:
        """public/static/NAME → its source, NAME a '/'-separated path inside static/
        ("player.js", "player/main.js"); the site's own file wins over the bundled one.
        Hidden files are left out, and so are those the build makes (generated_static)."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / STATIC_FOLDER
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    name = path.relative_to(static).as_posix()
                    if path.is_file() and not any(p.startswith(".") for p in name.split("/")):
                        files[name] = path
        for name in self.generated_static():
            files.pop(name, None)
        return files

    def generated_static(self) -> dict[str, bytes]:
        """public/static/NAME → its bytes, for what the build writes rather than copies: the
        player's strings, every language's, from the tables in audiocast/strings/."""
        return {PLAYER_STRINGS: player_strings_js()}

    @functools.cached_property
    def player_modules(self) -> list[str]:
        """The player's modules, as names inside static/, for <link rel="modulepreload">: the
        browser fetches them all at once instead of one import after another."""
        names = [n for n in self.static_files() if n.startswith("player/") and n.endswith(".js")]
        return sorted({*names, PLAYER_STRINGS} - {PLAYER_ENTRY})

    def podcast_list(self, cards: list[ShowCard]) -> bytes:
        page = ""
        shows = [_show_view(card, page) for card in cards]
        return self._render("podcasts.html.j2", page, self.language, shows=shows)

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
        return self._render(
            "episodes.html.j2", page, card.show.language, show=show, episodes=views, pages=pages
        )

    def episode(self, episode: PublishedEpisode, cards: list[ShowCard], cues: list[Cue]) -> bytes:
        page = Layout.episode_page(episode.episode_id)
        view = _episode_view(episode, cards[0], page)
        return self._render(
            "episode.html.j2",
            page,
            cards[0].show.language,  # the show it is listed under first
            episode=view,
            shows=[_show_view(card, page) for card in cards],
            chapters=episode.chapters,
            cues=cues,
        )

    def _render(self, name: str, page: str, language: str, **values) -> bytes:
        """Template NAME for the page at PAGE, in LANGUAGE (a show's, or the site's)."""
        root = Layout.root_from(page)
        values |= {
            "root": root, "home": root or "./", "site_title": self.site_title, "lang": language,
            "player_modules": self.player_modules, "player_entry": PLAYER_ENTRY,
        }  # fmt: skip
        token = _PAGE_LANGUAGE.set(language)
        try:
            template = self.environment.get_template(f"{TEMPLATE_FOLDER}/{name}")
            return template.render(**values).encode("utf-8")
        except (jinja2.TemplateError, ConfigError) as exc:
            raise ConfigError(f"template {TEMPLATE_FOLDER}/{name}: {exc}") from exc
        finally:
            _PAGE_LANGUAGE.reset(token)


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


def page_text(key: str, **values: object) -> str:
    """`t(KEY, …)` in a template: the text of KEY in the page's language (see Strings.text)."""
    return strings_for(_PAGE_LANGUAGE.get()).text(key, **values)


def player_strings_js() -> bytes:
    """static/player/strings.js: the player's words in every language that has a table, a
    module the player imports (its text.js picks the page's language)."""
    tables = {}
    for code in languages():
        strings = strings_for(code)
        tables[code] = {**strings.section("player"), "decimal": strings.value("numbers.decimal")}
    data = json.dumps(tables, ensure_ascii=False, sort_keys=True, indent=1)
    return (
        "// Made by `audiocast build` from audiocast/strings/*.toml, [player]: edit those.\n"
        f"export default {data};\n"
    ).encode()


def page_date(moment: datetime, language: str | None = None) -> str:
    """«26 августа 2025, 09:30» (by default in the page's language), in the episode's own
    time zone."""
    strings = strings_for(language or _PAGE_LANGUAGE.get())
    month = strings.months()[moment.month - 1]
    return strings.text(
        "dates.written", day=moment.day, month=month, year=moment.year, time=f"{moment:%H:%M}"
    )


def ru_date(moment: datetime) -> str:
    """«26 августа 2025, 09:30», in the episode's own time zone: page_date in Russian."""
    return page_date(moment, "ru")


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


def megabytes(size: int, language: str | None = None) -> str:
    """«1,5 МБ» (by default in the page's language)."""
    strings = strings_for(language or _PAGE_LANGUAGE.get())
    return strings.text("page.megabytes", size=strings.decimal(f"{size / 1_000_000:.1f}"))


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for COUNT: 1 выпуск, 2 выпуска, 5 выпусков, 21 выпуск. The
    bundled templates count in the page's language instead (`t("page.episode_count",
    count=…)`); this stays for a site's own templates."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many
