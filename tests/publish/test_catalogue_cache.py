"""The catalogue cache: a rebuild reads only the store entries whose files changed, gets the
same catalogue a full reading gets, and still notices every kind of damage; a cache that is
missing, damaged or another store's is no cache at all."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from audiocast.publish import catalogue, catalogue_cache
from audiocast.publish.build import build
from audiocast.publish.catalogue import read_catalogue
from audiocast.publish.catalogue_cache import CACHE_FILE, CatalogueCache
from tests.publish.conftest import synthetic_settings, write_episode
from tests.publish.test_damaged_store import CORRUPTIONS, published_bytes


@pytest.fixture
def settled(monkeypatch):
    """Every store file counts as changed long before the build: entries written by the test a
    moment ago are kept in the cache (see catalogue_cache's docstring on racy entries)."""
    monkeypatch.setattr(catalogue_cache, "RACY_NS", -60 * 10**9)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The folder of every store entry read from its files (not from the cache)."""
    folders: list[str] = []
    real = catalogue._read_episode

    def counting(folder: str, *rest):
        if not rest:  # a published copy's record is not a store entry
            folders.append(os.path.basename(folder))
        return real(folder, *rest)

    monkeypatch.setattr(catalogue, "_read_episode", counting)
    return folders


def cached_entries(settings) -> dict:
    return json.loads((settings.cache_dir / CACHE_FILE).read_bytes())["entries"]


def test_a_rebuild_reads_only_what_changed(tmp_path, settled, reads):
    settings = synthetic_settings(tmp_path)
    folders = [write_episode(settings.episodes_dir, n) for n in (1, 2, 3)]
    build(settings)
    assert sorted(reads) == sorted(f.name for f in folders)
    reads.clear()
    assert build(settings).written == [] and reads == []

    write_episode(settings.episodes_dir, 2, title="Новый заголовок")
    new = write_episode(settings.episodes_dir, 4)
    report = build(settings)
    assert sorted(reads) == sorted([folders[1].name, new.name])
    page = settings.public_dir / "episodes" / folders[1].name / "index.html"
    assert "Новый заголовок" in page.read_text("utf-8")
    assert f"episodes/{new.name}/index.html" in report.written


def test_the_cache_gives_what_reading_the_store_gives(real_copy, tmp_path, settled, reads):
    settings = dataclasses.replace(real_copy, cache_dir=tmp_path / "cache")
    build(settings)
    fresh = read_catalogue(settings.episodes_dir)
    reads.clear()
    cache = CatalogueCache(settings.cache_dir / CACHE_FILE, settings.episodes_dir)
    cached = read_catalogue(settings.episodes_dir, None, cache)
    assert reads == []
    assert cached == fresh  # every field: texts, dates, chapters, files, digests
    assert any(e.has_transcript and e.chapters for e in cached.episodes)


def test_a_rewrite_that_keeps_size_and_mtime_is_still_read(tmp_path, settled):
    settings = synthetic_settings(tmp_path)
    folder = write_episode(settings.episodes_dir, 1, title="Заголовок А")
    build(settings)
    info = folder / "episode.json"
    before = info.stat()
    text = info.read_text("utf-8").replace("Заголовок А", "Заголовок Б")  # as long, to the byte
    info.write_text(text, encoding="utf-8")
    os.utime(info, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or rsync leave it
    assert info.stat().st_size == before.st_size
    build(settings)
    page = settings.public_dir / "episodes" / folder.name / "index.html"
    assert "Заголовок Б" in page.read_text("utf-8")


@pytest.mark.parametrize("damage", list(CORRUPTIONS))
def test_damage_is_noticed_through_a_warm_cache(real_copy, tmp_path, settled, reads, damage):
    settings = dataclasses.replace(real_copy, cache_dir=tmp_path / "cache")
    build(settings)
    assert len(cached_entries(settings)) == 2
    before = published_bytes(settings.public_dir)
    folder = sorted(p for p in settings.episodes_dir.iterdir() if p.is_dir())[0]
    name, corrupt = CORRUPTIONS[damage]
    corrupt(folder / name if name else folder)
    reads.clear()

    report = build(settings)
    assert reads == [folder.name]  # the damaged entry alone, and it is read, not trusted
    assert len(report.problems) == 1 and str(folder) in report.problems[0]
    assert report.problems[0].endswith("; the last published copy is kept")
    assert report.removed == [] and published_bytes(settings.public_dir) == before
    assert folder.name not in cached_entries(settings)  # broken: read again next time


def test_an_entry_changed_just_before_the_build_is_read_again(tmp_path, reads):
    settings = synthetic_settings(tmp_path)
    folder = write_episode(settings.episodes_dir, 1)
    build(settings)
    reads.clear()
    build(settings)
    # a second change within the file system's time tick could leave its stat as it was
    assert reads == [folder.name]
    assert not (settings.cache_dir / CACHE_FILE).exists()


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00not json")


def _cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _edit(change):
    def edit(path: Path) -> None:
        data = json.loads(path.read_bytes())
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")

    return edit


def _bad_rows(data: dict) -> None:
    for row in data["entries"].values():
        del row[3:]  # the key still matches: the row itself is wrong


UNUSABLE = {
    "not JSON": _garbage,
    "cut short": _cut_short,
    "a list": lambda path: path.write_text("[]"),
    "another format": _edit(lambda data: data.update(format=0)),
    "another store": _edit(lambda data: data.update(episodes_dir="/elsewhere")),
    "older code": _edit(lambda data: data.update(code="0" * 64)),
    "rows of the wrong shape": _edit(_bad_rows),
}


@pytest.mark.parametrize("damage", list(UNUSABLE))
def test_an_unusable_cache_means_reading_every_entry(tmp_path, settled, reads, damage):
    settings = synthetic_settings(tmp_path)
    folders = [write_episode(settings.episodes_dir, n) for n in (1, 2)]
    build(settings)
    fresh = read_catalogue(settings.episodes_dir)
    UNUSABLE[damage](settings.cache_dir / CACHE_FILE)
    reads.clear()
    cache = CatalogueCache(settings.cache_dir / CACHE_FILE, settings.episodes_dir)
    assert read_catalogue(settings.episodes_dir, None, cache) == fresh
    assert sorted(reads) == sorted(f.name for f in folders)
    assert sorted(cached_entries(settings)) == sorted(f.name for f in folders)  # made anew
    assert [p.name for p in settings.cache_dir.iterdir() if p.name.endswith(".part")] == []
