"""Site sources for `audiocast sync`: a WordPress site through its REST API, or an RSS/Atom
feed with full content. One module, one job:

- transport.py: GET over http(s) with the source's time-out, size limit and retries;
- wordpress.py: the REST API's post listing → articles;
- feed.py: an RSS/Atom feed → articles (feedparser);
- fragment.py: a post's HTML (content, title, excerpt) → paragraphs, headings, text;
- listing.py: what a read gives back (SourceListing of SiteArticle).

Each post goes through finish_article(), so articles from a site get the same checks and
defaults (chrome paragraphs, max length, title) as files and pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from audiocast.config import Settings, SiteSource
from audiocast.errors import SourceError
from audiocast.ingest.site import feed, wordpress
from audiocast.ingest.site.listing import SiteArticle, SourceListing
from audiocast.ingest.site.transport import USER_AGENT, SiteClient, check_http_url

_READERS = {"wordpress": wordpress.read_wordpress, "feed": feed.read_feed}


def read_source(
    source: SiteSource, settings: Settings, *, sleep: Callable[[float], None] = time.sleep
) -> SourceListing:
    """Every article SOURCE lists now (a post that cannot be read is a line in `problems`),
    or SourceError naming the source and the cause when the source cannot be read at all.
    SLEEP waits between retries."""
    reader = _READERS.get(source.kind)
    if reader is None:
        raise SourceError(source.name, f"unknown kind {source.kind!r} (wordpress or feed)")
    check_http_url(source.url, source.name)
    with SiteClient(source, sleep=sleep) as client:
        return reader(source, settings, client)


def still_published(
    source: SiteSource,
    site_ids: Iterable[str],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> set[str]:
    """Of SITE_IDS (Article.site_id) missing from a listing, those the source still publishes.

    WordPress is asked again by id: a post edited while its listing was read moved above the
    pages already read and is not in that listing, though it is still published. A feed is one
    answer and cannot miss an item that way, so for a feed the answer is the empty set.
    SourceError when the source cannot be asked."""
    site_ids = list(site_ids)
    if source.kind != "wordpress" or not site_ids:
        return set()
    check_http_url(source.url, source.name)
    with SiteClient(source, sleep=sleep) as client:
        return wordpress.still_published(source, client, site_ids)


__all__ = [
    "USER_AGENT",
    "SiteArticle",
    "SourceError",
    "SourceListing",
    "read_source",
    "still_published",
]
