"""A stand-in WordPress on 127.0.0.1, for what a real one (tests/wordpress_site.py, which the
ordinary sync and ingest tests use) cannot be made to show: the ways a site fails (time-outs,
5xx, huge or endless answers, dropped connections, redirects), pages shifting under a read,
no totals, WordPress before 5.7. The REST API's post listing and the RSS feed, served from a
list of post dicts that a test changes between requests.

    with FakeSite(load_posts()) as site:          # the three posts of tests/fixtures/site
        source = SiteSource("minval", "wordpress", site.url)
        site.edit(124123, title="Новый заголовок")  # an edit: modified moves to the newest
        site.touch(130008)                         # modified bumped, nothing else changed
        site.add(make_post(130020, "Заголовок", ["Абзац."], published=...))
        site.remove(130010)                        # deleted or unpublished: gone from both
        site.script(503, 503, then="ok")           # the next requests fail, then recover
        site.requests                              # every request: path, query, action, UA
        site.on_request = lambda hit: ...          # change the site between two requests
        site.serve("/atom.xml", text, "application/atom+xml")  # any document of a test's own

Served:

- GET /wp-json/wp/v2/posts: `per_page` (default 10, at most 100), `page`, `orderby`
  (date | modified | id), `order`, `include` and `exclude` (ids), `modified_before` and
  `modified_after` (as WordPress 5.7+: strictly before/after, a time without an offset is the
  site's, compared with `modified`; a bad one is HTTP 400), `_fields`, `_embed` (without it
  there is no `_embedded`); X-WP-Total and X-WP-TotalPages; past the last page HTTP 400 with
  WordPress's `rest_post_invalid_page_number` error. `orderby=modified` sorts by `modified`
  (site time, as WordPress sorts `post_modified`).
- `ties="arbitrary"`: equal sort keys come in a different order at each request, as MariaDB
  gives them to WordPress (which has no tie-breaker); by default the id breaks ties.
  `modified_filters=False`: `modified_before`/`modified_after` are ignored, as before
  WordPress 5.7 (an unknown parameter is ignored, not refused).
- `_embed` with a list of links (`_embed=author`) embeds those only, as WordPress 5.4+ does.
- GET /wp-json/wp/v2/posts/<id>: one post, or 404 `rest_post_invalid_id`.
- GET /wp-json/wp/v2/categories and /tags: the posts' terms (`include`, `_fields`).
- GET /feed/: RSS 2.0 as WordPress writes it (dc:creator, categories then tags as
  <category>, guid `?p=<id>`, description, content:encoded), newest published first;
  tests/fixtures/site/feed.xml is this feed for the fixture posts.
- `send_totals=False`: no X-WP-Total headers (as behind some proxies).

Actions, one per request in order (`script`), then `then` for the rest: "ok"; an HTTP status
(503, 429, 500, 404…, with `Retry-After: retry_after` when set); "html" (a 200 HTML page
instead of JSON or XML); "slow" (answers after `slow_seconds`); "huge" (a 200 answer of
`huge_bytes` with its Content-Length) and "huge-stream" (the same without a length, read to
the end of the connection); "trickle" (a byte every `slow_seconds` / 20: each read is quick,
the answer never ends in time); "drop" (the connection closed without an answer);
("redirect", url) (HTTP 302 to URL). A source that
is down altogether: `unused_url()`, where nothing listens.
"""

from __future__ import annotations

import copy
import html
import json
import math
import operator
import random
import socket
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = "https://minval.az"  # the real site: links and GUIDs point there, as in the fixtures
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "site"
POSTS_PATH = "/wp-json/wp/v2/posts"
TERM_PATHS = {"/wp-json/wp/v2/categories": "category", "/wp-json/wp/v2/tags": "post_tag"}


# --- posts ------------------------------------------------------------------------------------


def load_posts() -> list[dict]:
    """The fixture posts (tests/fixtures/site/posts.json), a fresh copy for each test."""
    return json.loads((FIXTURES / "posts.json").read_text(encoding="utf-8"))


def content_html(blocks: list) -> str:
    """Post content as WordPress renders it: a string is a paragraph, ("h2", text) a heading,
    ("html", markup) goes in as it is (figures, embeds)."""
    parts = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(f"<p>{html.escape(block, quote=False)}</p>")
        elif block[0] == "html":
            parts.append(block[1])
        else:
            tag, text = block
            parts.append(f"<{tag}>{html.escape(text, quote=False)}</{tag}>")
    return "\n\n".join(parts) + "\n"


def make_post(
    post_id: int,
    title: str,
    blocks: list,
    *,
    published: datetime,
    modified: datetime | None = None,
    author: str = "Редакция Minval",
    category: str = "Политика",
    tags: tuple[str, ...] | list[str] = (),
    excerpt: str | None = None,
    site: str = SITE,
) -> dict:
    """A post as GET /wp-json/wp/v2/posts?_embed=1 gives it (WordPress's documented post
    schema), from text. PUBLISHED and MODIFIED are time-zone aware; `date` and `modified` are
    written in their offset, `*_gmt` in UTC. Without EXCERPT, the automatic one: the first
    55 words and " [&hellip;]"."""
    modified = modified or published
    if excerpt is None:
        words = " ".join(b for b in blocks if isinstance(b, str)).split()
        more = " [&hellip;]" if len(words) > 55 else ""
        excerpt_html = f"<p>{html.escape(' '.join(words[:55]), quote=False)}{more}</p>\n"
    else:
        excerpt_html = f"<p>{html.escape(excerpt, quote=False)}</p>\n"
    author_id = _term_id(author)
    categories = [_term(category, "category", site)]
    tag_terms = [_term(tag, "post_tag", site) for tag in tags]
    return {
        "id": post_id,
        "date": _local(published),
        "date_gmt": _gmt(published),
        "guid": {"rendered": f"{site}/?p={post_id}"},
        "modified": _local(modified),
        "modified_gmt": _gmt(modified),
        "slug": str(post_id),
        "status": "publish",
        "type": "post",
        "link": f"{site}/news/{post_id}",
        "title": {"rendered": html.escape(title, quote=False)},
        "content": {"rendered": content_html(blocks), "protected": False},
        "excerpt": {"rendered": excerpt_html, "protected": False},
        "author": author_id,
        "featured_media": 0,
        "comment_status": "closed",
        "ping_status": "closed",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": [],
        "categories": [term["id"] for term in categories],
        "tags": [term["id"] for term in tag_terms],
        "_embedded": {
            "author": [
                {
                    "id": author_id,
                    "name": author,
                    "url": "",
                    "description": "",
                    "link": f"{site}/author/{author_id}",
                    "slug": str(author_id),
                }
            ],
            "wp:term": [categories, tag_terms],
        },
    }


def _term(name: str, taxonomy: str, site: str) -> dict:
    term_id = _term_id(name)
    base = "category" if taxonomy == "category" else "tag"
    return {
        "id": term_id,
        "link": f"{site}/{base}/{term_id}",
        "name": html.escape(name, quote=False),
        "slug": str(term_id),
        "taxonomy": taxonomy,
    }


def _term_id(name: str) -> int:
    return 100 + zlib.crc32(name.encode()) % 9000  # stable across runs


def _local(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def _gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the feed ---------------------------------------------------------------------------------


def rss_feed(posts: list[dict], site: str = SITE, size: int = 10) -> str:
    """RSS 2.0 as WordPress's /feed/ writes it for POSTS (newest published first, SIZE items)."""
    newest = sorted(posts, key=lambda p: p["date_gmt"], reverse=True)[:size]
    built = max((p["modified_gmt"] for p in posts), default="2026-01-01T00:00:00")
    items = "".join(_rss_item(post, site) for post in newest)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n\t>\n\n'
        "<channel>\n"
        "\t<title>Minval</title>\n"
        f'\t<atom:link href="{site}/feed/" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{site}</link>\n"
        "\t<description>Новости Азербайджана и мира</description>\n"
        f"\t<lastBuildDate>{format_datetime(_utc(built), usegmt=False)}</lastBuildDate>\n"
        "\t<language>ru-RU</language>\n"
        "\t<sy:updatePeriod>hourly</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>1</sy:updateFrequency>\n"
        f"{items}</channel>\n</rss>\n"
    )


def _rss_item(post: dict, site: str) -> str:
    embedded = post.get("_embedded", {})
    author = (embedded.get("author") or [{}])[0].get("name", "")
    terms = [t for group in embedded.get("wp:term", []) for t in group]
    categories = "".join(
        f"\t\t<category>{_cdata(html.unescape(t['name']))}</category>\n" for t in terms
    )
    title = html.escape(html.unescape(post["title"]["rendered"]), quote=False)
    return (
        "\t<item>\n"
        f"\t\t<title>{title}</title>\n"
        f"\t\t<link>{html.escape(post['link'])}</link>\n"
        f"\t\t<dc:creator>{_cdata(author)}</dc:creator>\n"
        f"\t\t<pubDate>{format_datetime(_utc(post['date_gmt']), usegmt=False)}</pubDate>\n"
        f"{categories}"
        f'\t\t<guid isPermaLink="false">{site}/?p={post["id"]}</guid>\n'
        f"\t\t<description>{_cdata(post['excerpt']['rendered'].strip())}</description>\n"
        f"\t\t<content:encoded>{_cdata(post['content']['rendered'])}</content:encoded>\n"
        "\t</item>\n"
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# --- the server -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One request the fake received."""

    path: str
    query: dict[str, str]
    action: object  # what it did: "ok", a status, "html", "slow", …
    user_agent: str


class FakeSite:
    def __init__(
        self,
        posts: list[dict] | None = None,
        *,
        slow_seconds: float = 2.0,
        huge_bytes: int = 2_000_000,
        retry_after: str | None = None,
        send_totals: bool = True,
        ties: str = "id",
        modified_filters: bool = True,
    ):
        self.posts: list[dict] = [copy.deepcopy(p) for p in (posts or [])]
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.retry_after = retry_after
        self.send_totals = send_totals  # X-WP-Total(Pages); some proxies strip them
        self.ties = ties  # "id": the id breaks ties; "arbitrary": a new order each request
        self.modified_filters = modified_filters  # False: as WordPress before 5.7
        # called with each Hit after it is answered: a test changes the site mid-read
        self.on_request: Callable[[Hit], None] | None = None
        self.documents: dict[str, tuple[str, bytes]] = {}  # path → (content type, body)
        self.requests: list[Hit] = []
        self._script: list = []
        self._then: object = "ok"
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # where it is

    @property
    def url(self) -> str:
        """The site's root: a `wordpress` source's url."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def feed_url(self) -> str:
        """A `feed` source's url."""
        return self.url + "/feed/"

    def __enter__(self) -> FakeSite:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # changing the site between requests

    def post(self, post_id: int) -> dict:
        with self._lock:
            return next(p for p in self.posts if p["id"] == post_id)

    def edit(self, post_id: int, **changes) -> dict:
        """Change a post as an editor saving it would: `title`, `excerpt` (text), `content`
        (HTML, or blocks as for make_post), `author`, `category`, `tags`; any other key is set
        as it is. `modified` (aware datetime) defaults to a minute after the newest one."""
        with self._lock:
            post = next(p for p in self.posts if p["id"] == post_id)
            modified = changes.pop("modified", None) or self._next_modified()
            for key, value in changes.items():
                _apply(post, key, value)
            post["modified"] = _local(modified)
            post["modified_gmt"] = _gmt(modified)
            return post

    def touch(self, post_id: int) -> dict:
        """Save a post without changing anything: only `modified` moves."""
        return self.edit(post_id)

    def add(self, post: dict) -> None:
        with self._lock:
            self.posts.append(copy.deepcopy(post))

    def remove(self, post_id: int) -> None:
        """Delete (or unpublish) a post: the public API and the feed no longer list it."""
        with self._lock:
            self.posts = [p for p in self.posts if p["id"] != post_id]

    def serve(self, path: str, body: str | bytes, content_type: str) -> str:
        """Serve a document of our own at PATH (an Atom feed, a broken one…); its URL."""
        data = body.encode() if isinstance(body, str) else body
        with self._lock:
            self.documents[path] = (content_type, data)
        return self.url + path

    def script(self, *actions, then: object = "ok") -> None:
        """What the next requests get, in order, and what every one after them gets."""
        with self._lock:
            self._script = list(actions)
            self._then = then

    def _next_modified(self) -> datetime:
        newest = max((_utc(p["modified_gmt"]) for p in self.posts), default=datetime.now(UTC))
        return (newest + timedelta(minutes=1)).astimezone(_offset_of(self.posts))

    def _take_action(self, path: str, query: dict[str, str], user_agent: str) -> Hit:
        with self._lock:
            action = self._script.pop(0) if self._script else self._then
            hit = Hit(path, query, action, user_agent)
            self.requests.append(hit)
            return hit

    # answers

    @property
    def listings(self) -> list[Hit]:
        """The requests of the post listing (GET /wp-json/wp/v2/posts), without the term and
        by-id requests a read makes after it."""
        return [hit for hit in self.requests if hit.path == POSTS_PATH]

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            posts = copy.deepcopy(self.posts)
            document = self.documents.get(path)
        if document is not None:
            return 200, {"Content-Type": document[0]}, document[1]
        if path == POSTS_PATH:
            if not self.modified_filters:
                query = {k: v for k, v in query.items() if not k.startswith("modified_")}
            shuffle = None
            if self.ties == "arbitrary":
                shuffle = random.Random(len(self.requests)).shuffle
            status, headers, body = _listing(posts, query, shuffle)
            if not self.send_totals:
                headers = {k: v for k, v in headers.items() if not k.startswith("X-WP-")}
            return status, headers, body
        if path.startswith(POSTS_PATH + "/"):
            return _single(posts, path.rsplit("/", 1)[1], query)
        if path in TERM_PATHS:
            return _terms(posts, TERM_PATHS[path], query)
        if path in ("/feed", "/feed/"):
            body = rss_feed(posts).encode()
            return 200, {"Content-Type": "application/rss+xml; charset=UTF-8"}, body
        if path.startswith("/wp-json/"):
            return _wp_error(404, "rest_no_route", "No route was found matching the URL.")
        return 404, {"Content-Type": "text/html; charset=UTF-8"}, _page("Страница не найдена")


def unused_url() -> str:
    """An http URL where nothing listens: a source that is down (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _apply(post: dict, key: str, value) -> None:
    if key == "title":
        post["title"]["rendered"] = html.escape(value, quote=False)
    elif key == "excerpt":
        post["excerpt"]["rendered"] = f"<p>{html.escape(value, quote=False)}</p>\n"
    elif key == "content":
        post["content"]["rendered"] = value if isinstance(value, str) else content_html(value)
    elif key == "author":
        post["_embedded"]["author"][0]["name"] = value
    elif key in ("category", "tags"):
        site = post["link"].split("/news/")[0]
        names = [value] if key == "category" else list(value)
        taxonomy = "category" if key == "category" else "post_tag"
        terms = [_term(name, taxonomy, site) for name in names]
        post["categories" if key == "category" else "tags"] = [t["id"] for t in terms]
        groups = post["_embedded"]["wp:term"]
        groups[0 if key == "category" else 1] = terms
    else:
        post[key] = value


def _offset_of(posts: list[dict]):
    """The site's own offset, as its posts show it (date − date_gmt)."""
    if not posts:
        return UTC
    local = datetime.fromisoformat(posts[0]["date"])
    return timezone(local - datetime.fromisoformat(posts[0]["date_gmt"]))


def _listing(
    posts: list[dict], query: dict[str, str], shuffle: Callable[[list], None] | None = None
) -> tuple[int, dict[str, str], bytes]:
    per_page = int(query.get("per_page", "10"))
    page = int(query.get("page", "1"))
    if not 1 <= per_page <= 100:
        return _wp_error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
    if "include" in query:
        wanted = {int(i) for i in query["include"].split(",") if i.strip().isdigit()}
        posts = [p for p in posts if p["id"] in wanted]
    if "exclude" in query:
        unwanted = {int(i) for i in query["exclude"].split(",") if i.strip().isdigit()}
        posts = [p for p in posts if p["id"] not in unwanted]
    for name, keep in (("modified_before", operator.lt), ("modified_after", operator.gt)):
        if name in query:
            bound = _site_time(query[name], posts)
            if bound is None:
                return _wp_error(400, "rest_invalid_param", f"Invalid parameter(s): {name}")
            posts = [p for p in posts if keep(datetime.fromisoformat(p["modified"]), bound)]
    key = {"modified": "modified", "date": "date_gmt", "id": "id"}[query.get("orderby", "date")]
    descending = query.get("order", "desc") == "desc"
    if shuffle is None:
        posts.sort(key=lambda p: (p[key], p["id"]), reverse=descending)
    else:  # equal keys in whatever order this request happens to give them
        shuffle(posts)
        posts.sort(key=lambda p: p[key], reverse=descending)
    total_pages = math.ceil(len(posts) / per_page)
    if page > max(total_pages, 1):
        return _wp_error(
            400,
            "rest_post_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
        )
    shown = [_shaped(p, query) for p in posts[(page - 1) * per_page : page * per_page]]
    headers = {
        "Content-Type": "application/json; charset=UTF-8",
        "X-WP-Total": str(len(posts)),
        "X-WP-TotalPages": str(total_pages),
    }
    return 200, headers, json.dumps(shown, ensure_ascii=False).encode()


def _site_time(value: str, posts: list[dict]) -> datetime | None:
    """A modified_before/after value as a naive site time, as WordPress reads it."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(_offset_of(posts)).replace(tzinfo=None)
    return moment


def _single(posts: list[dict], post_id: str, query: dict[str, str]):
    for post in posts:
        if str(post["id"]) == post_id:
            body = json.dumps(_shaped(post, query), ensure_ascii=False).encode()
            return 200, {"Content-Type": "application/json; charset=UTF-8"}, body
    return _wp_error(404, "rest_post_invalid_id", "Invalid post ID.")


def _shaped(post: dict, query: dict[str, str]) -> dict:
    if "_embed" not in query:
        post = {k: v for k, v in post.items() if k != "_embedded"}
    elif query["_embed"] not in ("", "1", "true"):  # `_embed=author,wp:term`: those links only
        rels = set(query["_embed"].split(","))
        embedded = {k: v for k, v in post.get("_embedded", {}).items() if k in rels}
        post = {**post, "_embedded": embedded}
    if "_fields" in query:
        wanted = set(query["_fields"].split(","))
        post = {k: v for k, v in post.items() if k in wanted}
    return post


def _terms(posts: list[dict], taxonomy: str, query: dict[str, str]):
    """GET /wp/v2/categories or /tags: the terms of TAXONOMY the posts have, `include` (ids)
    and `_fields` honoured, ordered by name as WordPress orders them."""
    found: dict[int, dict] = {}
    for post in posts:
        for group in post.get("_embedded", {}).get("wp:term", []):
            found.update({t["id"]: t for t in group if t["taxonomy"] == taxonomy})
    if query.get("include"):
        wanted = {int(i) for i in query["include"].split(",") if i.isdigit()}
        found = {i: t for i, t in found.items() if i in wanted}
    terms = sorted(found.values(), key=lambda t: t["name"])
    if "_fields" in query:
        keys = set(query["_fields"].split(","))
        terms = [{k: v for k, v in t.items() if k in keys} for t in terms]
    body = json.dumps(terms, ensure_ascii=False).encode()
    return 200, {"Content-Type": "application/json; charset=UTF-8"}, body


def _wp_error(status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    body = {"code": code, "message": message, "data": {"status": status}}
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    return status, headers, json.dumps(body).encode()


def _page(title: str) -> bytes:
    return (
        f"<!DOCTYPE html>\n<html lang='ru'><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1></body></html>\n"
    ).encode()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up on a slow answer: nothing to report


def _handler_for(site: FakeSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            hit = site._take_action(parts.path, query, self.headers.get("User-Agent", ""))
            respond = self._response(hit.action, parts.path, query)
            # the answer is made; a change the hook makes shows from the next request on,
            # and is done before the client can send it
            if site.on_request is not None:
                site.on_request(hit)
            respond()

        def _response(self, action, path: str, query: dict[str, str]) -> Callable[[], None]:
            if action == "drop":
                return self._drop
            if isinstance(action, tuple) and action[0] == "redirect":
                return lambda: self._send(302, {"Location": action[1]}, b"")
            if action in ("ok", "slow"):
                answer = site.answer(path, query)
                delay = site.slow_seconds if action == "slow" else 0.0
                return lambda: (time.sleep(delay), self._send(*answer))
            if action == "html":
                page = _page("Minval")
                return lambda: self._send(200, {"Content-Type": "text/html; charset=UTF-8"}, page)
            if action == "trickle":
                return self._trickle
            if action in ("huge", "huge-stream"):
                return lambda: self._send_huge(with_length=action == "huge")
            headers = {"Content-Type": "text/html; charset=UTF-8"}
            if site.retry_after is not None:
                headers["Retry-After"] = site.retry_after
            return lambda: self._send(int(action), headers, _page(f"Ошибка {action}"))

        def _drop(self) -> None:
            self.close_connection = True  # closed without a status line

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _trickle(self) -> None:
            body = json.dumps(site.posts, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for index in range(len(body)):
                    self.wfile.write(body[index : index + 1])
                    self.wfile.flush()
                    time.sleep(site.slow_seconds / 20)
            except OSError:
                pass  # the client gave up

        def _send_huge(self, with_length: bool) -> None:
            chunk = b'[{"id": 1, "padding": "' + b"x" * 65_000 + b'"},\n'
            count = site.huge_bytes // len(chunk) + 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            if with_length:
                self.send_header("Content-Length", str(len(chunk) * count))
            self.end_headers()
            try:
                for _ in range(count):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client stopped reading at its limit

        def log_message(self, *args) -> None:
            pass

    return Handler
