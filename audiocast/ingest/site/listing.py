"""What reading a site source gives the sync: its articles, each with the source's modification
time and a fingerprint of what it says, and one line for each post that could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import lxml.etree

from audiocast.config import Settings
from audiocast.errors import ArticleError
from audiocast.model import Article

# what can be wrong with one post or feed item: it makes a problem line, not a failed source
ITEM_ERRORS = (ArticleError, ValueError, TypeError, KeyError, AttributeError, lxml.etree.LxmlError)


@dataclass(frozen=True)
class SiteArticle:
    article: Article
    modified: datetime  # the source's last modification, in UTC (WordPress modified_gmt)
    content_hash: str  # article_fingerprint(): changes only when what is spoken changes
    # the site's own «Не озвучивать» mark (WordPress: the post meta `audiocast_exclude`);
    # None when the source cannot say (a feed)
    site_excluded: bool | None = None
    # a WordPress post scheduled for later (status "future", listed only to a signed-in user):
    # voiced now, published once its time has passed and the site says it is published
    scheduled: bool = False


@dataclass
class SourceListing:
    """One read of one source.

    A post missing from a listing was deleted or unpublished (the public API and feeds give
    published posts only) or fell off the read window (`max_pages` of the newest, or the
    feed's length). `complete` says the listing reached the source's last post, so nothing fell
    off; otherwise only a post last seen modified at or after `oldest_modified` would still be
    in it, if it were still published.

    `gaps` says what the source would not let be read whole (more posts saved in one second
    than a WordPress listing can tell apart, a WordPress that ignores the time bound…): one
    line each, said on every read for as long as it lasts, never left to look like a
    complete listing.
    """

    source: str  # the [[sources]] name
    articles: list[SiteArticle] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per post that was not read
    # the identity of every post listed, read or not: a post with a problem is still there
    identities: set[str] = field(default_factory=set)
    gaps: list[str] = field(default_factory=list)  # what of the listing could not be read
    complete: bool = False
    oldest_modified: datetime | None = None  # UTC; None when nothing was listed

    def would_list(self, modified: datetime) -> bool:
        """Whether a post last seen modified at MODIFIED would be in this listing if it were
        still published, so that its absence means it was deleted or unpublished."""
        if self.complete:
            return True
        return self.oldest_modified is not None and modified >= self.oldest_modified


def problem_line(source_name: str, item: str, exc: Exception) -> str:
    """'minval: post 7: <the first line of the reason>'."""
    text = str(exc).strip()
    return f"{source_name}: {item}: {text.splitlines()[0] if text else type(exc).__name__}"


def in_site_zone(moment: datetime, settings: Settings) -> datetime:
    """A UTC time (all a WordPress feed gives) in the site's time zone, so that the date spoken
    in the intro is the site's day, not Greenwich's; a time with its own offset is kept."""
    if moment.utcoffset() != timedelta(0):
        return moment
    return moment.astimezone(settings.zone)
