"""Episodes voiced ahead of their post's scheduled time: the build's one filter (Catalogue.due)
keeps each out of every public file — feeds, Episode Lists, episode pages, the Podcast List,
the player's JSON, the WordPress post index — until its time has passed and sync has seen its
post published; the desk labels it «запланирована»."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from audiocast.config import SiteSource
from audiocast.desk.articles import ArticleRow, Status
from audiocast.publish import build as build_module
from audiocast.publish.build import build
from audiocast.publish.catalogue import read_catalogue
from audiocast.state import STATE_FILE, SyncState
from tests.publish.conftest import public_text, synthetic_settings, write_episode

SOON = "Новость, которая выйдет позже"
PAST = "Новость, вышедшая минуту назад"
OLD = "Старая новость"
WORDPRESS = SiteSource("minval", "wordpress", "https://minval.az")


def voiced(state: SyncState, post: int, episode_id: str, title: str) -> str:
    """Record in STATE that sync made EPISODE_ID from post POST of the source minval."""
    identity = f"site-id:minval:{post}"
    state.seen(identity, "minval", title, f"https://minval.az/{post}", "Политика",
               datetime.now(UTC).isoformat(), f"hash-{post}")  # fmt: skip
    state.made(identity, f"hash-{post}", episode_id)
    return identity


@pytest.fixture
def site(tmp_path: Path):
    """Three stored episodes, all made from posts of a WordPress source: one published a
    minute from now, one a minute ago, one long ago."""
    settings = synthetic_settings(tmp_path, sources=(WORDPRESS,))
    now = datetime.now(UTC)
    ids = {}
    for number, title, published in (
        (1, OLD, None),
        (2, PAST, now - timedelta(minutes=1)),
        (3, SOON, now + timedelta(minutes=1)),
    ):
        extra = {"published": published.isoformat()} if published else {}
        ids[title] = write_episode(settings.episodes_dir, number, title=title, **extra).name
    state = SyncState(settings.episodes_dir / STATE_FILE)
    for number, title in enumerate((OLD, PAST, SOON), start=1):
        voiced(state, number, ids[title], title)
    state.close()
    return settings, ids


def test_an_episode_published_a_minute_from_now_is_in_no_public_file(site):
    settings, ids = site
    report = build(settings)
    assert report.waiting == [ids[SOON]] and report.excluded == []
    text = public_text(settings.public_dir)
    assert SOON not in text and ids[SOON] not in text
    for title in (PAST, OLD):
        assert title in text and ids[title] in text
    feed = (settings.public_dir / "politika" / "feed.xml").read_text("utf-8")
    assert PAST in feed and ids[PAST] in feed
    index = (settings.public_dir / "wordpress" / "minval.json").read_text("utf-8")
    assert '"2"' in index and '"3"' not in index
    assert "2 выпуск" in (settings.public_dir / "index.html").read_text("utf-8")


def test_the_build_after_its_time_publishes_it(site, monkeypatch):
    settings, ids = site
    build(settings)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(minutes=2)

    monkeypatch.setattr(build_module, "datetime", Later)
    report = build(settings)
    assert report.waiting == []
    text = public_text(settings.public_dir)
    assert SOON in text and ids[SOON] in text
    assert f"episodes/{ids[SOON]}/index.html" in report.written
    assert f"episodes/{ids[SOON]}/episode.mp3" in report.written


def test_a_post_the_site_still_lists_as_scheduled_is_held_whatever_its_date(site):
    """WordPress's cron may miss the time: until sync sees the post published, its episode
    stays out even though its date has passed; the next build after that publishes it."""
    settings, ids = site
    state = SyncState(settings.episodes_dir / STATE_FILE)
    state.scheduled("site-id:minval:2", True)
    state.close()
    report = build(settings)
    assert report.waiting == sorted([ids[PAST], ids[SOON]])
    text = public_text(settings.public_dir)
    assert PAST not in text and ids[PAST] not in text and OLD in text

    state = SyncState(settings.episodes_dir / STATE_FILE)
    state.scheduled("site-id:minval:2", False)
    state.close()
    report = build(settings)
    assert report.waiting == [ids[SOON]]
    assert PAST in public_text(settings.public_dir)


def test_a_removed_post_is_no_longer_held(site):
    settings, ids = site
    state = SyncState(settings.episodes_dir / STATE_FILE)
    state.scheduled("site-id:minval:2", True)
    state.removed("site-id:minval:2")
    state.close()
    assert build(settings).waiting == [ids[SOON]]


def test_an_unpublished_episode_was_public_before_is_taken_down(site):
    """A post published, then scheduled again for later: its files leave public/."""
    settings, ids = site
    build(settings)
    assert (settings.public_dir / "episodes" / ids[PAST] / "episode.mp3").is_file()
    state = SyncState(settings.episodes_dir / STATE_FILE)
    state.scheduled("site-id:minval:2", True)
    state.close()
    report = build(settings)
    assert f"episodes/{ids[PAST]}/episode.mp3" in report.removed
    assert ids[PAST] not in public_text(settings.public_dir)


def test_the_desk_labels_a_scheduled_episode(site):
    settings, ids = site
    episodes = {e.episode_id: e for e in read_catalogue(settings.episodes_dir).episodes}
    row = ArticleRow(SOON, "Политика", Status.VOICED, "", datetime.now(UTC), "minval",
                     episodes[ids[SOON]])  # fmt: skip
    assert row.label == "запланирована"
    past = dataclasses.replace(row, episode=episodes[ids[PAST]])
    assert past.label == "озвучена"
    assert dataclasses.replace(row, status=Status.EXCLUDED).label == "исключена"
