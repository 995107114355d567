"""A build never unpublishes or breaks what is published because the store is damaged: a broken
entry is reported on one line and its last published copy is kept; a missing or emptied store
stops the build before anything is written."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import feedparser
import podcastparser
import pytest

from audiocast.cli import main
from audiocast.errors import AudiocastError
from audiocast.publish.build import MANIFEST, build
from tests.publish.conftest import synthetic_settings, write_episode


def published_bytes(public: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(public)): path.read_bytes()
        for path in sorted(public.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _same_size_text(path: Path) -> None:
    path.write_bytes(
        b"not audio at all " * (path.stat().st_size // 17) + b"!" * (path.stat().st_size % 17)
    )


def _wrong_value(path: Path) -> None:
    info = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**info, "duration": "долго"}), encoding="utf-8")


def _empty_folder(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()


CORRUPTIONS = {
    "episode.mp3 deleted": ("episode.mp3", Path.unlink),
    "episode.mp3 cut short": ("episode.mp3", _truncate),
    "episode.mp3 replaced by text": ("episode.mp3", _same_size_text),
    "episode.json deleted": ("episode.json", Path.unlink),
    "episode.json cut short": ("episode.json", _truncate),
    "episode.json with a wrong value": ("episode.json", _wrong_value),
    "episode.json not an object": ("episode.json", lambda p: p.write_text("[]")),
    "transcript.vtt deleted": ("transcript.vtt", Path.unlink),
    "transcript.vtt not text": ("transcript.vtt", lambda p: p.write_bytes(b"\xff\xfe\x00garbage")),
    "transcript.vtt not WebVTT": ("transcript.vtt", lambda p: p.write_text("<html>")),
    "chapters.json deleted": ("chapters.json", Path.unlink),
    "chapters.json not JSON": ("chapters.json", _truncate),
    "the folder emptied": (None, _empty_folder),
}


@pytest.mark.parametrize("damage", list(CORRUPTIONS))
def test_a_damaged_store_file_keeps_what_was_published(real_copy, damage):
    build(real_copy)
    before = published_bytes(real_copy.public_dir)
    folder = sorted(p for p in real_copy.episodes_dir.iterdir() if p.is_dir())[0]
    name, corrupt = CORRUPTIONS[damage]
    kept = {path.name: path.read_bytes() for path in folder.iterdir()}
    corrupt(folder / name if name else folder)

    report = build(real_copy)
    assert len(report.problems) == 1, report.problems
    assert str(folder) in report.problems[0]
    assert report.problems[0].endswith("; the last published copy is kept")
    assert "\n" not in report.problems[0]
    assert report.removed == []
    assert published_bytes(real_copy.public_dir) == before
    feed = (real_copy.public_dir / "politika" / "feed.xml").read_bytes()
    parsed = podcastparser.parse("https://podcasts.example.com/politika/feed.xml", io.BytesIO(feed))
    assert len(parsed["episodes"]) == 2
    for episode in parsed["episodes"]:
        enclosure = episode["enclosures"][0]
        local = real_copy.public_dir / enclosure["url"].removeprefix(
            "https://podcasts.example.com/"
        )
        assert local.stat().st_size == enclosure["file_size"]

    # mended, the entry is published from the store again, with no problem
    for file_name, data in kept.items():
        (folder / file_name).write_bytes(data)
    again = build(real_copy)
    assert again.problems == [] and again.removed == []
    assert published_bytes(real_copy.public_dir) == before


def test_a_damaged_entry_never_published_is_left_out_and_named(tmp_path):
    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1)
    never = write_episode(settings.episodes_dir, 2, audio=None)
    report = build(settings)
    assert report.problems == [f"{never}: episode.mp3 is missing; not published"]
    feed = feedparser.parse((settings.public_dir / "politika" / "feed.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == ["Выпуск номер 1"]
    assert not (settings.public_dir / "episodes" / never.name).exists()


def test_a_missing_store_stops_the_build_before_anything_is_written(tmp_path, capsys):
    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1)
    (tmp_path / "audiocast.toml").write_text(f'base_url = "{settings.base_url}"\n')
    assert main(["--site", str(tmp_path), "build"]) == 0
    before = published_bytes(tmp_path / "public")
    (tmp_path / "audiocast.toml").write_text(
        f'base_url = "{settings.base_url}"\nepisodes_dir = "episodez"\n'
    )
    capsys.readouterr()
    assert main(["--site", str(tmp_path), "build"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: episodes_dir {tmp_path / 'episodez'} does not exist: nothing was built or "
        "removed (a typo in episodes_dir, or a volume not mounted?)\n"
    )
    assert published_bytes(tmp_path / "public") == before


def test_an_emptied_store_does_not_unpublish_everything(tmp_path):
    settings = synthetic_settings(tmp_path)
    for number in (1, 2):
        write_episode(settings.episodes_dir, number)
    build(settings)
    before = published_bytes(settings.public_dir)
    shutil.rmtree(settings.episodes_dir)
    settings.episodes_dir.mkdir()  # a mount point with nothing mounted on it
    with pytest.raises(AudiocastError, match=r"holds no episodes, but .* publishes 2"):
        build(settings)
    assert published_bytes(settings.public_dir) == before
    # meant: the manifest deleted, an empty site is published
    (settings.public_dir / MANIFEST).unlink()
    report = build(settings)
    assert report.problems == []
    feed = feedparser.parse((settings.public_dir / "politika" / "feed.xml").read_bytes())
    assert feed.entries == []


def test_control_characters_in_an_old_store_entry_do_not_break_the_feed(tmp_path):
    """An entry stored before ingest removed control characters: the feed is still XML."""
    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1, title="Абзац\x0bиз Word\x01", description="\x00Текст")
    report = build(settings)
    assert report.problems == []
    feed = feedparser.parse((settings.public_dir / "politika" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.entries[0].title == "Абзац из Word"


def test_a_render_that_fails_leaves_public_as_it_was(tmp_path, monkeypatch):
    """Every output is made before any is put in place: one that cannot be made (here the feed
    writer fails, as lxml did on control characters) leaves no page or audio half-updated."""
    from audiocast.publish import build as build_module

    settings = synthetic_settings(tmp_path)
    write_episode(settings.episodes_dir, 1)
    build(settings)
    before = published_bytes(settings.public_dir)
    write_episode(settings.episodes_dir, 2)

    def failing_feed(*arguments):
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(build_module, "feed_xml", failing_feed)
    with pytest.raises(AudiocastError, match="feed.xml: cannot be made .*nothing was published"):
        build(settings)
    assert published_bytes(settings.public_dir) == before
    assert not [p for p in settings.public_dir.rglob("*.part")]
