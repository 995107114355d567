"""The lists the WordPress plugin's shortcodes render (wordpress_lists.py): shows.json and each
show's Episode List pages as JSON, cut as the HTML pages are, only public episodes, absolute
URLs, and incremental (a new episode rewrites the front page and shows.json, not the archive)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from audiocast.config import SiteSource
from audiocast.errors import ConfigError
from audiocast.publish.build import build
from audiocast.publish.wordpress_lists import shorten
from audiocast.state import STATE_FILE, SyncState
from tests.publish.conftest import BASE_URL, synthetic_settings, write_episode

WORDPRESS = SiteSource("minval", "wordpress", "https://minval.az")
SHOW_DIR = Path("wordpress/shows/politika")


def read(settings, path: str | Path) -> dict:
    return json.loads((settings.public_dir / path).read_text("utf-8"))


@pytest.fixture
def site(tmp_path: Path):
    """25 public episodes (page_size 10: front page 5 + 10, one archive page of 10)."""
    settings = synthetic_settings(tmp_path, sources=(WORDPRESS,))
    ids = [write_episode(settings.episodes_dir, n).name for n in range(1, 26)]
    return settings, ids


def test_shows_json_and_the_pages_cut_as_the_episode_list(site):
    settings, ids = site
    build(settings)
    shows = read(settings, "wordpress/shows.json")
    assert shows["version"] == 1 and shows["page_size"] == 10
    assert shows["player"]["js"] == BASE_URL + "static/player.js"
    (show,) = shows["shows"]
    assert show["slug"] == "politika" and show["title"] == "Minval Politika"
    assert show["episodes"] == 25
    assert show["page"] == BASE_URL + "politika/"
    assert show["feed"] == BASE_URL + "politika/feed.xml"
    assert show["cover"].startswith(BASE_URL + "covers/politika-")
    assert show["newest"] == "2026-01-02T09:00:00+04:00"  # episode 25
    assert [(p["number"], p["first"], p["last"]) for p in show["pages"]] == [
        (0, 11, 25),
        (1, 1, 10),
    ]
    assert show["pages"][1]["json"] == BASE_URL + "wordpress/shows/politika/1.json"
    assert show["pages"][1]["page"] == BASE_URL + "politika/page/1/"
    front = read(settings, SHOW_DIR / "0.json")
    assert [e["id"] for e in front["episodes"]] == ids[10:][::-1]  # newest first
    first = front["episodes"][0]
    assert first == {
        "id": ids[24], "title": "Выпуск номер 25", "published": "2026-01-02T09:00:00+04:00",
        "duration": 85.0, "duration_text": "1:25",
        "audio": f"{BASE_URL}episodes/{ids[24]}/episode.mp3",
        "page": f"{BASE_URL}episodes/{ids[24]}/", "description": "Описание выпуска 25.",
    }  # fmt: skip
    archive = read(settings, SHOW_DIR / "1.json")
    assert [e["id"] for e in archive["episodes"]] == ids[:10][::-1]
    assert archive["page"] == BASE_URL + "politika/page/1/"


def test_no_wordpress_source_no_lists(tmp_path):
    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1)
    build(settings)
    assert not (settings.public_dir / "wordpress").exists()


def test_a_new_episode_rewrites_the_front_page_and_shows_json_only(site):
    settings, ids = site
    build(settings)
    write_episode(settings.episodes_dir, 26)
    report = build(settings)
    lists = sorted(p for p in report.written if p.startswith("wordpress/"))
    assert lists == ["wordpress/shows.json", "wordpress/shows/politika/0.json"]
    assert read(settings, "wordpress/shows.json")["shows"][0]["episodes"] == 26
    assert build(settings).written == []  # nothing changed: nothing rewritten


def test_excluded_and_scheduled_episodes_are_in_no_list(site):
    settings, ids = site
    soon = datetime.now(UTC) + timedelta(hours=1)
    later = write_episode(settings.episodes_dir, 30, published=soon.isoformat()).name
    state = SyncState(settings.episodes_dir / STATE_FILE)
    assert state.exclude(ids[24], None, "desk", title="Выпуск номер 25")
    state.close()
    build(settings)
    folder = settings.public_dir / "wordpress"
    text = "".join(p.read_text("utf-8") for p in folder.rglob("*.json"))
    assert later not in text and ids[24] not in text and ids[23] in text
    assert read(settings, "wordpress/shows.json")["shows"][0]["episodes"] == 24


def test_a_long_description_is_shortened_at_a_word():
    text = "слово " * 100
    short = shorten(text, 40)
    assert len(short) <= 40 and short.endswith("слово…")
    assert shorten("  коротко\n и ясно ") == "коротко и ясно"


def test_a_wordpress_source_named_shows_is_refused_before_anything_is_written(tmp_path):
    settings = synthetic_settings(
        tmp_path, sources=(SiteSource("shows", "wordpress", "https://minval.az"),)
    )
    write_episode(settings.episodes_dir, 1)
    with pytest.raises(ConfigError, match="'shows' is taken by public/wordpress/shows.json"):
        build(settings)
    assert not settings.public_dir.exists()
