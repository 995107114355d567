"""Where every file goes in public/, its public URL, and the settings publishing rests on."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from audiocast.config import Settings

# folders of public/ that no show may take
RESERVED_SLUGS = ("episodes", "static", "covers", "wordpress")
# a source name that can name a file (its WordPress post index)
_FILE_NAME = re.compile(r"[^./\\\x00-\x1f][^/\\\x00-\x1f]*")


@dataclass(frozen=True)
class Layout:
    """Paths inside public/ (relative, '/'-separated) and their public URLs.

    index.html                        the Podcast List
    <slug>/                           a show's Episode List: its newest episodes
    <slug>/page/<n>/                  its archive: page 1 lists the oldest page_size episodes,
                                      page 2 the next ones... (see pages.list_pages)
    <slug>/feed.xml                   a show's RSS feed
    episodes/<id>/                    the Single Episode page, its audio, transcript, chapters
                                      and episode.json (what the player needs)
    covers/<slug>-<hash>.jpg          show covers; a new image gets a new name, as Apple asks
    static/                           the player and the pages' style sheet
    wordpress/<source>.json           a WordPress source's post index (post_index.py)
    """

    base_url: str  # ends with "/"

    def absolute(self, path: str) -> str:
        return self.base_url + path

    @staticmethod
    def feed(slug: str) -> str:
        return f"{slug}/feed.xml"

    @staticmethod
    def show_page(slug: str, archive: int = 0) -> str:
        """The show's front page, or (ARCHIVE ≥ 1) that page of its archive."""
        return f"{slug}/page/{archive}/" if archive else f"{slug}/"

    @staticmethod
    def episode_page(episode_id: str) -> str:
        return f"episodes/{episode_id}/"

    @staticmethod
    def episode_file(episode_id: str, name: str) -> str:
        return f"episodes/{episode_id}/{name}"

    @staticmethod
    def post_index(source: str) -> str:
        return f"wordpress/{source}.json"

    @staticmethod
    def cover(slug: str, image: bytes) -> str:
        return f"covers/{slug}-{hashlib.sha256(image).hexdigest()[:10]}.jpg"

    @staticmethod
    def file_for(page: str) -> str:
        """The file that serves a page URL path: a folder URL is served by its index.html."""
        return page + "index.html" if page == "" or page.endswith("/") else page

    @staticmethod
    def root_from(page: str) -> str:
        """The relative prefix that leads from PAGE back to the top of public/."""
        return "../" * page.count("/")


def layout_for(settings: Settings) -> Layout:
    base = settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
    return Layout(base)


def check_site(settings: Settings) -> list[str]:
    """Problems with the settings that publishing depends on, every one of them."""
    problems = []
    if not re.fullmatch(r"https?://[^/\s?#]+/\S*", layout_for(settings).base_url):
        problems.append(
            f"base_url = {settings.base_url!r}: must be an absolute http(s) URL, "
            "e.g. https://podcasts.example.com/"
        )
    for show in settings.all_shows():
        if show.slug in RESERVED_SLUGS:
            problems.append(
                f"shows: slug {show.slug!r} is taken by public/{show.slug}/; "
                f"choose another (reserved: {', '.join(RESERVED_SLUGS)})"
            )
    for source in settings.sources:
        if source.kind == "wordpress" and not _FILE_NAME.fullmatch(source.name):
            problems.append(
                f"sources: name {source.name!r} cannot name its post index "
                f"public/{Layout.post_index('…')}: no '/', no leading '.', no control characters"
            )
        elif source.kind == "wordpress" and source.name == "shows":  # wordpress_lists.py's
            problems.append(
                "sources: name 'shows' is taken by public/wordpress/shows.json (the site's "
                "Podcast List for the WordPress plugin); choose another"
            )
    return problems
