"""`audiocast sync` against a real WordPress (Debian's, tests/wordpress_site.py) holding the
fixture posts of tests/fixtures/site: new, edited, unchanged and removed articles; failures
retried; one sync at a time; a sync killed by a real signal, and the published feed valid
throughout. A source that is down is an address where nothing listens."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import podcastparser
import pytest

from audiocast.config import SiteSource, load_settings
from audiocast.errors import EngineError
from audiocast.publish.build import build
from audiocast.speech.registry import EngineSet
from audiocast.state import SyncState
from audiocast.sync import STATE_FILE, SyncLock, SyncLocked, sync_once
from tests.conftest import CountingEspeak
from tests.fakes.site import load_posts, make_post, unused_url
from tests.wordpress_site import WordPress

BAKU_KIEV = 124123  # the seed article's post id in tests/fixtures/site/posts.json
POSTS = {post["id"]: post for post in load_posts()}  # what the site holds at each test's start


@pytest.fixture
def site(wordpress_site: WordPress) -> WordPress:
    """The fixture posts and no others."""
    wordpress_site.load(list(POSTS.values()))
    return wordpress_site


def title_of(post_id: int) -> str:
    return POSTS[post_id]["title"]["rendered"]


def settings_for(root: Path, *sources: SiteSource, **changes):
    root.mkdir(parents=True, exist_ok=True)
    (root / "audiocast.toml").write_text('timezone = "Asia/Baku"\n', encoding="utf-8")
    return dataclasses.replace(
        load_settings(root), sources=sources, cache_dir=root / "cache", **changes
    )


def wordpress(site: WordPress) -> SiteSource:
    return SiteSource("minval", "wordpress", site.url)


def sync(settings, engine: CountingEspeak | None = None, **options):
    engines = EngineSet({"espeak": lambda: engine}) if engine else None
    return sync_once(settings, workers=1, engines=engines, **options)


def test_new_edited_unchanged_and_removed_articles(site, tmp_path):
    settings = settings_for(tmp_path, wordpress(site))
    engine = CountingEspeak()
    first = sync(settings, engine)
    made = {o.title: o.episode_id for o in first.outcomes}
    assert len(made) == len(POSTS) and not first.failed
    baku_kiev = title_of(BAKU_KIEV)
    removed_post = next(p for p in POSTS.values() if p["id"] != BAKU_KIEV)

    # an editor changes one sentence, a new post appears, another is deleted
    old = "Ключевой сферой взаимодействия становится энергетика."
    content = POSTS[BAKU_KIEV]["content"]["rendered"]
    assert old in content
    site.edit(BAKU_KIEV, content=content.replace(old, "Энергетика остаётся главной сферой."))
    site.add(make_post(130100, "Новая статья о переговорах", ["Стороны встретились в Баку."],
                       published=_later(1)))  # fmt: skip
    site.remove(removed_post["id"])
    engine.calls.clear()
    second = sync(settings, engine)

    outcomes = {o.title: o for o in second.outcomes}
    assert set(outcomes) == {baku_kiev, "Новая статья о переговорах"}
    assert outcomes[baku_kiev].episode_id == made[baku_kiev]  # regenerated in place: same GUID
    assert "Энергетика остаётся главной сферой." in engine.calls
    assert old not in " ".join(engine.calls)
    new_sentences = {c for c in engine.calls if "переговорах" in c or "встретились" in c}
    # only the edited sentence and the new article (plus its title in the outro) were spoken
    assert len(engine.calls) - len(new_sentences) <= 2
    assert second.removed == [removed_post["title"]["rendered"]]
    assert not (settings.episodes_dir / made[removed_post["title"]["rendered"]]).exists()
    assert second.unchanged == len(POSTS) - 2

    engine.calls.clear()
    site.touch(BAKU_KIEV)  # saved again without a change: nothing to say anew
    third = sync(settings, engine)
    assert third.outcomes == [] and engine.calls == []

    build(settings)
    feed = podcastparser.parse(
        "feed.xml", (settings.public_dir / "all" / "feed.xml").open("rb")
    )  # fmt: skip
    titles = {episode["title"] for episode in feed["episodes"]}
    assert baku_kiev in titles and "Новая статья о переговорах" in titles
    assert removed_post["title"]["rendered"] not in titles
    guids = [episode["guid"] for episode in feed["episodes"]]
    assert len(guids) == len(set(guids)) == len(POSTS)


def test_a_source_that_is_down_is_reported_and_the_others_go_on(site, tmp_path):
    down = SiteSource("archive", "wordpress", unused_url(), attempts=1)
    settings = settings_for(tmp_path, down, wordpress(site))
    report = sync(settings)
    assert len(report.source_errors) == 1 and report.source_errors[0].startswith("archive: ")
    assert len(report.outcomes) == len(POSTS)
    # and when the listing cannot be read (the site is down now), nothing of it is removed
    again = sync(dataclasses.replace(settings, sources=(dataclasses.replace(
        wordpress(site), url=unused_url(), attempts=1),)))  # fmt: skip
    assert again.removed == [] and again.source_errors


def test_failures_are_recorded_and_retried_on_the_next_run(site, tmp_path):
    settings = settings_for(tmp_path, wordpress(site))

    class FailingUntilFixed(CountingEspeak):
        broken = True

        def synthesize(self, text, voice):
            if "Карабах" in text and FailingUntilFixed.broken:
                raise EngineError("espeak-ng crashed (a test)")
            return super().synthesize(text, voice)

    first = sync(settings, FailingUntilFixed())
    (failure,) = first.failed
    assert "espeak-ng crashed (a test)" in failure.error
    state = SyncState(settings.episodes_dir / STATE_FILE)
    assert [r.status for r in state.all() if r.title == failure.title] == ["failed"]
    state.close()
    FailingUntilFixed.broken = False
    second = sync(settings, FailingUntilFixed())
    assert [o.title for o in second.outcomes] == [failure.title]
    assert not second.failed


def test_one_sync_at_a_time(site, tmp_path):
    settings = settings_for(tmp_path, wordpress(site))
    with SyncLock(settings.episodes_dir), pytest.raises(SyncLocked, match="another sync"):
        sync(settings)


def test_all_cores_make_the_same_episodes(site, tmp_path):
    settings = settings_for(tmp_path, wordpress(site))
    report = sync_once(settings, workers=2)
    assert sorted(o.status for o in report.outcomes) == ["made"] * len(POSTS)
    for outcome in report.outcomes:
        info = json.loads((settings.episodes_dir / outcome.episode_id / "episode.json").read_text())
        assert info["title"] == outcome.title


def test_status_lists_pending_done_and_failed_with_reasons(site, tmp_path, audiocast):
    settings = settings_for(tmp_path, wordpress(site))
    sync(settings)
    state = SyncState(settings.episodes_dir / STATE_FILE)
    identity = state.all()[0].identity
    state.failed(identity, "voice ru-google: Google speech failed: HTTP 503 (after 5 attempts)")
    state.close()
    result = audiocast("status", cwd=tmp_path)
    assert result.returncode == 1
    assert "HTTP 503 (after 5 attempts)" in result.stdout
    assert f"1 failed, 0 pending, {len(POSTS) - 1} done, 0 removed" in result.stdout


@pytest.mark.slow
def test_a_killed_sync_leaves_a_valid_feed_and_the_next_run_completes(site, tmp_path):
    _write_config(tmp_path, site)
    assert _audiocast(tmp_path, "sync", "--workers", "1").returncode == 0
    feed = tmp_path / "public" / "all" / "feed.xml"
    for number in range(4):
        site.add(make_post(130200 + number, f"Срочная новость номер {number + 1}",
                           [f"Текст срочной новости номер {number + 1}. " * 6],
                           published=_later(number + 2)))  # fmt: skip

    checks: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_feed, args=(feed, stop, checks), daemon=True)
    watcher.start()
    process = subprocess.Popen(
        [sys.executable, "-m", "audiocast", "sync", "--workers", "1"], cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    episodes = tmp_path / "episodes"
    before = len(_episode_ids(episodes))
    deadline = time.monotonic() + 120
    while len(_episode_ids(episodes)) < before + 2:  # killed in the middle of the batch
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()

    result = _audiocast(tmp_path, "sync", "--workers", "1")
    stop.set()
    watcher.join()
    assert result.returncode == 0, result.stderr
    assert checks and all(check == "ok" for check in checks), set(checks)
    parsed = podcastparser.parse("feed.xml", feed.open("rb"))
    guids = [episode["guid"] for episode in parsed["episodes"]]
    assert len(guids) == len(set(guids)) == len(POSTS) + 4
    assert not [p for p in episodes.iterdir() if p.name.startswith((".staging", ".old"))]


@pytest.mark.slow
def test_watch_stops_cleanly_on_sigterm(site, tmp_path):
    _write_config(tmp_path, site)
    process = subprocess.Popen(
        [sys.executable, "-m", "audiocast", "sync", "--watch", "0.5", "--workers", "1"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines = []
    for line in process.stderr:
        lines.append(line)
        if "next sync in" in line:
            break
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    # the lock went with it: the next sync runs
    assert _audiocast(tmp_path, "sync", "--workers", "1").returncode == 0


def _later(minutes: int) -> datetime:
    """After the fixture posts: a new post is the newest."""
    return datetime(2026, 1, 29, 9, 0, tzinfo=timezone(timedelta(hours=4))) + timedelta(
        minutes=minutes
    )


def _write_config(root: Path, site: WordPress) -> None:
    (root / "audiocast.toml").write_text(
        f'timezone = "Asia/Baku"\nbase_url = "http://127.0.0.1:1/"\n'
        f'[[sources]]\nname = "minval"\nkind = "wordpress"\nurl = "{site.url}"\n',
        encoding="utf-8",
    )


def _audiocast(cwd: Path, *arguments: str):
    return subprocess.run(
        [sys.executable, "-m", "audiocast", *arguments], cwd=cwd, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


def _episode_ids(episodes: Path) -> list[str]:
    return [p.name for p in episodes.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _watch_feed(feed: Path, stop: threading.Event, checks: list[str]) -> None:
    """Parse the published feed again and again: it must always parse, and every enclosure
    must be a file that exists with the size the feed says."""
    public = feed.parents[1]
    while not stop.is_set():
        try:
            parsed = podcastparser.parse("feed.xml", feed.open("rb"))
            for episode in parsed["episodes"]:
                (enclosure,) = episode["enclosures"]
                relative = enclosure["url"].split("/", 3)[3]
                target = public / relative
                if not target.is_file():
                    checks.append(f"missing {relative}")
                elif os.path.getsize(target) != enclosure["file_size"]:
                    checks.append(f"size of {relative}")  # replaced file not yet in the feed
            checks.append("ok")
        except Exception as exc:  # noqa: BLE001 - any failure to parse is the finding
            checks.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.02)


def test_sync_assembles_the_configured_edition_from_what_it_made(site, tmp_path):
    from audiocast.config import Edition

    edition = Edition("daily", "Главное за день", "all", hours=24 * 365 * 5)
    settings = settings_for(tmp_path, wordpress(site), editions=(edition,))
    report = sync(settings)
    (made,) = report.editions
    assert made.status == "made", made.error
    info = json.loads((settings.episodes_dir / made.episode_id / "episode.json").read_text())
    titles = {chapter["title"] for chapter in info["chapters"]}
    assert {o.title for o in report.outcomes} <= titles
    # nothing new: no new edition either
    assert sync(settings).editions == []


def test_a_gtts_show_keeps_google_under_its_rate_with_two_workers(wordpress_site, tmp_path):
    """The site's default voice is offline (espeak), a show's is gTTS: the sync must not start
    one process per core, each with its own limiter, multiplying the rate Google sees."""
    from audiocast.config import Show
    from audiocast.speech.espeak import EspeakEngine
    from audiocast.speech.voices import load_voices
    from tests.fakes.google_tts import FakeGoogle, encode_mp3

    rate = 8
    phrase = EspeakEngine().synthesize("Проверка связи.", load_voices()["ru-espeak"])
    words = ("первой", "второй", "третьей", "четвёртой", "пятой", "шестой", "седьмой")
    posts = [  # every sentence its own: the speech cache would answer a repeated one
        make_post(
            130200 + n,
            f"Новость номер {n}",
            [f"Это {word} фраза новости номер {n}." for word in words],
            published=_later(n),
        )
        for n in range(1, 4)
    ]
    wordpress_site.load(posts)
    with FakeGoogle(fixed_mp3=encode_mp3(phrase.samples, phrase.rate)) as google:
        voices = tmp_path / "voices"
        voices.mkdir()
        (voices / "ru-google-test.toml").write_text(
            'name = "ru-google-test"\nengine = "gtts"\nlanguage = "ru"\n[engine_options]\n'
            f'endpoint = "{google.url}"\nrequests_per_second = {rate}\nmax_in_flight = 4\n'
            "backoff_seconds = 0.01\n",
            encoding="utf-8",
        )
        show = Show(slug="politika", title="Minval Politika", voice="ru-google-test")
        settings = settings_for(
            tmp_path / "site", wordpress(wordpress_site), voices_dir=voices, shows=(show,)
        )
        report = sync_once(settings, workers=2)
    assert not report.failed and len(report.outcomes) == 3
    times = sorted(request.start for request in google.requests)
    assert len(times) >= 3 * rate  # long enough for two processes to have overlapped
    # two processes, each with its own limiter, would send 2× rate. Measured as the requests
    # arrive, a request the limiter let go on time can reach the server late on a busy machine
    # and arrive beside the next ones, so one second's count wobbles; the average over the run
    # does not (a late request moves an end of it by a fraction of a second at most)
    average = (len(times) - 1) / (times[-1] - times[0])
    assert average <= rate * 1.25, f"{average:.1f} requests per second"
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= rate + 3  # a burst of a second process would be 2× rate
