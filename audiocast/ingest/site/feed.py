"""An RSS 2.0 or Atom feed with each item's full content (RSS `content:encoded`, Atom
`<content type="html">`), parsed by feedparser. The bytes are fetched by our own client, so
the time-out, the size limit and the retries apply, and feedparser never touches the network.

A feed holds the newest items by publication date: an item that leaves it was deleted or
unpublished, or was pushed out by newer ones. WordPress pages its feeds (`posts_per_rss`
items, "Syndication feeds show the most recent" in Settings → Reading) and gives the older
ones at `?paged=2`, 3…: those are read too, up to the source's max_pages, until a page adds
nothing new or WordPress answers 404 past its last page."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser

from audiocast.config import Settings, SiteSource
from audiocast.errors import SourceError
from audiocast.ingest.common import (
    ArticleFields,
    article_fingerprint,
    clean_text,
    finish_article,
    paragraphs_from_text,
)
from audiocast.ingest.site.fragment import (
    blocks_from_html,
    editors_lead,
    excerpt_text,
    plain_text,
)
from audiocast.ingest.site.listing import (
    ITEM_ERRORS,
    SiteArticle,
    SourceListing,
    in_site_zone,
    problem_line,
)
from audiocast.ingest.site.transport import Answer, SiteClient
from audiocast.model import SITE_ID_PREFIX

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_feed(source: SiteSource, settings: Settings, client: SiteClient) -> SourceListing:
    """The feed's items, page after page (see _pages); SourceError when its first page, or a
    later one that is there, cannot be had."""
    listing = SourceListing(source.name)
    first_page: list[SiteArticle] = []  # what removals are judged by (see _window_start)
    index = 0
    for number, entries in enumerate(_pages(source, client), start=1):
        for entry in entries:
            index += 1
            item = _read_entry(listing, entry, index, source, settings)
            if item is not None and number == 1:
                first_page.append(item)
    listing.oldest_modified = _window_start(first_page)
    return listing


def _pages(source: SiteSource, client: SiteClient) -> Iterator[list]:
    """The entries of each page not seen on an earlier one: the feed itself, then WordPress's
    own feed pages (`?paged=2`, 3… up to max_pages). Paging ends at a page that adds nothing
    (the last page, or a feed that ignores `paged` and answers its first page again) or at a
    404 (WordPress's answer past its last page), which is not an error."""
    seen: set[str] = set()
    for number in range(1, max(1, source.max_pages) + 1):
        url = source.url if number == 1 else _paged(source.url, number)
        answer = client.get(url, accept=ACCEPT)
        if answer.status == 404 and number > 1:
            return
        if answer.status != 200:
            raise SourceError(
                source.name, f"{answer.url}: HTTP {answer.status} {answer.reason}".strip()
            )
        entries = _parse(source, answer).entries
        new = [entry for entry in entries if _entry_key(entry) not in seen]
        if number > 1 and not new:
            return
        seen.update(_entry_key(entry) for entry in new)
        yield new


def _paged(url: str, number: int) -> str:
    """URL with `paged=NUMBER` in its query (any `paged` it had replaced)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "paged"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("paged", str(number))])))


def _entry_key(entry) -> str:
    """What tells two items apart across pages: the guid (else the link, else the title)."""
    return str(entry.get("id") or entry.get("link") or entry.get("title") or "")


def _parse(source: SiteSource, answer: Answer):
    # a file object, never bytes or str: feedparser opens a string that looks like a URL or a
    # file name itself
    parsed = feedparser.parse(
        io.BytesIO(answer.body),
        response_headers={
            "content-type": answer.header("Content-Type") or "application/xml",
            "content-location": answer.url,
        },
    )
    if not parsed.get("version"):
        kind = answer.header("Content-Type").split(";")[0] or "no content type"
        start = answer.body[:40].decode("utf-8", "replace").split("\n")[0]
        raise SourceError(
            source.name, f"{answer.url}: not an RSS or Atom feed ({kind}, starts {start!r})"
        )
    return parsed


def _read_entry(listing: SourceListing, entry, index: int, source, settings):
    """One item into the listing, or one problem line naming it; never an exception."""
    name = f"item {index}"
    try:
        guid = clean_text(str(entry.get("id") or entry.get("link") or ""))
        if not guid:
            raise ValueError("no guid and no link")
        name = f"item {guid}"
        site_id = f"{source.name}:{guid}"
        listing.identities.add(SITE_ID_PREFIX + site_id)
        fields = _fields(entry, site_id)
        if isinstance(fields.published, datetime):
            fields.published = in_site_zone(fields.published, settings)
        article = finish_article(fields, settings, fallback_time=None)
    except ITEM_ERRORS as exc:
        listing.problems.append(problem_line(source.name, name, exc))
        return None
    modified = _date(entry, "updated") or article.published
    item = SiteArticle(article, _utc(modified), article_fingerprint(article))
    listing.articles.append(item)
    return item


def _fields(entry, site_id: str) -> ArticleFields:
    link = str(entry.get("link") or "")
    html = _content_html(entry)
    content = _full_content(entry, html)
    if content is None:
        raise ValueError(
            "no full content in the feed (RSS content:encoded or Atom content), only a summary"
        )
    terms = [clean_text(str(t.get("term") or t.get("label") or "")) for t in entry.get("tags", [])]
    terms = [t for t in terms if t]
    return ArticleFields(
        source=link or site_id,
        title=_text_of(entry.get("title_detail"), entry.get("title", "")),
        body=content,
        published=_date(entry, "published") or _date(entry, "updated"),
        author=_author(entry),
        category=terms[0] if terms else "",  # WordPress lists categories first, then tags
        tags=terms[1:],
        url=link,
        site_id=site_id,
        lead=editors_lead(_lead(entry), html, content),
    )


def _full_content(entry, html: str):
    """The item's full text as blocks: its first HTML content (HTML, from _content_html),
    else its plain text."""
    if html:
        return blocks_from_html(html)
    for item in entry.get("content") or []:
        return paragraphs_from_text(item.get("value") or "")
    return None


def _content_html(entry) -> str:
    """The item's first HTML content as it is ('' when it has none): what WordPress made an
    automatic excerpt from, for editors_lead."""
    for item in entry.get("content") or []:
        if any(kind in (item.get("type") or "") for kind in _HTML_TYPES):
            return item.get("value") or ""
    return ""


def _lead(entry) -> str:
    """The item's description, when it is a summary of its own; feedparser copies the content
    into `summary` when an item has none."""
    summary = entry.get("summary") or ""
    contents = [c.get("value") for c in entry.get("content") or []]
    if not summary or summary in contents:
        return ""
    return excerpt_text(_text_of(entry.get("summary_detail"), summary, keep_html=True))


def _text_of(detail, value: str, keep_html: bool = False) -> str:
    is_html = any(kind in ((detail or {}).get("type") or "") for kind in _HTML_TYPES)
    if keep_html:
        return value if is_html else _escape(value)
    return plain_text(value) if is_html else clean_text(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _author(entry) -> str:
    detail = entry.get("author_detail") or {}
    return str(detail.get("name") or entry.get("author") or "")


def _date(entry, key: str) -> datetime | None:
    """An entry date with its own offset (RFC 822 in RSS, RFC 3339 in Atom); feedparser's
    parsed form, in UTC, when the text is unusual. Only a date the entry really has: feedparser
    answers `updated` with `published` when there is none."""
    if key not in entry:
        return None
    text = str(entry.get(key) or "").strip()
    for parse in (parsedate_to_datetime, _iso):
        try:
            found = parse(text)
        except (TypeError, ValueError, IndexError):
            continue
        if found is not None:
            return found if found.tzinfo else found.replace(tzinfo=UTC)
    parsed = entry.get(f"{key}_parsed")
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _window_start(first_page: list[SiteArticle]) -> datetime | None:
    """The oldest modification time from which a missing item counts as removed, judged by
    the feed's first page alone: one answer, so an item missing from its span is gone, while
    a later page is asked after it, and a post deleted meanwhile moves an item of that page
    onto the first one, already read (it would look deleted). A feed keeps the newest items by
    publication date: when its items carry no separate update time (modified = published, as
    in WordPress's RSS) that is the oldest published; otherwise the newest update time
    listed, so an old item merely pushed out is never judged."""
    if not first_page:
        return None
    modified = [item.modified for item in first_page]
    if all(item.modified == _utc(item.article.published) for item in first_page):
        return min(modified)
    return max(modified)
