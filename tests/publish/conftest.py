"""Stores to publish: a real one (two short articles through the whole pipeline, once per
session) and synthetic ones (episode.json files only) for the many-episode cases."""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from audiocast.config import Settings, Show
from audiocast.pipeline import Pipeline
from audiocast.publish.build import build
from audiocast.publish.serve import make_server, server_url
from tests.conftest import ARTICLES, make_settings

BASE_URL = "https://podcasts.example.com/"
SHOWS = (
    Show(
        slug="politika",
        title="Minval Politika",
        description="Все статьи Minval, вслух.",
        author="Minval",
        owner_name="Редакция Minval",
        owner_email="podcast@minval.az",
        apple_url="https://podcasts.apple.com/az/podcast/id1",
    ),
    Show(
        slug="economy",
        title="Minval: экономика",
        description="Статьи об экономике.",
        author="Minval",
        owner_email="podcast@minval.az",
        category="News",
        subcategory="Business News",
        categories=("Экономика",),
        spotify_url="https://open.spotify.com/show/1",
    ),
)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Settings:
    """Two real episodes (MP3, transcript, chapters) made by the pipeline, then built."""
    root = tmp_path_factory.mktemp("real-site")
    settings = make_settings(root, base_url=BASE_URL, shows=SHOWS)
    pipeline = Pipeline(settings)
    for article in ("short-news.json", "plain-note.txt"):
        pipeline.make_episode(str(ARTICLES / article))
    build(settings)
    return settings


@pytest.fixture
def real_copy(real_site: Settings, tmp_path: Path) -> Settings:
    """The real site in a folder of the test's own, to change freely."""
    episodes = tmp_path / "episodes"
    shutil.copytree(real_site.episodes_dir, episodes)
    return dataclasses.replace(
        real_site, root=tmp_path, episodes_dir=episodes, public_dir=tmp_path / "public"
    )


def synthetic_settings(root: Path, **changes) -> Settings:
    defaults = {"base_url": BASE_URL, "shows": SHOWS[:1], "page_size": 10, "feed_limit": 10}
    return make_settings(root, **{**defaults, **changes})


def write_episode(episodes_dir: Path, number: int, **fields) -> Path:
    """One synthetic stored episode: episode.json and its audio (FIELDS' `audio`, else a few
    bytes that begin like an MP3 file; None: no audio file), its audio_bytes set to match.
    Number N is published N hours after a fixed start, so a higher number is newer."""
    published = datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=4)))
    published += timedelta(hours=number)
    episode_id = f"{number:016x}"
    info = {
        "guid": f"00000000-0000-5000-8000-{number:012x}",
        "episode_id": episode_id,
        "title": f"Выпуск номер {number}",
        "author": "Редакция",
        "show": "Minval Politika",
        "published": published.isoformat(),
        "category": "Политика",
        "tags": [],
        "url": f"https://minval.az/news/{number}",
        "language": "ru",
        "description": f"Описание выпуска {number}.",
        "voice": "ru-espeak",
        "duration": 60.0 + number,
        "audio_file": "episode.mp3",
        "audio_bytes": 0,  # the audio's real size, below
        "bitrate_kbps": 64,
        "loudness_lufs": -16.0,
        "true_peak_dbtp": -1.0,
        "chapters": [{"start": 0.0, "end": 60.0 + number, "title": "Вступление"}],
        "source": f"synthetic-{number}.md",
        "generator": "audiocast test",
    }
    audio = fields.pop("audio", b"ID3" + bytes(number % 251 for _ in range(97)))
    info["audio_bytes"] = len(audio or b"")
    info.update(fields)
    folder = episodes_dir / episode_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "episode.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    if audio is not None:
        (folder / "episode.mp3").write_bytes(audio)
    return folder


class Servers:
    """`audiocast serve`'s server for folders, each on its own free port (so each is its own
    origin); all stopped by stop()."""

    def __init__(self) -> None:
        self.running = []

    def __call__(self, folder: Path) -> str:
        server = make_server(folder, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self.running.append(server)
        return server_url(server)

    def stop(self) -> None:
        for server in self.running:
            server.shutdown()
            server.server_close()


@pytest.fixture
def serve_folder():
    """Start a server for a folder; stopped after the test."""
    servers = Servers()
    yield servers
    servers.stop()


def public_text(public: Path) -> str:
    """Every file under PUBLIC, paths included, as one text (binary files as latin-1)."""
    parts = []
    for path in sorted(public.rglob("*")):
        parts.append(str(path.relative_to(public)))
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)
