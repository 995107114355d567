"""Site sources read from the stand-in WordPress (tests/fakes/site.py), for what a real one
cannot be made to show: time-outs, 5xx, dropped connections and other faults, pages shifting
under a read, a proxy without totals, a date WordPress never gives, documents of a test's own.
Everything else a site source does is read from a real WordPress in test_site.py."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from audiocast.config import SiteSource
from audiocast.errors import SourceError
from audiocast.ingest.site import read_source, still_published
from audiocast.model import BlockKind
from tests.fakes.site import FIXTURES, FakeSite, load_posts, make_post, rss_feed, unused_url

BAKU = timezone(timedelta(hours=4))
BAKU_KIEV, ALIYEV, QARABAG = 124123, 130010, 130008


@pytest.fixture
def site():
    with FakeSite(load_posts()) as fake:
        yield fake


@pytest.fixture
def waits() -> list[float]:
    """The pauses between retries, recorded instead of waited."""
    return []


def wordpress(site: FakeSite, **changes) -> SiteSource:
    return dataclasses.replace(SiteSource("minval", "wordpress", site.url), **changes)


def feed(site: FakeSite, **changes) -> SiteSource:
    return dataclasses.replace(SiteSource("minval-rss", "feed", site.feed_url), **changes)


def by_id(listing) -> dict[int, object]:
    return {int(item.article.site_id.rsplit(":", 1)[1]): item for item in listing.articles}


def read(source, settings, waits):
    return read_source(source, settings, sleep=waits.append)


# --- pages shifting under a read, a proxy without totals, a broken date --------------------------


def test_an_empty_page_ends_the_listing_when_totals_are_missing(settings, waits):
    with FakeSite(load_posts(), send_totals=False) as site:
        listing = read(wordpress(site, per_page=3), settings, waits)
    assert len(site.listings) == 2  # a full page, then an empty one past it
    assert "modified_before" in site.listings[1].query
    assert len(listing.articles) == 3 and listing.complete


def test_a_post_edited_while_pages_are_read_comes_first_in_the_next_read(site, settings, waits):
    """Page 1 read, then the post on page 3 is edited and jumps above the pages read: pages
    start where the last one ended, so no other post moves, none is read twice, and the
    edited one is not in this listing. It is still published when asked by id (so the sync
    does not take it for deleted) and comes first in the next read."""

    def edit_once(hit):
        if len(site.listings) == 1:
            site.edit(BAKU_KIEV, title="Баку и Киев переходят к делу: обновлено")

    site.on_request = edit_once
    listing = read(wordpress(site, per_page=1), settings, waits)
    assert len(site.listings) == 2  # page 2 says nothing is left below it (X-WP-Total)
    assert [int(i.article.site_id.split(":")[1]) for i in listing.articles] == [ALIYEV, QARABAG]
    assert listing.complete and listing.gaps == []
    assert still_published(wordpress(site), [f"minval:{BAKU_KIEV}"]) == {f"minval:{BAKU_KIEV}"}
    site.on_request = None
    again = read(wordpress(site, per_page=1), settings, waits)
    assert again.articles[0].article.title.endswith("обновлено")
    assert sorted(by_id(again)) == sorted([BAKU_KIEV, ALIYEV, QARABAG])


def test_a_post_deleted_while_pages_are_read_takes_no_other_post_with_it(site, settings, waits):
    """Reading by page number, deleting a post already read moved the next one onto the page
    already read: it was on no page. Pages that start where the last ended do not move."""

    def delete_once(hit):
        if len(site.listings) == 1:
            site.remove(ALIYEV)  # the post of page 1

    site.on_request = delete_once
    listing = read(wordpress(site, per_page=1), settings, waits)
    assert sorted(by_id(listing)) == sorted([ALIYEV, QARABAG, BAKU_KIEV])
    assert listing.complete


def test_a_listing_edited_between_every_two_pages_lists_each_post_once(site, settings, waits):
    """Edits between every two pages: each page still starts where the last ended, so no
    post comes twice and the read ends; what moved up is read next time."""

    def touch_the_oldest(hit):
        oldest = min(site.posts, key=lambda p: p["modified_gmt"])
        site.touch(oldest["id"])

    site.on_request = touch_the_oldest
    listing = read(wordpress(site, per_page=1), settings, waits)
    assert len(site.listings) <= 3
    ids = [item.article.site_id for item in listing.articles]
    assert len(ids) == len(set(ids)) >= 1
    assert listing.complete and listing.gaps == []


def test_a_post_with_a_date_wordpress_never_gives_is_one_problem_line(site, settings, waits):
    """The date of a broken plugin or proxy: the other posts still come out. (The problems a
    real WordPress can show are in test_site.py.)"""
    bad_date = make_post(
        130032, "Плохая дата", ["Текст."], published=datetime(2026, 1, 28, tzinfo=BAKU)
    )
    bad_date["date_gmt"] = "вчера"
    site.add(bad_date)

    listing = read(wordpress(site), settings, waits)

    assert sorted(by_id(listing)) == sorted([BAKU_KIEV, ALIYEV, QARABAG])
    (problem,) = listing.problems
    assert problem.startswith("minval: post 130032: ") and "\n" not in problem
    assert "post 130032: date 'вчера' not understood" in problem
    assert "site-id:minval:130032" in listing.identities


# --- documents of a test's own ------------------------------------------------------------------


def test_the_fixture_feed_is_what_the_fake_serves():
    """tests/fixtures/site/feed.xml shows the feed the fake builds from posts.json."""
    assert rss_feed(load_posts()) == (FIXTURES / "feed.xml").read_text(encoding="utf-8")


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru">
  <title>Minval</title><id>https://minval.az/</id><updated>2026-01-28T19:20:00+04:00</updated>
  <entry>
    <title type="html">Кремль пригласил Зеленского в &lt;b&gt;Москву&lt;/b&gt;</title>
    <id>tag:minval.az,2026:130020</id>
    <link rel="alternate" href="https://minval.az/news/130020"/>
    <published>2026-01-28T16:52:00+04:00</published>
    <updated>2026-01-28T19:20:00+04:00</updated>
    <author><name>Редакция Minval</name></author>
    <category term="Политика"/><category term="Россия"/>
    <summary type="html">&lt;p&gt;В Кремле ждут Зеленского.&lt;/p&gt;</summary>
    <content type="html">&lt;p&gt;В Кремле заявили, что готовы принять Зеленского.&lt;/p&gt;
      &lt;h3&gt;Реакция Киева&lt;/h3&gt;&lt;p&gt;В Киеве предложение отвергли.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Только анонс</title><id>tag:minval.az,2026:130021</id>
    <link href="https://minval.az/news/130021"/>
    <published>2026-01-28T16:00:00+04:00</published>
    <summary>Полный текст на сайте.</summary>
  </entry>
</feed>
"""


def test_an_atom_feed_with_html_content(site, settings, waits):
    url = site.serve("/atom.xml", ATOM, "application/atom+xml")
    listing = read(SiteSource("atom", "feed", url), settings, waits)
    (item,) = listing.articles
    article = item.article
    assert article.title == "Кремль пригласил Зеленского в Москву"
    assert article.site_id == "atom:tag:minval.az,2026:130020"
    assert article.url == "https://minval.az/news/130020"
    assert article.published == datetime(2026, 1, 28, 16, 52, tzinfo=BAKU)
    assert item.modified == datetime(2026, 1, 28, 15, 20, tzinfo=UTC)
    assert article.author == "Редакция Minval"
    assert (article.category, article.tags) == ("Политика", ["Россия"])
    assert article.lead == "В Кремле ждут Зеленского."
    assert [(b.kind, b.text) for b in article.body] == [
        (BlockKind.PARAGRAPH, "В Кремле заявили, что готовы принять Зеленского."),
        (BlockKind.HEADING, "Реакция Киева"),
        (BlockKind.PARAGRAPH, "В Киеве предложение отвергли."),
    ]
    # the entry with a summary only is not read aloud as if it were the article
    (problem,) = listing.problems
    assert problem.startswith("atom: item tag:minval.az,2026:130021: no full content")
    # entries carry update times: only what was updated after everything listed is judged
    assert listing.oldest_modified == item.modified


# --- a source that cannot be read -------------------------------------------------------------


FAILURES = [
    # (what the site does, what the one line says, requests the fake sees with 3 attempts)
    (503, r"HTTP 503 Service Unavailable \(after 3 attempts\)", 3),
    (500, r"HTTP 500 Internal Server Error \(after 3 attempts\)", 3),
    ("drop", r"cannot connect: connection closed without an answer \(after 3 attempts\)", 3),
    ("slow", r"no answer within 0\.3 s \(after 3 attempts\)", 3),
    ("trickle", r"answer not complete within 0\.3 s \(after 3 attempts\)", 3),
    ("html", r"the answer is not JSON \(text/html, starts '<!DOCTYPE html>'\)", 1),
    ("huge", r"answer of 2,\d\d\d,\d\d\d bytes is over max_bytes \(1,000,000\)", 1),
    ("huge-stream", r"answer is over max_bytes \(1,000,000\)", 1),
    (404, r"HTTP 404 Not Found$", 1),
]


@pytest.mark.parametrize(("action", "message", "requests"), FAILURES, ids=lambda v: str(v)[:12])
def test_a_source_that_fails_is_one_line_naming_it(settings, waits, action, message, requests):
    with FakeSite(load_posts(), slow_seconds=1.0) as site:
        site.script(then=action)
        source = wordpress(site, timeout_seconds=0.3, max_bytes=1_000_000)
        with pytest.raises(SourceError) as caught:
            read(source, settings, waits)
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(f"minval: {site.url}/wp-json/wp/v2/posts: ")
    assert caught.match(message)
    assert len(site.requests) == requests
    assert len(waits) == requests - 1  # a retry after each failed attempt but the last


def test_a_site_that_is_down_is_one_line(settings, waits):
    source = SiteSource("minval", "wordpress", unused_url(), attempts=2)
    with pytest.raises(SourceError, match=r"^minval: .*cannot connect: Connection refused"):
        read(source, settings, waits)
    assert len(waits) == 1


def test_an_unknown_host_is_one_line(settings, waits):
    source = SiteSource("minval", "feed", "http://no-such-host.invalid/feed/", attempts=1)
    with pytest.raises(SourceError, match=r"^minval: .*cannot connect: ") as caught:
        read(source, settings, waits)
    assert "\n" not in str(caught.value) and "HTTPConnectionPool" not in str(caught.value)


def test_passing_failures_are_retried_and_retry_after_is_honoured(settings, waits):
    with FakeSite(load_posts(), retry_after="3") as site:
        site.script(503, 429, "drop")
        listing = read(wordpress(site, attempts=4), settings, waits)
    assert len(listing.articles) == 3
    assert [h.action for h in site.listings] == [503, 429, "drop", "ok"]
    assert waits[0] >= 3 and waits[1] >= 3  # the site asked for 3 s
    assert waits[2] <= 2.0  # no Retry-After on a dropped connection: backoff with jitter


def test_client_errors_are_not_retried(site, settings, waits):
    site.script(403)
    with pytest.raises(SourceError, match=r"HTTP 403 Forbidden$"):
        read(wordpress(site), settings, waits)
    assert len(site.requests) == 1 and waits == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://minval.az/feed/", "minval.az/feed", "http:///x"]
)
def test_only_http_and_https_urls_are_read(settings, waits, url):
    for kind in ("wordpress", "feed"):
        with pytest.raises(SourceError, match=r"is not an http or https URL$"):
            read(SiteSource("minval", kind, url), settings, waits)
    assert waits == []


def test_a_redirect_away_from_http_is_refused(site, settings, waits):
    site.script(("redirect", "file:///etc/passwd"))
    with pytest.raises(SourceError, match=r"redirected to a URL that is not http or https"):
        read(feed(site), settings, waits)
    assert len(site.requests) == 1
