"""A WordPress site through its REST API: GET /wp-json/wp/v2/posts?_embed=1, newest
modification first, page by page. Fields as in WordPress's post schema
(https://developer.wordpress.org/rest-api/reference/posts/); `_embed` adds the author's and the
terms' names, so one request a page is enough.

The public API lists published posts only: a post that leaves the listing was deleted, made
private or a draft, or was pushed past the last page read (`max_pages`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from audiocast.config import Settings, SiteSource
from audiocast.errors import SourceError
from audiocast.ingest.common import ArticleFields, article_fingerprint, finish_article
from audiocast.ingest.site.fragment import blocks_from_html, excerpt_text, plain_text
from audiocast.ingest.site.listing import (
    ITEM_ERRORS,
    SiteArticle,
    SourceListing,
    in_site_zone,
    problem_line,
)
from audiocast.ingest.site.transport import Answer, SiteClient

POSTS_PATH = "/wp-json/wp/v2/posts"
MAX_PER_PAGE = 100  # WordPress refuses more (rest_invalid_param)
_PAST_LAST_PAGE = "rest_post_invalid_page_number"
_READS = 3  # a listing that shifts under the pages is read again, this many times in all


def posts_url(source: SiteSource) -> str:
    return source.url.rstrip("/") + POSTS_PATH


def read_wordpress(source: SiteSource, settings: Settings, client: SiteClient) -> SourceListing:
    """The newest posts by modification time, up to max_pages pages; SourceError if any page
    cannot be had (a partial listing would make missing posts look deleted)."""
    for _ in range(_READS):
        posts, complete, shifted = _read_pages(source, client)
        if not shifted:
            break
    listing = SourceListing(source.name, complete=complete and not shifted)
    for post in posts:
        _add_post(listing, post, source, settings)
    if shifted:
        # a post we had not reached yet moved before our page: nothing listed bounds what was
        # missed except the newest time read, so nothing older is judged removed
        newest = max((item.modified for item in listing.articles), default=None)
        listing.oldest_modified = newest + timedelta(seconds=1) if newest else None
    return listing


def _read_pages(source: SiteSource, client: SiteClient) -> tuple[list, bool, bool]:
    """(posts, reached the last page, the listing shifted while it was read). A post seen
    twice means one was edited (so moved to the top) between two pages, and the one that
    moved may have been skipped: the caller reads again."""
    per_page = max(1, min(source.per_page, MAX_PER_PAGE))
    posts: list = []
    seen: set[str] = set()
    for page in range(1, source.max_pages + 1):
        found, total_pages = _page(source, client, page, per_page)
        if found is None:  # past the last page
            return posts, True, False
        for post in found:
            post_id = str(post.get("id", "")) if isinstance(post, dict) else ""
            if post_id and post_id in seen:
                return posts, False, True
            seen.add(post_id)
            posts.append(post)
        if len(found) < per_page or (total_pages is not None and page >= total_pages):
            return posts, True, False
    return posts, False, False


def still_published(source: SiteSource, client: SiteClient, site_ids: list[str]) -> set[str]:
    """Of SITE_IDS (as in Article.site_id), those the API still lists as published: asked by
    id, so a post that a listing missed while pages shifted under it is not taken for deleted."""
    prefix = f"{source.name}:"
    numbers = [i.removeprefix(prefix) for i in site_ids if i.startswith(prefix)]
    numbers = [n for n in numbers if n.isdigit()]
    found: set[str] = set()
    for start in range(0, len(numbers), MAX_PER_PAGE):
        chunk = numbers[start : start + MAX_PER_PAGE]
        params = {"include": ",".join(chunk), "per_page": str(len(chunk)), "_fields": "id"}
        answer = client.get(posts_url(source), params, accept="application/json")
        posts = _json_list(source, answer, _json_or_none(answer))
        found.update(f"{prefix}{p['id']}" for p in posts if isinstance(p, dict) and "id" in p)
    return found


def _page(
    source: SiteSource, client: SiteClient, page: int, per_page: int
) -> tuple[list | None, int | None]:
    """One page of posts and X-WP-TotalPages; (None, None) past the last page."""
    params = {
        "_embed": "1",
        "per_page": str(per_page),
        "page": str(page),
        "orderby": "modified",
        "order": "desc",
    }
    answer = client.get(posts_url(source), params, accept="application/json")
    value = _json_or_none(answer)
    if answer.status == 400 and page > 1 and _error_code(value) == _PAST_LAST_PAGE:
        return None, None
    total = answer.header("X-WP-TotalPages")
    return _json_list(source, answer, value), int(total) if total.isdigit() else None


def _json_or_none(answer: Answer):
    try:
        return json.loads(answer.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _json_list(source: SiteSource, answer: Answer, value) -> list:
    """VALUE when the answer is a 200 with a JSON list; else SourceError saying what came."""
    where = answer.url.split("?")[0]
    if answer.status != 200:
        raise SourceError(source.name, f"{where}: {_wordpress_error(answer, value)}")
    if value is None:
        kind = answer.header("Content-Type").split(";")[0] or "no content type"
        start = answer.body[:40].decode("utf-8", "replace").split("\n")[0]
        raise SourceError(
            source.name,
            f"{where}: the answer is not JSON ({kind}, starts {start!r}); "
            "is the WordPress REST API enabled?",
        )
    if not isinstance(value, list):
        raise SourceError(
            source.name, f"{where}: expected a JSON list of posts, got {type(value).__name__}"
        )
    return value


def _error_code(value) -> str:
    return str(value.get("code", "")) if isinstance(value, dict) else ""


def _wordpress_error(answer: Answer, value) -> str:
    """WordPress's own error ({"code", "message"}) when it sent one."""
    status = f"HTTP {answer.status} {answer.reason}".strip()
    if isinstance(value, dict) and value.get("message"):
        return f"{status} ({value.get('code', '')}: {plain_text(str(value['message']))})"
    return status


def _add_post(listing: SourceListing, post, source: SiteSource, settings: Settings) -> None:
    """One post into the listing, or one problem line naming it; never an exception."""
    name = f"post {post.get('id', '?')}" if isinstance(post, dict) else "a post"
    try:
        if not isinstance(post, dict) or not str(post.get("id", "")).strip():
            raise ValueError("not a post object with an id")
        site_id = f"{source.name}:{post['id']}"
        listing.identities.add(f"site-id:{site_id}")
        fields, modified = _fields(post, source, settings, site_id)
        _note_modified(listing, modified)
        article = finish_article(fields, settings, fallback_time=None)
    except ITEM_ERRORS as exc:
        listing.problems.append(problem_line(source.name, name, exc))
        return
    if modified is None:
        modified = article.published.astimezone(UTC).replace(microsecond=0)
        _note_modified(listing, modified)
    listing.articles.append(SiteArticle(article, modified, article_fingerprint(article)))


def _fields(
    post: dict, source: SiteSource, settings: Settings, site_id: str
) -> tuple[ArticleFields, datetime | None]:
    content = post.get("content")
    if isinstance(content, dict) and content.get("protected"):
        raise ValueError("password-protected: its text is not public")
    embedded = post.get("_embedded") or {}
    link = str(post.get("link") or "")
    published, modified = _dates(post)
    if isinstance(published, datetime) and published.tzinfo is not None:
        published = in_site_zone(published, settings)
    fields = ArticleFields(
        source=link or f"{posts_url(source)}/{post['id']}",
        title=plain_text(_rendered(post.get("title"))),
        body=blocks_from_html(_rendered(content)),
        published=published,
        author=_author(embedded),
        category=next(iter(_term_names(embedded, "category")), ""),
        tags=_term_names(embedded, "post_tag"),
        url=link,
        site_id=site_id,
        language=str(post.get("lang") or ""),  # Polylang and WPML add it; else detected
        lead=excerpt_text(_rendered(post.get("excerpt"))),
    )
    return fields, modified


def _rendered(value) -> str:
    """A rendered field: {"rendered": html} (or a bare string, as some plugins give)."""
    if isinstance(value, dict):
        return str(value.get("rendered") or "")
    return str(value or "")


def _author(embedded: dict) -> str:
    authors = embedded.get("author") or []
    first = authors[0] if authors and isinstance(authors[0], dict) else {}
    return str(first.get("name") or "")


def _term_names(embedded: dict, taxonomy: str) -> list[str]:
    """Names of the embedded terms of TAXONOMY ("category", "post_tag"), in WordPress's order.
    `wp:term` is a list per taxonomy of term objects."""
    names: list[str] = []
    for group in embedded.get("wp:term") or []:
        for term in group if isinstance(group, list) else []:
            if isinstance(term, dict) and term.get("taxonomy") == taxonomy and term.get("name"):
                names.append(plain_text(str(term["name"])))  # names come HTML-escaped
    return names


def _dates(post: dict) -> tuple[datetime | str | None, datetime | None]:
    """(published, modified). The *_gmt fields are UTC; `date` is the site's local time, so
    their difference is the site's offset, which the published date keeps (like a page's
    article:published_time). A date without *_gmt is naive: finish_article applies the
    configured time zone."""
    published_utc = _utc(post.get("date_gmt"))
    local = _parse_date(post.get("date"))
    if published_utc is not None:
        offset = _offset(local, published_utc)
        published = published_utc.astimezone(offset) if offset else published_utc
    else:
        published = local
    modified = _utc(post.get("modified_gmt"))
    return published, modified


def _utc(value) -> datetime | None:
    parsed = _parse_date(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


def _parse_date(value) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"date {value!r} not understood") from exc


def _offset(local: datetime | None, utc: datetime) -> timezone | None:
    if local is None or local.tzinfo is not None:
        return None
    minutes = round((local - utc.replace(tzinfo=None)).total_seconds() / 60)
    if abs(minutes) > 14 * 60:  # not a real UTC offset: the fields disagree
        return None
    return timezone(timedelta(minutes=minutes))


def _note_modified(listing: SourceListing, modified: datetime | None) -> None:
    if modified is not None and (
        listing.oldest_modified is None or modified < listing.oldest_modified
    ):
        listing.oldest_modified = modified
