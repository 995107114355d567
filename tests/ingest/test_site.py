"""Site sources read from a real WordPress (Debian's, tests/wordpress_site.py) holding the
fixture posts of tests/fixtures/site with their own ids: the REST API's listing page by page,
its RSS feed, edits, additions and removals, single posts WordPress flags. The faults a real
WordPress cannot be made to show are in test_site_faults.py, on the stand-in."""

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
from tests.fakes.site import content_html, load_posts, make_post
from tests.wordpress_site import WordPress

BAKU = timezone(timedelta(hours=4))
BAKU_KIEV, ALIYEV, QARABAG = 124123, 130010, 130008


@pytest.fixture
def site(wordpress_site: WordPress) -> WordPress:
    """The three fixture posts and no others, and no request yet (from here on, each is
    written down)."""
    wordpress_site.load(load_posts())
    wordpress_site.record_requests()
    return wordpress_site


@pytest.fixture
def waits() -> list[float]:
    """The pauses between retries, recorded instead of waited."""
    return []


def wordpress(site: WordPress, **changes) -> SiteSource:
    return dataclasses.replace(SiteSource("minval", "wordpress", site.url), **changes)


def feed(site: WordPress, **changes) -> SiteSource:
    return dataclasses.replace(SiteSource("minval-rss", "feed", site.url + "/feed/"), **changes)


def by_id(listing) -> dict[int, object]:
    return {int(item.article.site_id.rsplit(":", 1)[1]): item for item in listing.articles}


def read(source, settings, waits):
    return read_source(source, settings, sleep=waits.append)


# --- WordPress --------------------------------------------------------------------------------


def test_wordpress_posts_are_read_page_by_page_newest_modification_first(site, settings, waits):
    listing = read(wordpress(site, per_page=2), settings, waits)

    first, second = site.listings()
    assert first.path == second.path == "/wp-json/wp/v2/posts"
    assert first.query == {
        "_embed": "author", "per_page": "2", "orderby": "modified", "order": "desc",
    }  # fmt: skip
    # the next page starts where the first ended (Qarabağ, modified 18:37 site time): at or
    # before that second, less what was read of it; not by page number
    assert second.query == first.query | {
        "modified_before": "2026-01-28T18:37:01", "exclude": str(QARABAG),
    }  # fmt: skip
    assert first.user_agent == f"audiocast/{__version__}"
    # the terms' names asked once for the whole listing, by id (not embedded in every post)
    terms = [r for r in site.requests() if r.path != "/wp-json/wp/v2/posts"]
    assert sorted(r.path for r in terms) == ["/wp-json/wp/v2/categories", "/wp-json/wp/v2/tags"]
    assert all(r.query["_fields"] == "id,name" and r.query["include"] for r in terms)
    assert [item.article.title for item in listing.articles] == [
        "Ильхам Алиев подписал важное соглашение с Грузией",
        "Исторический матч для «Карабаха» в Лиге чемпионов",
        "Баку и Киев переходят к делу",
    ]
    assert listing.complete and listing.problems == []
    assert listing.identities == {f"site-id:minval:{i}" for i in (BAKU_KIEV, ALIYEV, QARABAG)}


def test_a_wordpress_post_is_the_article_of_the_site_page(site, settings, waits):
    """The seed article through the API equals the same article read from its page (its link
    is this WordPress's permalink, the page's is minval.az's)."""
    item = by_id(read(wordpress(site), settings, waits))[BAKU_KIEV]
    article = item.article
    page = read_article(str(ARTICLES / "minval-baku-kiev.md"), settings)
    for field in ("title", "author", "published", "category", "tags", "lead", "body"):
        assert getattr(article, field) == getattr(page, field), field
    assert article.url == site.link(BAKU_KIEV)
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
    assert len(site.listings()) == 2
    assert sorted(by_id(listing)) == [QARABAG, ALIYEV]
    assert not listing.complete
    assert listing.oldest_modified == datetime(2026, 1, 28, 14, 37, tzinfo=UTC)
    # the seed article was last modified in 2025: its absence here says nothing
    assert not listing.would_list(datetime(2025, 8, 26, 6, 5, tzinfo=UTC))
    assert listing.would_list(datetime(2026, 1, 28, 14, 40, tzinfo=UTC))


def test_edits_additions_and_removals_show_in_the_next_read(site, settings, waits):
    before = by_id(read(wordpress(site), settings, waits))
    site.edit(ALIYEV, content=content_html(["Новый текст первого абзаца.", "Второй абзац."]))
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
    assert site.requests()[-1].query["include"] == f"{QARABAG},{ALIYEV}"


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

    site.edit(BAKU_KIEV, slug="124123-baku-kiev")  # a new slug: a new link
    relinked = by_id(read(source, settings, waits))[BAKU_KIEV]
    assert relinked.article.url == f"{site.url}/124123-baku-kiev/"
    assert relinked.article.identity == first.article.identity


def test_one_bad_post_is_one_problem_line_and_the_others_still_come_out(site, settings, waits):
    """Posts WordPress publishes that cannot be an episode. (A date WordPress would never
    give is the stand-in's, in test_site_faults.py.)"""
    untitled = make_post(
        130030, "", ["Текст без заголовка."], published=datetime(2026, 1, 28, tzinfo=BAKU)
    )
    image_only = make_post(
        130031,
        "Фоторепортаж",
        [("html", '<figure><img src="a.jpg"><figcaption>Баку</figcaption></figure>')],
        published=datetime(2026, 1, 28, tzinfo=BAKU),
    )
    protected = make_post(
        130033, "Только для подписчиков", ["Текст."], published=datetime(2026, 1, 28, tzinfo=BAKU)
    )
    protected["content"]["protected"] = True  # a password on the post
    for post in (untitled, image_only, protected):
        site.add(post)

    listing = read(wordpress(site), settings, waits)

    assert sorted(by_id(listing)) == sorted([BAKU_KIEV, ALIYEV, QARABAG])
    assert len(listing.problems) == 3
    assert all("\n" not in p and p.startswith("minval: post 1300") for p in listing.problems)
    problems = " | ".join(sorted(listing.problems))
    assert f"post 130030: {site.link(130030)}: no title" in problems
    assert f"post 130031: {site.link(130031)}: no body text" in problems
    assert "post 130033: password-protected" in problems
    # still listed: a post with a problem has not been removed from the site
    assert "site-id:minval:130031" in listing.identities


# --- the feed ---------------------------------------------------------------------------------


def test_the_feed_gives_the_same_articles_as_the_api(site, settings, waits):
    api = {item.article.url: item for item in read(wordpress(site), settings, waits).articles}
    listing = read(feed(site), settings, waits)
    assert [h.path for h in site.requests()[-1:]] == ["/feed/"]
    assert len(listing.articles) == 3 and listing.problems == []
    for item in listing.articles:
        article, same = item.article, api[item.article.url].article
        for field in ("title", "author", "published", "category", "tags", "body"):
            assert getattr(article, field) == getattr(same, field), (article.url, field)
        assert article.published.utcoffset() == timedelta(hours=4)  # the site's zone, not GMT
        assert article.site_id == f"minval-rss:{site.url}/?p={same.site_id[7:]}"
    assert not listing.complete  # a feed is the newest items only
    assert listing.oldest_modified == datetime(2025, 8, 26, 5, 30, tzinfo=UTC)


def test_the_feed_gives_the_same_leads_and_content_hashes_as_the_api(site, settings, waits):
    """Found failing when this test moved off the stand-in, whose automatic excerpt had only
    the paragraphs in it: WordPress's own takes every word of the content, the Qarabağ post's
    tweet included, and the feed reader kept it as the lead (which is in the content hash).
    Both readers now make an automatic excerpt the opening of the body (editors_lead)."""
    api = {item.article.url: item for item in read(wordpress(site), settings, waits).articles}
    listing = read(feed(site), settings, waits)
    assert len(listing.articles) == 3
    for item in listing.articles:
        assert item.article.lead == api[item.article.url].article.lead, item.article.title
        assert item.content_hash == api[item.article.url].content_hash, item.article.title


def test_feed_edits_are_seen_by_their_content_hash(site, settings, waits):
    before = by_id_feed(read(feed(site), settings, waits))
    site.edit(QARABAG, content=content_html(["Матч перенесён на четверг."]))
    site.remove(ALIYEV)
    after = by_id_feed(read(feed(site), settings, waits))
    assert sorted(after) == [BAKU_KIEV, QARABAG]
    assert after[QARABAG].modified == before[QARABAG].modified  # RSS has no update time
    assert after[QARABAG].content_hash != before[QARABAG].content_hash
    assert after[BAKU_KIEV].content_hash == before[BAKU_KIEV].content_hash


def by_id_feed(listing) -> dict[int, object]:
    return {int(i.article.site_id.rsplit("=", 1)[1]): i for i in listing.articles}


# --- a source that is not what it should be -----------------------------------------------------


def test_a_feed_source_that_answers_html_is_not_a_feed(site, settings, waits):
    """A `feed` source set to the site's front page (HTML) instead of its feed."""
    with pytest.raises(SourceError, match=r"^minval-rss: .*: not an RSS or Atom feed"):
        read(feed(site, url=site.url + "/"), settings, waits)


def test_a_site_without_the_rest_api_says_so(site, settings, waits):
    source = wordpress(site, url=site.url + "/blog")  # /blog/wp-json/… is an HTML 404 page
    with pytest.raises(SourceError, match=r"HTTP 404 Not Found$"):
        read(source, settings, waits)
    with pytest.raises(SourceError, match=r"rest_no_route: No route was found"):
        read(wordpress(site, url=site.url + "/wp-json/x"), settings, waits)


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
