"""A WordPress site through its REST API: GET /wp-json/wp/v2/posts?_embed=author, newest
modification first. Fields as in WordPress's post schema
(https://developer.wordpress.org/rest-api/reference/posts/); `_embed=author` adds the author's
name, and the categories' and tags' names are asked by id once for the whole listing
(wordpress_terms.py: embedding them made every page four times slower).

How the listing is paged, and why. WordPress sorts `orderby=modified` on the `post_modified`
column alone, with no tie-breaker, and MariaDB returns equal times in any order, a different one
for each LIMIT/OFFSET. Measured on Debian's `wordpress` 6.1.9 with MariaDB 10.11 (the test
fixture tests/wordpress_site.py): nine posts saved in one second, `per_page=2`, pages 1 to 5 by
`page=` gave ids 12 5 | 6 7 | 8 9 | 10 11 | 12: post 12 twice and post 4 on no page, at every
read (earlier, five posts: 6 7 | 7 1 | 4, post 5 on no page). A bulk import or bulk edit saves
many posts in one second, so reading by page number loses posts, silently and every run; and
the REST API takes one `orderby` only (an array is refused: "orderby is not of type string").

So pages are not asked by number but by where the last one ended (keyset paging): after a page
whose oldest post was modified at T (site time), the next page asks `modified_before=T+1s`
(posts modified at or before T; WordPress compares `post_modified < value`) and
`exclude=<the ids already read that were modified at T>`. Every post newer than T was on the
pages before (the order is only arbitrary among equal times), so each request gives the newest
posts not yet read, whatever order WordPress puts equal times in: no overlap, no gap. Measured on
6.1.9: `modified_before` and `modified_after` exist (since 5.7; `exclude` since 4.7); a time
without an offset is read in the site's time zone, like the `modified` field (which is
`post_modified`, the column WordPress sorts and filters by; `modified_gmt` is another), so the
bound is made from `modified`; a time with an offset is converted (…T14:37:01Z is 18:37:01 in
Baku); a bad one is HTTP 400; X-WP-Total counts what the bounded query matches. The nine posts
above come out whole. One request a page, as before; nothing is ever asked twice.

The route: with pretty permalinks /wp-json/wp/v2/posts is WordPress's (under PHP's built-in
server too). With plain permalinks WordPress 6.1 redirects it (301, to …/posts/) to its home
page, an HTML answer that is reported as "not JSON … is the WordPress REST API enabled?";
`/?rest_route=/wp/v2/posts` answers in both cases. Only /wp-json/ is asked (the site this is
made for has pretty permalinks).

Paging by position also skipped a post when one above it was deleted or edited between two
pages; keyset pages do not move. A post edited while the listing is read goes above the pages
already read: it is not in this listing (the sync asks by id before taking a post for deleted,
see still_published) and comes first in the next.

What still cannot be read whole says so, every run, in the listing's `gaps` (the sync reports
them and records them for `audiocast status`):
- more than MAX_EXCLUDED posts modified in one second: the ids to exclude would make a URL
  longer than servers take, so the rest of that second is skipped (the line says how many);
- a WordPress before 5.7 ignores `modified_before` (seen as a page holding posts already read):
  pages are then asked with `exclude=` every id read so far, which is as exact, up to
  MAX_EXCLUDED posts; beyond that the listing stops.

The public API lists published posts only: a post that leaves the listing was deleted, made
private or a draft, or was pushed past the last page read (`max_pages`). With a user and an
application password (WordPress core; HTTP Basic auth, see transport.py) the listing and the
by-id check also ask `status=publish,future`, so scheduled posts are read (and voiced ahead:
SiteArticle.scheduled); a wrong password shows as WordPress refusing that status."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from audiocast.config import Settings, SiteSource
from audiocast.errors import SourceError
from audiocast.ingest.common import ArticleFields, article_fingerprint, finish_article
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
from audiocast.ingest.site.wordpress_terms import embeds_terms, term_names
from audiocast.model import SITE_ID_PREFIX

POSTS_PATH = "/wp-json/wp/v2/posts"
# the post meta the companion plugin (wordpress/audiocast/) registers for «Не озвучивать»
EXCLUDE_META = "audiocast_exclude"
SCHEDULED = "future"  # a post's status until its publish time (listed with a password only)
MAX_PER_PAGE = 100  # WordPress refuses more (rest_invalid_param)
# ids in one `exclude`: at 6–8 digits and "%2C" each, about 5 KB of URL, under the 8 KB request
# line that Apache (LimitRequestLine 8190) and nginx (large_client_header_buffers 8k) take
MAX_EXCLUDED = 500

TermNames = dict[str, dict[int, str]]  # "categories"/"tags" → term id → name


def posts_url(source: SiteSource) -> str:
    return source.url.rstrip("/") + POSTS_PATH


def read_wordpress(source: SiteSource, settings: Settings, client: SiteClient) -> SourceListing:
    """The newest posts by modification time, up to max_pages pages; SourceError if any page
    cannot be had (a partial listing would make missing posts look deleted)."""
    read = _ListingRead(source, client)
    read.run()
    # a listing with a gap did not reach every post, whatever its last page said
    listing = SourceListing(source.name, complete=read.complete and not read.gaps, gaps=read.gaps)
    names = term_names(read.posts, lambda route, query: _get_list(source, client, route, query))
    for post in read.posts:
        _add_post(listing, post, source, settings, names)
    if read.unjudged_until is not None:
        # posts of a second that was not read whole: none at or before it is judged removed
        listing.oldest_modified = read.unjudged_until + timedelta(seconds=1)
    return listing


@dataclass
class _ListingRead:
    """One read of the listing, page after page (see the module's docstring)."""

    source: SiteSource
    client: SiteClient
    posts: list = field(default_factory=list)  # in listing order, each post once
    complete: bool = False  # the last post of the site was reached
    gaps: list[str] = field(default_factory=list)
    unjudged_until: datetime | None = None  # UTC: a second not read whole
    keyset: bool = True  # the site filters by modified_before (WordPress 5.7 and later)
    _ids: set[str] = field(default_factory=set)
    _oldest: datetime | None = None  # site time of the oldest post read: the next page's bound
    _oldest_gmt: datetime | None = None
    _ties: list[str] = field(default_factory=list)  # ids read that were modified at _oldest
    _skip_ties: bool = False  # too many ties to exclude: the next page starts below _oldest

    def run(self) -> None:
        per_page = max(1, min(self.source.per_page, MAX_PER_PAGE))
        remaining_at_bound: int | None = None  # posts at or before the bound not yet read
        for _ in range(self.source.max_pages):
            if not self.keyset and len(self._ids) > MAX_EXCLUDED:
                self._stop(
                    "this WordPress ignores modified_before (WordPress 5.7 and later filter by "
                    "it), so its pages are told apart by excluding the posts read, which stops "
                    f"at {MAX_EXCLUDED} posts; older posts were not read"
                )
                return
            params = {"_embed": "author", "per_page": str(per_page), "orderby": "modified",
                      "order": "desc", **_statuses(self.client), **self._bounds()}  # fmt: skip
            found, total = _page(self.source, self.client, params)
            skipping, self._skip_ties = self._skip_ties, False
            if not self._as_asked(found, skipping):
                if self.keyset:  # modified_before is ignored: ask by exclusion from now on
                    self.keyset = False
                    continue
                self._stop(
                    "the site answered posts already read, whatever was asked "
                    "(a cache that ignores the query?)"
                )
                return
            if skipping:
                self._skipped(remaining_at_bound, total)
            self._take(found)
            remaining_at_bound = None if total is None else total - len(found)
            last = remaining_at_bound == 0 if total is not None else len(found) < per_page
            if last or not found:
                self.complete = True
                return
            self._skip_ties = self.keyset and len(self._ties) > MAX_EXCLUDED

    def _bounds(self) -> dict[str, str]:
        if not self._ids:
            return {}
        if not self.keyset:
            return {"exclude": ",".join(sorted(self._ids, key=_number))}
        oldest = self._oldest
        if oldest is None:  # nothing read with a time yet: no bound
            return {"exclude": ",".join(sorted(self._ids, key=_number))}
        if self._skip_ties:
            return {"modified_before": _query_time(oldest)}
        bounds = {"modified_before": _query_time(oldest + timedelta(seconds=1))}
        if self._ties:
            bounds["exclude"] = ",".join(self._ties)
        return bounds

    def _as_asked(self, found: list, skipping: bool) -> bool:
        """Whether FOUND is what was asked: no post already read and, by keyset, none newer
        than the bound (nor at it, when its second is skipped). Else the site did not filter."""
        keys = [_post_key(post) for post in found]
        if any(post_id in self._ids for post_id, _, _ in keys):
            return False
        bound = self._oldest if self.keyset else None
        if bound is None:
            return True
        return not any(
            m is not None and (m >= bound if skipping else m > bound) for _, m, _ in keys
        )

    def _take(self, found: list) -> None:
        for post in found:
            post_id, modified, gmt = _post_key(post)
            self.posts.append(post)
            if not post_id:
                continue
            self._ids.add(post_id)
            if modified is None:
                continue  # no time to page by: the next bound is the last one with a time
            if self._oldest is None or modified < self._oldest:
                self._oldest, self._oldest_gmt, self._ties = modified, gmt, [post_id]
            elif modified == self._oldest:
                self._ties.append(post_id)

    def _skipped(self, remaining_at_bound: int | None, below: int | None) -> None:
        """The rest of the second _oldest was skipped (too many ties to exclude): say so."""
        self._ties = []
        count = None if remaining_at_bound is None or below is None else remaining_at_bound - below
        if count == 0:
            return  # the second happened to be read whole
        unread = f"{count} posts" if count is not None else "some posts"
        self.gaps.append(
            f"{self.source.name}: listing not read whole: {unread} modified at "
            f"{self._oldest:%Y-%m-%d %H:%M:%S} (site time) were not read: more than "
            f"{MAX_EXCLUDED} posts share that second, and WordPress lists equal times in no "
            "fixed order"
        )
        if self._oldest_gmt is not None:
            self.unjudged_until = max(self.unjudged_until or self._oldest_gmt, self._oldest_gmt)

    def _stop(self, reason: str) -> None:
        self.gaps.append(f"{self.source.name}: listing not read whole: {reason}")
        self.complete = False
        oldest = self._oldest_gmt  # posts at or before it may be among those not read
        if oldest is not None:
            self.unjudged_until = max(self.unjudged_until or oldest, oldest)


def _post_key(post) -> tuple[str, datetime | None, datetime | None]:
    """(id, modified in site time, modified_gmt) of a post, as far as it has them."""
    if not isinstance(post, dict):
        return "", None, None
    try:
        modified = _second(_parse_date(post.get("modified")))
        gmt = _utc(post.get("modified_gmt"))
    except ValueError:
        modified = gmt = None  # the post itself gets a problem line when it is read
    return str(post.get("id", "")).strip(), modified, gmt


def _second(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(microsecond=0)


def _query_time(moment: datetime) -> str:
    """A time for modified_before: without an offset it is the site's time, as `modified`."""
    return moment.isoformat(timespec="seconds")


def _number(post_id: str) -> tuple[int, str]:
    return (int(post_id), "") if post_id.isdigit() else (0, post_id)


def still_published(source: SiteSource, client: SiteClient, site_ids: list[str]) -> set[str]:
    """Of SITE_IDS (as in Article.site_id), those the API still lists as published: asked by
    id, so a post that a listing missed (edited while it was read) is not taken for deleted."""
    prefix = f"{source.name}:"
    numbers = [i.removeprefix(prefix) for i in site_ids if i.startswith(prefix)]
    numbers = [n for n in numbers if n.isdigit()]
    found: set[str] = set()
    for start in range(0, len(numbers), MAX_PER_PAGE):
        chunk = numbers[start : start + MAX_PER_PAGE]
        params = {"include": ",".join(chunk), "per_page": str(len(chunk)), "_fields": "id",
                  **_statuses(client)}  # fmt: skip
        answer = client.get(posts_url(source), params, accept="application/json")
        posts = _json_list(source, answer, _json_or_none(answer), client.authenticated)
        found.update(f"{prefix}{p['id']}" for p in posts if isinstance(p, dict) and "id" in p)
    return found


def _statuses(client: SiteClient) -> dict[str, str]:
    """Signed in with an application password, scheduled posts too: WordPress lists a status
    other than publish only to a user who may edit posts (else HTTP 400 "Status is
    forbidden"), and gives such a user a future post's content in the default view context."""
    return {"status": f"publish,{SCHEDULED}"} if client.authenticated else {}


def _get_list(source: SiteSource, client: SiteClient, route: str, query: dict) -> list:
    """The JSON list the site's ROUTE (/wp-json/…) answers to QUERY; SourceError if none."""
    answer = client.get(source.url.rstrip("/") + route, query, accept="application/json")
    return _json_list(source, answer, _json_or_none(answer), client.authenticated)


def _page(source: SiteSource, client: SiteClient, params: dict) -> tuple[list, int | None]:
    """One page of posts and X-WP-Total (posts matching the query, this page's included)."""
    answer = client.get(posts_url(source), params, accept="application/json")
    posts = _json_list(source, answer, _json_or_none(answer), client.authenticated)
    total = answer.header("X-WP-Total")
    return posts, int(total) if total.isdigit() else None


def _json_or_none(answer: Answer):
    try:
        return json.loads(answer.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _json_list(source: SiteSource, answer: Answer, value, signed_in: bool = False) -> list:
    """VALUE when the answer is a 200 with a JSON list; else SourceError saying what came."""
    where = answer.url.split("?")[0]
    if answer.status != 200:
        if signed_in and _password_refused(answer, value):
            raise SourceError(
                source.name,
                f"{where}: WordPress did not accept the application password of user "
                f"{source.user!r} ({_wordpress_error(answer, value)}): check user and "
                "application_password_file (over http WordPress takes application passwords "
                "only on a site whose environment type is local); nothing was changed",
            )
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


def _password_refused(answer: Answer, value) -> bool:
    """Whether WordPress refused the application password. WordPress 6.1 takes a request
    with a wrong one (or one it does not take over http) for an anonymous one, so what shows
    it is the status asked for: "Status is forbidden" (rest_forbidden_status, HTTP 400); a
    401 says it outright (incorrect_password, invalid_username)."""
    if answer.status == 401:
        return True
    details = value.get("data", {}).get("details", {}) if isinstance(value, dict) else {}
    status = details.get("status") if isinstance(details, dict) else None
    return isinstance(status, dict) and status.get("code") == "rest_forbidden_status"


def _wordpress_error(answer: Answer, value) -> str:
    """WordPress's own error ({"code", "message"}) when it sent one."""
    status = f"HTTP {answer.status} {answer.reason}".strip()
    if isinstance(value, dict) and value.get("message"):
        return f"{status} ({value.get('code', '')}: {plain_text(str(value['message']))})"
    return status


def _add_post(
    listing: SourceListing, post, source: SiteSource, settings: Settings, names: TermNames
) -> None:
    """One post into the listing, or one problem line naming it; never an exception. NAMES:
    its terms' names by id (wordpress_terms.term_names)."""
    name = f"post {post.get('id', '?')}" if isinstance(post, dict) else "a post"
    try:
        if not isinstance(post, dict) or not str(post.get("id", "")).strip():
            raise ValueError("not a post object with an id")
        site_id = f"{source.name}:{post['id']}"
        listing.identities.add(SITE_ID_PREFIX + site_id)
        fields, modified = _fields(post, source, settings, site_id, names)
        _note_modified(listing, modified)
        article = finish_article(fields, settings, fallback_time=None)
    except ITEM_ERRORS as exc:
        listing.problems.append(problem_line(source.name, name, exc))
        return
    if modified is None:
        modified = article.published.astimezone(UTC).replace(microsecond=0)
        _note_modified(listing, modified)
    scheduled = post.get("status") == SCHEDULED
    fingerprint = article_fingerprint(article)
    listing.articles.append(
        SiteArticle(article, modified, fingerprint, _excluded_by_meta(post), scheduled)
    )


def _excluded_by_meta(post: dict) -> bool:
    """Whether the post is marked «Не озвучивать»: its meta EXCLUDE_META is true. The REST API
    gives `meta` (registered keys only, with show_in_rest) in every post of the listing, which
    asks for all fields; a site without the plugin has no such key, and excludes nothing."""
    meta = post.get("meta")
    return isinstance(meta, dict) and meta.get(EXCLUDE_META) is True


def _fields(
    post: dict, source: SiteSource, settings: Settings, site_id: str, names: TermNames
) -> tuple[ArticleFields, datetime | None]:
    content = post.get("content")
    if isinstance(content, dict) and content.get("protected"):
        raise ValueError("password-protected: its text is not public")
    embedded = post.get("_embedded") or {}
    link = str(post.get("link") or "")
    published, modified = _dates(post)
    if isinstance(published, datetime) and published.tzinfo is not None:
        published = in_site_zone(published, settings)
    body = blocks_from_html(_rendered(content))
    categories, tags = _terms(post, embedded, names)
    fields = ArticleFields(
        source=link or f"{posts_url(source)}/{post['id']}",
        title=plain_text(_rendered(post.get("title"))),
        body=body,
        published=published,
        author=_author(embedded),
        category=next(iter(categories), ""),
        tags=tags,
        url=link,
        site_id=site_id,
        language=str(post.get("lang") or ""),  # Polylang and WPML add it; else detected
        lead=editors_lead(excerpt_text(_rendered(post.get("excerpt"))), _rendered(content), body),
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


def _terms(post: dict, embedded: dict, names: TermNames) -> tuple[list[str], list[str]]:
    """The post's category names and tag names, in WordPress's order: embedded when they came
    so, else its ids' names."""
    if embeds_terms(post):
        return _term_names(embedded, "category"), _term_names(embedded, "post_tag")
    return _named(post.get("categories"), names["categories"]), _named(
        post.get("tags"), names["tags"]
    )


def _named(ids, names: dict[int, str]) -> list[str]:
    if not isinstance(ids, list):
        return []
    return [names[i] for i in ids if isinstance(i, int) and names.get(i)]


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
    published: datetime | str | None
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
