"""Site sources read from a local fake WordPress site (tests/fakes/site.py): the REST API's
listing page by page, the RSS feed, edits, failures of the site and of single posts."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from audiocast import __version__
from audiocast.config import SiteSource, load_settings
from audiocast.errors import SourceError
from audiocast.ingest import read_article
from audiocast.ingest.site import read_source, still_published
from audiocast.model import BlockKind
from tests.conftest import ARTICLES, SEED
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


# --- WordPress --------------------------------------------------------------------------------


def test_wordpress_posts_are_read_page_by_page_newest_modification_first(site, settings, waits):
    listing = read(wordpress(site, per_page=2), settings, waits)

    first, second = site.requests
    assert first.path == second.path == "/wp-json/wp/v2/posts"
    assert first.query == {
        "_embed": "1", "per_page": "2", "orderby": "modified", "order": "desc",
    }  # fmt: skip
    # the next page starts where the first ended (Qarabağ, modified 18:37 site time): at or
    # before that second, less what was read of it; not by page number
    assert second.query == first.query | {
        "modified_before": "2026-01-28T18:37:01", "exclude": str(QARABAG),
    }  # fmt: skip
    assert first.user_agent == f"audiocast/{__version__}"
    assert [item.article.title for item in listing.articles] == [
        "Ильхам Алиев подписал важное соглашение с Грузией",
        "Исторический матч для «Карабаха» в Лиге чемпионов",
        "Баку и Киев переходят к делу",
    ]
    assert listing.complete and listing.problems == []
    assert listing.identities == {f"site-id:minval:{i}" for i in (BAKU_KIEV, ALIYEV, QARABAG)}


def test_a_wordpress_post_is_the_article_of_the_site_page(site, settings, waits):
    """The seed article through the API equals the same article read from its page."""
    item = by_id(read(wordpress(site), settings, waits))[BAKU_KIEV]
    article = item.article
    page = read_article(str(ARTICLES / "minval-baku-kiev.md"), settings)
    for field in ("title", "author", "published", "category", "tags", "url", "lead", "body"):
        assert getattr(article, field) == getattr(page, field), field
    assert article.site_id == f"minval:{BAKU_KIEV}"
    assert article.identity == f"site-id:minval:{BAKU_KIEV}"
    assert article.published == datetime(2025, 8, 26, 9, 30, tzinfo=BAKU)
    assert article.published.utcoffset() == timedelta(hours=4)  # the site's own offset
    assert item.modified == datetime(2025, 8, 26, 6, 5, tzinfo=UTC)
    assert article.language == "ru" and article.warnings == []
    # headings kept in place; the figure's caption and the Telegram boxes are not read
    assert [b.text for b in article.body if b.kind is BlockKind.HEADING] == [
        "Энергетика как основа",
        "Многовекторная дипломатия",
    ]
    text = " ".join(b.text for b in article.body)
    assert "Фото" not in text and "Телеграм" not in text and "Telegram" not in text


def test_the_seed_articles_paragraphs_come_out_word_for_word(site, settings, waits):
    seed_lines = {line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()}
    article = by_id(read(wordpress(site), settings, waits))[BAKU_KIEV].article
    paragraphs = [b.text for b in article.body if b.kind is BlockKind.PARAGRAPH]
    assert len(paragraphs) == 8
    assert all(paragraph in seed_lines for paragraph in paragraphs)


def test_short_news_posts_keep_their_category_tags_and_automatic_excerpt(site, settings, waits):
    posts = by_id(read(wordpress(site), settings, waits))
    qarabag = posts[QARABAG].article
    assert qarabag.category == "Спорт"
    assert qarabag.tags == ["Карабах", "Лига чемпионов"]
    assert qarabag.author == "Редакция Minval"
    assert qarabag.published == datetime(2026, 1, 28, 18, 37, tzinfo=BAKU)
    assert [b.kind for b in qarabag.body] == [BlockKind.PARAGRAPH] * 2 + [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
    ]
    assert "Весь Азербайджан болеет" not in " ".join(b.text for b in qarabag.body)  # the tweet
    assert qarabag.lead.startswith("Агдамский «Карабах» проведёт")
    assert qarabag.lead.endswith("…") and "[" not in qarabag.lead  # "[&hellip;]" → "…"
    assert posts[ALIYEV].article.category == "Политика"


def test_reading_stops_at_max_pages_and_says_the_listing_is_a_window(site, settings, waits):
    listing = read(wordpress(site, per_page=1, max_pages=2), settings, waits)
    assert len(site.requests) == 2
    assert sorted(by_id(listing)) == [QARABAG, ALIYEV]
    assert not listing.complete
    assert listing.oldest_modified == datetime(2026, 1, 28, 14, 37, tzinfo=UTC)
    # the seed article was last modified in 2025: its absence here says nothing
    assert not listing.would_list(datetime(2025, 8, 26, 6, 5, tzinfo=UTC))
    assert listing.would_list(datetime(2026, 1, 28, 14, 40, tzinfo=UTC))


def test_an_empty_page_ends_the_listing_when_totals_are_missing(settings, waits):
    with FakeSite(load_posts(), send_totals=False) as site:
        listing = read(wordpress(site, per_page=3), settings, waits)
    assert len(site.requests) == 2  # a full page, then an empty one past it
    assert "modified_before" in site.requests[1].query
    assert len(listing.articles) == 3 and listing.complete


def test_a_post_edited_while_pages_are_read_comes_first_in_the_next_read(site, settings, waits):
    """Page 1 read, then the post on page 3 is edited and jumps above the pages read: pages
    start where the last one ended, so no other post moves, none is read twice, and the
    edited one is not in this listing. It is still published when asked by id (so the sync
    does not take it for deleted) and comes first in the next read."""

    def edit_once(hit):
        if len(site.requests) == 1:
            site.edit(BAKU_KIEV, title="Баку и Киев переходят к делу: обновлено")

    site.on_request = edit_once
    listing = read(wordpress(site, per_page=1), settings, waits)
    assert len(site.requests) == 2  # page 2 says nothing is left below it (X-WP-Total)
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
        if len(site.requests) == 1:
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
    assert len(site.requests) <= 3
    ids = [item.article.site_id for item in listing.articles]
    assert len(ids) == len(set(ids)) >= 1
    assert listing.complete and listing.gaps == []


def test_edits_additions_and_removals_show_in_the_next_read(site, settings, waits):
    before = by_id(read(wordpress(site), settings, waits))
    site.edit(ALIYEV, content=["Новый текст первого абзаца.", "Второй абзац."])
    site.add(
        make_post(
            130020,
            "Кремль пригласил Зеленского в Москву",
            ["В Кремле заявили, что готовы принять Зеленского в Москве."],
            published=datetime(2026, 1, 28, 16, 52, tzinfo=BAKU),
            category="Политика",
        )
    )
    site.remove(QARABAG)
    after_listing = read(wordpress(site), settings, waits)
    after = by_id(after_listing)
    assert sorted(after) == sorted([BAKU_KIEV, ALIYEV, 130020])
    assert [b.text for b in after[ALIYEV].article.body] == [
        "Новый текст первого абзаца.",
        "Второй абзац.",
    ]
    assert after[ALIYEV].modified > before[ALIYEV].modified
    assert after[ALIYEV].content_hash != before[ALIYEV].content_hash
    assert after[BAKU_KIEV].content_hash == before[BAKU_KIEV].content_hash
    # the whole site was listed: the removed post's absence means it is gone
    assert after_listing.complete and after_listing.would_list(before[QARABAG].modified)
    assert still_published(wordpress(site), [f"minval:{i}" for i in (QARABAG, ALIYEV)]) == {
        f"minval:{ALIYEV}"
    }
    assert site.requests[-1].query["include"] == f"{QARABAG},{ALIYEV}"


def test_content_hash_changes_with_what_is_spoken_only(site, settings, waits):
    source = wordpress(site)
    first = by_id(read(source, settings, waits))[BAKU_KIEV]
    assert by_id(read(source, settings, waits))[BAKU_KIEV].content_hash == first.content_hash

    site.touch(BAKU_KIEV)  # saved again, nothing changed
    touched = by_id(read(source, settings, waits))[BAKU_KIEV]
    assert touched.modified > first.modified
    assert touched.content_hash == first.content_hash

    site.edit(BAKU_KIEV, tags=["Азербайджан", "Украина"])  # tags are not spoken
    assert by_id(read(source, settings, waits))[BAKU_KIEV].content_hash == first.content_hash

    site.edit(BAKU_KIEV, title="Баку и Киев перешли к делу")
    retitled = by_id(read(source, settings, waits))[BAKU_KIEV]
    assert retitled.content_hash != first.content_hash
    assert retitled.article.identity == first.article.identity  # same post, same episode

    site.edit(BAKU_KIEV, link="https://minval.az/news/124123-baku-kiev")  # a new slug
    relinked = by_id(read(source, settings, waits))[BAKU_KIEV]
    assert relinked.article.url.endswith("-baku-kiev")
    assert relinked.article.identity == first.article.identity


def test_one_bad_post_is_one_problem_line_and_the_others_still_come_out(site, settings, waits):
    untitled = make_post(
        130030, "", ["Текст без заголовка."], published=datetime(2026, 1, 28, tzinfo=BAKU)
    )
    image_only = make_post(
        130031,
        "Фоторепортаж",
        [("html", '<figure><img src="a.jpg"><figcaption>Баку</figcaption></figure>')],
        published=datetime(2026, 1, 28, tzinfo=BAKU),
    )
    bad_date = make_post(
        130032, "Плохая дата", ["Текст."], published=datetime(2026, 1, 28, tzinfo=BAKU)
    )
    bad_date["date_gmt"] = "вчера"
    protected = make_post(
        130033, "Только для подписчиков", [], published=datetime(2026, 1, 28, tzinfo=BAKU)
    )
    protected["content"] = {"rendered": "", "protected": True}
    for post in (untitled, image_only, bad_date, protected):
        site.add(post)

    listing = read(wordpress(site), settings, waits)

    assert sorted(by_id(listing)) == sorted([BAKU_KIEV, ALIYEV, QARABAG])
    assert len(listing.problems) == 4
    assert all("\n" not in p and p.startswith("minval: post 1300") for p in listing.problems)
    problems = " | ".join(sorted(listing.problems))
    assert "post 130030: https://minval.az/news/130030: no title" in problems
    assert "post 130031: https://minval.az/news/130031: no body text" in problems
    assert "post 130032: date 'вчера' not understood" in problems
    assert "post 130033: password-protected" in problems
    # still listed: a post with a problem has not been removed from the site
    assert "site-id:minval:130031" in listing.identities


# --- the feed ---------------------------------------------------------------------------------


def test_the_feed_gives_the_same_articles_as_the_api(site, settings, waits):
    api = {item.article.url: item for item in read(wordpress(site), settings, waits).articles}
    listing = read(feed(site), settings, waits)
    assert [h.path for h in site.requests[-1:]] == ["/feed/"]
    assert len(listing.articles) == 3 and listing.problems == []
    for item in listing.articles:
        article, same = item.article, api[item.article.url].article
        for field in ("title", "author", "published", "category", "tags", "lead", "body"):
            assert getattr(article, field) == getattr(same, field), (article.url, field)
        assert article.published.utcoffset() == timedelta(hours=4)  # the site's zone, not GMT
        assert article.site_id == f"minval-rss:https://minval.az/?p={same.site_id[7:]}"
        assert item.content_hash == api[article.url].content_hash
    assert not listing.complete  # a feed is the newest items only
    assert listing.oldest_modified == datetime(2025, 8, 26, 5, 30, tzinfo=UTC)


def test_the_fixture_feed_is_what_the_fake_serves():
    """tests/fixtures/site/feed.xml shows the feed the fake builds from posts.json."""
    assert rss_feed(load_posts()) == (FIXTURES / "feed.xml").read_text(encoding="utf-8")


def test_feed_edits_are_seen_by_their_content_hash(site, settings, waits):
    before = by_id_feed(read(feed(site), settings, waits))
    site.edit(QARABAG, content=["Матч перенесён на четверг."])
    site.remove(ALIYEV)
    after = by_id_feed(read(feed(site), settings, waits))
    assert sorted(after) == [BAKU_KIEV, QARABAG]
    assert after[QARABAG].modified == before[QARABAG].modified  # RSS has no update time
    assert after[QARABAG].content_hash != before[QARABAG].content_hash
    assert after[BAKU_KIEV].content_hash == before[BAKU_KIEV].content_hash


def by_id_feed(listing) -> dict[int, object]:
    return {int(i.article.site_id.rsplit("=", 1)[1]): i for i in listing.articles}


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


def test_a_feed_source_that_answers_html_is_not_a_feed(site, settings, waits):
    site.script("html")
    with pytest.raises(SourceError, match=r"^minval-rss: .*/feed/: not an RSS or Atom feed"):
        read(feed(site), settings, waits)


def test_passing_failures_are_retried_and_retry_after_is_honoured(settings, waits):
    with FakeSite(load_posts(), retry_after="3") as site:
        site.script(503, 429, "drop")
        listing = read(wordpress(site, attempts=4), settings, waits)
    assert len(listing.articles) == 3
    assert [h.action for h in site.requests] == [503, 429, "drop", "ok"]
    assert waits[0] >= 3 and waits[1] >= 3  # the site asked for 3 s
    assert waits[2] <= 2.0  # no Retry-After on a dropped connection: backoff with jitter


def test_client_errors_are_not_retried(site, settings, waits):
    site.script(403)
    with pytest.raises(SourceError, match=r"HTTP 403 Forbidden$"):
        read(wordpress(site), settings, waits)
    assert len(site.requests) == 1 and waits == []


def test_a_site_without_the_rest_api_says_so(site, settings, waits):
    source = wordpress(site, url=site.url + "/blog")  # /blog/wp-json/… is an HTML 404 page
    with pytest.raises(SourceError, match=r"HTTP 404 Not Found$"):
        read(source, settings, waits)
    with pytest.raises(SourceError, match=r"rest_no_route: No route was found"):
        read(wordpress(site, url=site.url + "/wp-json/x"), settings, waits)


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


# --- sources and shows in audiocast.toml ------------------------------------------------------


def test_site_categories_map_to_the_shows_of_audiocast_toml(site, tmp_path, waits):
    (tmp_path / "audiocast.toml").write_text(
        f"""
timezone = "Asia/Baku"

[[sources]]
name = "minval"
kind = "wordpress"
url = "{site.url}"
per_page = 2

[[shows]]
slug = "politika"
title = "Minval Politika"
categories = ["Политика", "Статьи"]

[[shows]]
slug = "sport"
title = "Minval Спорт"
categories = ["Спорт"]
""",
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    listing = read(settings.sources[0], settings, waits)
    shows = {
        item.article.title: [
            show.slug for show in settings.all_shows() if show.includes(item.article.category)
        ]
        for item in listing.articles
    }
    assert shows == {
        "Ильхам Алиев подписал важное соглашение с Грузией": ["politika"],
        "Исторический матч для «Карабаха» в Лиге чемпионов": ["sport"],
        "Баку и Киев переходят к делу": ["politika"],
    }
