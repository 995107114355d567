"""A real WordPress (Debian's 6.1 on MariaDB, tests/wordpress_site.py) whose posts were saved
within one second, as a bulk import or a bulk edit leaves them: WordPress sorts them by
modification time with no tie-breaker, and reading its pages by number lost posts on every run.
The stand-in (tests/fakes/site.py) plays what a real WordPress here cannot: a WordPress older
than 5.7, and equal times in a new order at every request over hundreds of posts."""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from audiocast.config import SiteSource
from audiocast.ingest.site import read_source, wordpress
from audiocast.model import BlockKind
from audiocast.state import SyncState
from audiocast.sync import STATE_FILE, sync_once
from tests.conftest import make_settings
from tests.fakes.site import FakeSite, make_post, unused_url
from tests.wordpress_site import WordPress, missing_packages, post

SECOND = "2026-01-28 18:37:00"  # site time (Asia/Baku): the bulk edit's second
TOPICS = [  # (title, category): short posts, so that espeak is quick
    ("Баку и Тбилиси подписали соглашение", "Политика"),
    ("Карабах вышел в плей-офф", "Спорт"),
    ("Нефть подорожала на два процента", "Экономика"),
    ("Парламент принял закон о медиа", "Политика"),
    ("Сборная сыграет в Баку", "Спорт"),
    ("Курс маната не изменился", "Экономика"),
    ("Министры встретились в Анкаре", "Политика"),
]


@pytest.fixture(scope="session")
def real_wordpress(tmp_path_factory):
    """One real WordPress for the session; skipped only when its Debian packages are absent
    (`.ci/setup --test` installs them, so CI runs these tests)."""
    reason = missing_packages()
    if reason:
        pytest.skip(reason)
    with WordPress(tmp_path_factory.mktemp("wordpress")) as site:
        yield site


@pytest.fixture
def bulk_edited(real_wordpress) -> dict[str, int]:
    """Nine posts: one edited after the bulk edit, seven saved in the bulk edit's second, one
    from the day before. Title → id; the newest modification first in the dict."""
    posts = [
        post(
            "Правительство утвердило бюджет",
            ["Бюджет утверждён.", "Расходы выросли."],
            "2026-01-28 09:00:00",
            modified="2026-01-28 19:05:00",
            heading="Цифры",
            tags=["бюджет"],
        ),
        *(
            post(
                title,
                [f"{title}.", "Подробности позже."],
                "2026-01-28 10:00:00",
                modified=SECOND,
                category=category,
                heading="Подробности",
            )
            for title, category in TOPICS
        ),
        post("Вчерашняя новость", ["Это было вчера.", "И это тоже."], "2026-01-27 12:00:00"),
    ]
    ids = real_wordpress.reset(posts)
    return dict(zip([p.title for p in posts], ids, strict=True))


def source_for(site: WordPress, **changes) -> SiteSource:
    return dataclasses.replace(SiteSource("minval", "wordpress", site.url, per_page=2), **changes)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.loads(answer.read()), dict(answer.headers)


def listed_ids(listing) -> list[int]:
    return [int(item.article.site_id.rsplit(":", 1)[1]) for item in listing.articles]


# --- what WordPress 6.1 does --------------------------------------------------------------------


def test_wordpress_pages_by_number_lose_posts_saved_in_one_second(real_wordpress, bulk_edited):
    """The fault itself, as WordPress gives it: `page=1, 2, …` of `orderby=modified` repeats
    posts and leaves others on no page (MariaDB orders equal times differently for each
    LIMIT). Should WordPress ever break ties, this test says so."""
    seen: list[int] = []
    for page in range(1, 6):
        posts, _ = get_json(
            f"{real_wordpress.url}/wp-json/wp/v2/posts?orderby=modified&order=desc"
            f"&per_page=2&page={page}&_fields=id"
        )
        seen += [p["id"] for p in posts]
    assert len(seen) == len(bulk_edited)
    assert len(set(seen)) < len(bulk_edited)  # a post twice, so another on no page
    assert set(bulk_edited.values()) - set(seen)


def test_wordpress_6_1_filters_as_the_reader_relies_on(real_wordpress, bulk_edited):
    """modified_before is strict and in site time (the `modified` field); exclude takes a comma
    list; a time with an offset is converted; the REST API takes one orderby only."""
    base = (
        f"{real_wordpress.url}/wp-json/wp/v2/posts?orderby=modified&order=desc&_fields=id,modified"
    )
    at_or_before, headers = get_json(base + "&per_page=100&modified_before=2026-01-28T18:37:01")
    assert len(at_or_before) == 8 and headers["X-WP-Total"] == "8"  # the second and the day before
    before, _ = get_json(base + "&modified_before=2026-01-28T18:37:00")
    assert [p["modified"] for p in before] == ["2026-01-27T12:00:00"]
    in_utc, _ = get_json(base + "&per_page=100&modified_before=2026-01-28T14:37:01Z")
    assert len(in_utc) == 8  # 14:37:01 UTC is 18:37:01 in Baku
    ties = [bulk_edited[title] for title, _ in TOPICS]
    excluded, headers = get_json(
        base
        + "&per_page=100&modified_before=2026-01-28T18:37:01&exclude="
        + ",".join(str(i) for i in ties[:5])
    )
    assert {p["id"] for p in excluded} == {*ties[5:], bulk_edited["Вчерашняя новость"]}
    assert headers["X-WP-Total"] == "3"
    with pytest.raises(urllib.error.HTTPError) as refused:
        get_json(f"{real_wordpress.url}/wp-json/wp/v2/posts?orderby[]=modified&orderby[]=id")
    assert refused.value.code == 400
    args = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(real_wordpress.url + "/wp-json/wp/v2/posts", method="OPTIONS")
        ).read()
    )["endpoints"][0]["args"]
    assert {"modified_before", "modified_after", "exclude", "include"} <= set(args)


# --- reading and syncing it ---------------------------------------------------------------------


def test_every_post_saved_in_one_second_is_read(real_wordpress, bulk_edited, settings):
    """Nine posts, seven of them in one second, two a page: all nine, each once, newest first,
    in five requests (one a page) — the code before keyset pages lost at least one here."""
    listing = read_source(source_for(real_wordpress), settings)
    assert sorted(listed_ids(listing)) == sorted(bulk_edited.values())
    assert len(listing.articles) == len(set(listed_ids(listing)))
    assert listing.complete and listing.gaps == [] and listing.problems == []
    assert listed_ids(listing)[0] == bulk_edited["Правительство утвердило бюджет"]
    assert listed_ids(listing)[-1] == bulk_edited["Вчерашняя новость"]
    # the posts come out as a Russian article: title, paragraphs, heading, category, author
    article = next(i.article for i in listing.articles if i.article.title == TOPICS[1][0])
    assert [(b.kind, b.text) for b in article.body] == [
        (BlockKind.PARAGRAPH, "Карабах вышел в плей-офф."),
        (BlockKind.HEADING, "Подробности"),
        (BlockKind.PARAGRAPH, "Подробности позже."),
    ]
    assert (article.category, article.author, article.language) == (
        "Спорт",
        "Редакция Minval",
        "ru",
    )
    assert article.published.isoformat() == "2026-01-28T10:00:00+04:00"
    item = next(i for i in listing.articles if i.article.title == TOPICS[1][0])
    assert item.modified.isoformat() == "2026-01-28T14:37:00+00:00"  # modified_gmt


def test_every_page_size_reads_every_post(real_wordpress, bulk_edited, settings):
    for per_page in (1, 3, 7, 8, 100):
        listing = read_source(source_for(real_wordpress, per_page=per_page, max_pages=9), settings)
        assert sorted(listed_ids(listing)) == sorted(bulk_edited.values()), per_page
        assert listing.complete and not listing.gaps


def test_sync_voices_every_post_saved_in_one_second(
    real_wordpress, bulk_edited, tmp_path, audiocast
):
    """`audiocast sync --no-build` as cron runs it: every post becomes an episode, and a second
    run finds nothing to do; `audiocast status` shows the source read whole."""
    (tmp_path / "audiocast.toml").write_text(
        'timezone = "Asia/Baku"\nworkers = 1\n[[sources]]\nname = "minval"\nkind = "wordpress"\n'
        f'url = "{real_wordpress.url}"\nper_page = 2\n',
        encoding="utf-8",
    )
    first = audiocast("sync", "--no-build", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    made = [line.split("\t")[2] for line in first.stdout.splitlines()]
    assert sorted(made) == sorted(bulk_edited)
    assert f"{len(bulk_edited)} made, 0 failed, 0 unchanged" in first.stderr
    second = audiocast("sync", "--no-build", cwd=tmp_path)
    assert (
        second.stdout == "" and f"0 made, 0 failed, {len(bulk_edited)} unchanged" in second.stderr
    )
    status = audiocast("status", cwd=tmp_path)
    assert status.returncode == 0
    assert status.stdout.splitlines()[0].startswith("source\tminval\t")
    assert status.stdout.splitlines()[0].endswith("\tok")
    assert (
        status.stdout.splitlines()[-1] == f"0 failed, 0 pending, {len(bulk_edited)} done, 0 removed"
    )


def test_a_second_too_crowded_to_tell_apart_is_said_every_run_and_in_status(
    real_wordpress, bulk_edited, tmp_path, monkeypatch, audiocast
):
    """More posts in one second than an `exclude` list may carry (500; 3 here): the rest of
    that second is skipped, and every run says how many posts were not read; `audiocast
    status` shows it and exits 1. Older posts are still read."""
    monkeypatch.setattr(wordpress, "MAX_EXCLUDED", 3)
    settings = dataclasses.replace(
        make_settings(tmp_path), sources=(source_for(real_wordpress),), workers=1
    )
    reports = [sync_once(settings, workers=1) for _ in range(2)]
    assert len(reports[0].outcomes) == len(bulk_edited) - 2
    for report in reports:
        (gap,) = report.gaps
        assert gap == (
            "minval: listing not read whole: 2 posts modified at 2026-01-28 18:37:00 (site "
            "time) were not read: more than 3 posts share that second, and WordPress lists "
            "equal times in no fixed order"
        )
    state = SyncState(settings.episodes_dir / STATE_FILE)
    titles = {row.title for row in state.all()}
    (source,) = state.sources()
    state.close()
    assert source.gaps == (gap,) and source.error is None
    assert "Вчерашняя новость" in titles  # the posts below the crowded second were read

    (tmp_path / "audiocast.toml").write_text(
        f'timezone = "Asia/Baku"\nepisodes_dir = "episodes"\n[[sources]]\nname = "minval"\n'
        f'kind = "wordpress"\nurl = "{real_wordpress.url}"\n',
        encoding="utf-8",
    )
    status = audiocast("status", cwd=tmp_path)
    assert status.returncode == 1
    assert f"source\tminval\t{source.read_at}\t{gap}" in status.stdout.splitlines()
    assert status.stdout.splitlines()[-1].endswith(", 1 sources with problems")


# --- the stand-in: what a real WordPress here cannot show ---------------------------------------


def crowded_site(count: int, **options) -> FakeSite:
    """COUNT posts saved in one second (and one the day before), equal times in a new order at
    every request, as MariaDB gives them to WordPress."""
    baku = timezone(timedelta(hours=4))
    second = datetime(2026, 1, 28, 18, 37, tzinfo=baku)
    posts = [
        make_post(
            140000 + n,
            f"Новость номер {n}",
            [f"Текст новости {n}."],
            published=second - timedelta(hours=5),
            modified=second,
        )
        for n in range(count)
    ]
    posts.append(
        make_post(139999, "Вчерашняя новость", ["Текст."], published=second - timedelta(days=1))
    )
    return FakeSite(posts, ties="arbitrary", **options)


def test_hundreds_of_posts_in_one_second_in_a_new_order_every_request(settings):
    with crowded_site(230) as site:
        source = SiteSource("minval", "wordpress", site.url, per_page=20, max_pages=20)
        listing = read_source(source, settings)
    assert len(listing.articles) == len(set(listed_ids(listing))) == 231
    assert listing.complete and not listing.gaps
    assert len(site.listings) == 12  # one a page: 231 posts, 20 a page
    assert max(len(h.query.get("exclude", "").split(",")) for h in site.listings) == 220


def test_a_wordpress_before_5_7_is_read_by_exclusion(settings, monkeypatch):
    """modified_before is ignored (as an unknown parameter): the second page repeats the
    first, so pages are asked by excluding every post read, which is exact too."""
    with crowded_site(9, modified_filters=False) as site:
        listing = read_source(SiteSource("minval", "wordpress", site.url, per_page=2), settings)
        assert sorted(listed_ids(listing)) == sorted([139999, *range(140000, 140009)])
        assert listing.complete and not listing.gaps
        assert site.listings[-1].query.get("exclude", "").count(",") >= 7

        monkeypatch.setattr(wordpress, "MAX_EXCLUDED", 4)  # beyond it the listing stops, saying so
        listing = read_source(SiteSource("minval", "wordpress", site.url, per_page=2), settings)
    assert len(listing.articles) == 6 and not listing.complete
    (gap,) = listing.gaps
    assert gap.startswith("minval: listing not read whole: this WordPress ignores modified_before")
    newest_read = max(item.modified for item in listing.articles)
    assert not listing.would_list(newest_read)  # nothing missing from it is judged removed


@pytest.mark.slow
def test_the_fixture_tears_everything_down(tmp_path):
    """(How long start-up and tear-down take is benchmarks/wordpress_fixture.py's business.)"""
    if missing_packages():
        pytest.skip(missing_packages())
    site = WordPress(tmp_path)
    with site:
        processes = [site._db, site._php]
        assert all(p.poll() is None for p in processes)
    assert all(p.poll() is not None for p in processes)
    with pytest.raises(OSError):
        urllib.request.urlopen(site.url, timeout=5)


def test_status_shows_a_source_that_was_down_until_it_is_read_again(tmp_path, audiocast):
    def configure(url: str) -> None:
        (tmp_path / "audiocast.toml").write_text(
            'timezone = "Asia/Baku"\n[[sources]]\nname = "archive"\nkind = "wordpress"\n'
            f'url = "{url}"\nattempts = 1\n',
            encoding="utf-8",
        )

    configure(unused_url())
    assert audiocast("sync", "--no-build", cwd=tmp_path).returncode == 1
    status = audiocast("status", cwd=tmp_path)
    assert status.returncode == 1
    (line,) = [line for line in status.stdout.splitlines() if line.startswith("source\t")]
    _, name, _, problem = line.split("\t")
    assert name == "archive" and "cannot connect: Connection refused" in problem
    assert status.stdout.splitlines()[-1].endswith(", 1 sources with problems")

    with FakeSite([]) as site:  # back, with nothing to say
        configure(site.url)
        assert audiocast("sync", "--no-build", cwd=tmp_path).returncode == 0
    status = audiocast("status", cwd=tmp_path)
    assert status.returncode == 0
    source, counts = status.stdout.splitlines()
    assert source.startswith("source\tarchive\t") and source.endswith("\tok")
    assert counts == "0 failed, 0 pending, 0 done, 0 removed"
