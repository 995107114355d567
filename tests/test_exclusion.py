"""Excluding an article from the podcast and including it back, without the web: a sync against
a real WordPress (Debian's, tests/wordpress_site.py), an exclusion, then what the next build
and the next sync do with it; and the build of a site that never synced."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import podcastparser
import pytest

from audiocast.config import SiteSource, load_settings
from audiocast.desk import exclusions
from audiocast.desk.journal import EXCLUDED, INCLUDED, Journal
from audiocast.pipeline import Pipeline
from audiocast.publish.build import build
from audiocast.speech.registry import EngineSet
from audiocast.state import STATE_FILE, ExcludedBy, SyncState, read_exclusions
from audiocast.sync import sync_once
from tests.conftest import ARTICLES, CountingEspeak
from tests.fakes.site import make_post
from tests.wordpress_site import WordPress

BAKU = timezone(timedelta(hours=4))
POSTS = [  # short, so that the whole test voices a dozen sentences
    (140001, "Газ пошёл по новому маршруту", ["Поставки начались утром.", "Объём не назван."]),
    (140002, "Рекламная статья о курорте", ["Курорт открыл сезон.", "Цены снижены."]),
    (140003, "Парламент принял бюджет", ["Бюджет принят во втором чтении."]),
]
EXCLUDED_TITLE = "Рекламная статья о курорте"


@pytest.fixture
def site(wordpress_site: WordPress) -> WordPress:
    """The three short posts and no others."""
    wordpress_site.load(
        [
            make_post(post_id, title, blocks, published=datetime(2026, 2, 1, 9, n, tzinfo=BAKU))
            for n, (post_id, title, blocks) in enumerate(POSTS)
        ]
    )
    return wordpress_site


def settings_for(root: Path, site: WordPress):
    root.mkdir(parents=True, exist_ok=True)
    (root / "audiocast.toml").write_text('timezone = "Asia/Baku"\n', encoding="utf-8")
    source = SiteSource("minval", "wordpress", site.url)
    return dataclasses.replace(load_settings(root), sources=(source,), cache_dir=root / "cache")


def sync(settings, engine: CountingEspeak):
    return sync_once(settings, workers=1, engines=EngineSet({"espeak": lambda: engine}))


def feed_of(settings) -> tuple[dict, feedparser.FeedParserDict]:
    path = settings.public_dir / "all" / "feed.xml"
    with path.open("rb") as handle:
        parsed = podcastparser.parse("feed.xml", handle)
    loose = feedparser.parse(path.read_bytes())
    assert not loose.bozo, loose.get("bozo_exception")
    return parsed, loose


def guids(parsed: dict) -> dict[str, str]:
    return {episode["title"]: episode["guid"] for episode in parsed["episodes"]}


def test_an_excluded_article_leaves_the_podcast_and_comes_back_as_it_was(site, tmp_path, audiocast):
    settings = settings_for(tmp_path, site)
    engine = CountingEspeak()
    first = sync(settings, engine)
    made = {o.title: o.episode_id for o in first.outcomes}
    assert len(made) == 3 and not first.failed
    build(settings)
    before = guids(feed_of(settings)[0])
    assert set(before) == set(made)
    out = made[EXCLUDED_TITLE]
    public = settings.public_dir

    assert exclusions.exclude(settings, out, "anna", "реклама") is True
    assert exclusions.exclude(settings, out, "anna", "ещё раз") is False  # once is enough
    assert exclusions.is_excluded(settings, out)
    report = build(settings)

    # out of the feed (both parsers), the pages, the show's count; the store keeps it
    assert report.excluded == [out]
    parsed, loose = feed_of(settings)
    assert EXCLUDED_TITLE not in guids(parsed)
    assert EXCLUDED_TITLE not in {entry.title for entry in loose.entries}
    assert len(parsed["episodes"]) == len(loose.entries) == 2
    assert not (public / "episodes" / out).exists()
    show_page = (public / "all" / "index.html").read_text(encoding="utf-8")
    assert EXCLUDED_TITLE not in show_page and "Парламент принял бюджет" in show_page
    assert "2 выпуска" in (public / "index.html").read_text(encoding="utf-8")
    # the pages listing it were made again (their fingerprints changed); the others were not
    assert {"all/feed.xml", "all/index.html", "index.html"} <= set(report.written)
    assert not any(path.startswith("episodes/") for path in report.written)
    assert f"episodes/{out}/episode.mp3" in report.removed
    stored_audio = settings.episodes_dir / out / "episode.mp3"
    assert stored_audio.is_file()

    # the editors' change of the excluded post is not voiced, and status says why
    site.edit(140002, content="<p>Курорт открыл сезон раньше обычного.</p>")
    engine.calls.clear()
    second = sync(settings, engine)
    assert second.outcomes == [] and engine.calls == []
    assert second.excluded == [EXCLUDED_TITLE]
    result = audiocast("status", cwd=tmp_path)
    assert result.returncode == 0
    line = next(x for x in result.stdout.splitlines() if EXCLUDED_TITLE in x)
    assert line.startswith("excluded\t") and "excluded by anna: реклама" in line
    assert "0 failed, 0 pending, 2 done, 0 removed, 1 excluded" in result.stdout

    # included: the next build publishes it again as it was, same GUID, nothing voiced
    audio = stored_audio.read_bytes()
    assert exclusions.include(settings, out, "anna") is True
    assert not exclusions.is_excluded(settings, out)
    again = build(settings)
    assert again.excluded == []
    assert guids(feed_of(settings)[0]) == before
    assert (public / "episodes" / out / "episode.mp3").read_bytes() == audio
    assert EXCLUDED_TITLE in (public / "all" / "index.html").read_text(encoding="utf-8")
    assert engine.calls == []
    # who did what, in the journal
    entries = [(e.user_name, e.action, e.subject) for e in Journal.of(settings).entries()]
    assert entries == [("anna", INCLUDED, out), ("anna", EXCLUDED, out)]

    # and now that it is back, the edit made meanwhile is voiced, in place
    third = sync(settings, engine)
    assert [(o.title, o.episode_id) for o in third.outcomes] == [(EXCLUDED_TITLE, out)]
    assert any("раньше обычного" in call for call in engine.calls)


def test_a_build_without_a_sync_database_excludes_nothing_and_makes_none(tmp_path, audiocast):
    (tmp_path / "audiocast.toml").write_text('timezone = "Asia/Baku"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    made = Pipeline(settings).make_episode(str(ARTICLES / "short-news.json"))
    report = build(settings)
    assert report.excluded == [] and report.feeds[0].episodes == 1
    assert not (settings.episodes_dir / STATE_FILE).exists()

    # an episode made by hand is excluded by its episode id (it has no sync identity)
    episode_id = made.folder.name
    result = audiocast("exclude", episode_id, "--reason", "проверка", cwd=tmp_path)
    assert result.returncode == 0 and f"{episode_id}: excluded" in result.stderr
    status = audiocast("status", cwd=tmp_path)
    assert f"excluded\t{made.info.title}\t-\t{episode_id}\t" in status.stdout
    assert status.returncode == 0 and status.stdout.rstrip().endswith("1 excluded")
    assert build(settings).excluded == [episode_id]  # every episode out: an empty site
    feed = settings.public_dir / "all" / "feed.xml"
    assert podcastparser.parse("feed.xml", feed.open("rb"))["episodes"] == []
    assert audiocast("include", episode_id, cwd=tmp_path).returncode == 0
    assert len(podcastparser.parse("feed.xml", feed.open("rb"))["episodes"]) == 0
    assert build(settings).feeds[0].episodes == 1

    with pytest.raises(exclusions.ExclusionError, match="no episode"):
        exclusions.exclude(settings, "0000000000000000", "anna")
    result = audiocast("exclude", "../public", cwd=tmp_path)
    assert result.returncode == 2 and "not an episode id" in result.stderr


def test_each_source_of_exclusion_lifts_only_its_own(tmp_path):
    path = tmp_path / STATE_FILE
    state = SyncState(path)
    try:
        state.exclude("abc", "site-id:7", ExcludedBy.EDITOR, title="Статья", user="anna")
        state.exclude("abc", "site-id:7", "wordpress", title="Статья", reason="«Не озвучивать»")
        assert state.include("abc", ExcludedBy.EDITOR) is True
        assert state.include("abc", ExcludedBy.EDITOR) is False
        left = state.exclusions()
    finally:
        state.close()
    assert left.covers("abc") and left.covers(None, "site-id:7")
    assert [row.excluded_by for row in read_exclusions(path).rows] == ["wordpress"]


def test_a_database_from_before_exclusions_reads_as_none_excluded(tmp_path):
    path = tmp_path / STATE_FILE
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE articles (identity TEXT PRIMARY KEY)")
    db.close()
    assert not read_exclusions(path)
    assert not read_exclusions(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()
