"""`audiocast build`: only what changed is written, atomically; stale outputs go, the site's
own files stay; the commands as an editor runs them."""

from __future__ import annotations

import os
import threading

import feedparser

from audiocast.cli import main
from audiocast.files import exclusive_lock
from audiocast.publish.build import BUILD_LOCK_FILE, MANIFEST, build
from tests.publish.conftest import synthetic_settings, write_episode


def file_times(folder) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()
    }


def test_a_second_build_writes_nothing(real_copy):
    first = build(real_copy)
    assert "index.html" in first.written and first.unchanged == 0
    before = file_times(real_copy.public_dir)
    second = build(real_copy)
    assert second.written == [] and second.removed == []
    assert second.unchanged == len(first.written)
    assert file_times(real_copy.public_dir) == before


def test_one_new_episode_rewrites_only_what_shows_it(tmp_path):
    settings = synthetic_settings(tmp_path, page_size=10, feed_limit=10)
    for number in range(1, 31):
        write_episode(settings.episodes_dir, number)
    build(settings)
    before = file_times(settings.public_dir)
    new = write_episode(settings.episodes_dir, 31)
    report = build(settings)
    # the front page lists it; the archive pages (numbered from the oldest) do not change,
    # nor does any other episode's page
    assert sorted(report.written) == sorted([
        "index.html", "politika/feed.xml", "politika/index.html",
        f"episodes/{new.name}/index.html", f"episodes/{new.name}/episode.json",
        f"episodes/{new.name}/episode.mp3", f"episodes/{new.name}/.published.json",
    ])  # fmt: skip
    after = file_times(settings.public_dir)
    untouched = [p for p in before if p not in report.written and p != MANIFEST]
    assert untouched and all(after[p] == before[p] for p in untouched)


def test_changed_audio_is_copied_again_and_the_feed_follows(tmp_path):
    settings = synthetic_settings(tmp_path)
    folder = write_episode(settings.episodes_dir, 1, audio=b"ID3" + b"\0" * 1000)
    build(settings)
    target = settings.public_dir / "episodes" / folder.name / "episode.mp3"
    assert target.read_bytes() == (folder / "episode.mp3").read_bytes()

    os.utime(folder / "episode.mp3", ns=(1, 1))  # touched, same bytes: not copied
    assert f"episodes/{folder.name}/episode.mp3" not in build(settings).written

    write_episode(settings.episodes_dir, 1, audio=b"ID3" + b"\1" * 2000)  # made again
    report = build(settings)
    assert f"episodes/{folder.name}/episode.mp3" in report.written
    assert target.read_bytes() == (folder / "episode.mp3").read_bytes()
    feed = feedparser.parse((settings.public_dir / "politika/feed.xml").read_bytes())
    assert feed.entries[0].enclosures[0].length == "2003"


def test_removed_episodes_go_and_the_sites_own_files_stay(tmp_path):
    settings = synthetic_settings(tmp_path)
    for number in (1, 2):
        write_episode(settings.episodes_dir, number, audio=b"ID3 audio")
    build(settings)
    own = settings.public_dir / "robots.txt"
    own.write_text("User-agent: *\n")
    gone = settings.episodes_dir / f"{2:016x}"
    for path in gone.iterdir():
        path.unlink()
    gone.rmdir()
    report = build(settings)
    assert sorted(report.removed) == [
        f"episodes/{gone.name}/{name}"
        for name in (".published.json", "episode.json", "episode.mp3", "index.html")
    ]
    assert not (settings.public_dir / "episodes" / gone.name).exists()
    assert own.read_text() == "User-agent: *\n"
    assert (settings.public_dir / "episodes" / f"{1:016x}" / "index.html").is_file()


def test_without_its_manifest_a_build_compares_bytes_and_writes_nothing(real_copy):
    build(real_copy)
    (real_copy.public_dir / MANIFEST).unlink()
    before = file_times(real_copy.public_dir)
    report = build(real_copy)
    assert report.written == []
    after = file_times(real_copy.public_dir)
    assert {p: t for p, t in after.items() if p != MANIFEST} == before
    assert not [p for p in after if p.endswith(".part")]


def test_a_page_edited_by_hand_is_put_back(real_copy):
    build(real_copy)
    index = real_copy.public_dir / "index.html"
    original = index.read_bytes()
    index.write_bytes(original.replace(b"</main>", b"<p>edited</p></main>"))
    assert build(real_copy).written == ["index.html"]
    assert index.read_bytes() == original


def test_a_template_change_rerenders_but_rewrites_only_what_differs(tmp_path):
    templates = tmp_path / "site-templates"
    (templates / "site").mkdir(parents=True)
    settings = synthetic_settings(tmp_path, templates_dir=templates)
    write_episode(settings.episodes_dir, 1)
    build(settings)
    (templates / "site" / "podcasts.html.j2").write_text(
        '{% extends "site/base.html.j2" %}{% block main %}<h1>Другое</h1>{% endblock %}'
    )
    assert build(settings).written == ["index.html"]


def test_build_command_prints_the_feeds(tmp_path, capsys):
    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1)
    (tmp_path / "audiocast.toml").write_text(
        f'base_url = "{settings.base_url}"\n'
        '[[shows]]\nslug = "politika"\ntitle = "Minval Politika"\n'
        'owner_email = "podcast@minval.az"\n',
        encoding="utf-8",
    )
    assert main(["--site", str(tmp_path), "build"]) == 0
    out, err = capsys.readouterr()
    assert out == f"{tmp_path / 'public' / 'politika' / 'feed.xml'}\t1 episodes\tMinval Politika\n"
    assert "written, 0 unchanged, 0 removed" in err
    assert main(["--site", str(tmp_path), "build"]) == 0
    assert " 0 written" in capsys.readouterr().err


def test_an_unreadable_episode_is_one_error_line_and_the_rest_is_published(tmp_path, capsys):
    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1)
    broken = write_episode(settings.episodes_dir, 2)
    (broken / "episode.json").write_text('{"guid": "x", "title": "Без даты"}', encoding="utf-8")
    wrong = write_episode(settings.episodes_dir, 3, duration="долго")
    (tmp_path / "audiocast.toml").write_text(f'base_url = "{settings.base_url}"\n')
    assert main(["--site", str(tmp_path), "build"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {broken / 'episode.json'}: missing episode_id, published, duration; not published",
        f"error: {wrong / 'episode.json'}: a wrong value (ValueError: could not convert "
        "string to float: 'долго'); not published",
    ]
    feed = feedparser.parse((tmp_path / "public" / "all" / "feed.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == ["Выпуск номер 1"]


def test_a_second_build_waits_for_the_first_and_publishes_what_came_meanwhile(tmp_path):
    """Cron's `audiocast build` while a sync or a desk job builds: one after the other, never
    interleaved (the later one would leave a feed without what the other just added)."""
    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1)
    build(settings)
    finished = threading.Event()
    with exclusive_lock(settings.episodes_dir / BUILD_LOCK_FILE):  # a build under way
        waiting = threading.Thread(target=lambda: (build(settings), finished.set()))
        waiting.start()
        assert not finished.wait(0.5)  # it waits …
        new = write_episode(settings.episodes_dir, 2)  # … while the first one's work lands
    waiting.join(30)
    assert finished.is_set()
    feed = feedparser.parse(settings.public_dir / "politika" / "feed.xml")
    assert len(feed.entries) == 2
    assert (settings.public_dir / "episodes" / new.name / "episode.mp3").is_file()


def test_a_store_this_user_may_only_read_still_builds(tmp_path):
    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1)
    if os.geteuid() == 0:  # root writes anywhere: a lock file that cannot be made stands in
        (settings.episodes_dir / BUILD_LOCK_FILE).mkdir()
    else:
        settings.episodes_dir.chmod(0o555)
    try:
        report = build(settings)
    finally:
        settings.episodes_dir.chmod(0o755)
    assert "politika/feed.xml" in report.written
