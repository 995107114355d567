"""Atomic episodes: an interrupted run never leaves a half-written episode or a broken store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audiocast.episode.store import COMMIT_LOCK_FILE, EpisodeStore
from tests.conftest import ARTICLES


def test_commit_replaces_an_episode_and_recovery_restores_one_caught_between_renames(tmp_path):
    store = EpisodeStore(tmp_path / "episodes")
    first = store.staging("abc")
    (first / "episode.json").write_text('{"v": 1}')
    store.commit(first, "abc")
    second = store.staging("abc")
    (second / "episode.json").write_text('{"v": 2}')
    store.commit(second, "abc")
    assert store.info("abc") == {"v": 2}
    assert store.episode_ids() == ["abc"]

    # a run that died after moving the old folder aside but before moving the new one in
    os.replace(tmp_path / "episodes" / "abc", tmp_path / "episodes" / ".old-abc")
    assert EpisodeStore(tmp_path / "episodes").info("abc") == {"v": 2}


def test_dead_runs_staging_folders_are_cleaned_and_never_listed(tmp_path):
    folder = tmp_path / "episodes"
    folder.mkdir()
    dead = folder / ".staging-abc-999999999"
    dead.mkdir()
    (dead / "episode.mp3").write_bytes(b"half")
    store = EpisodeStore(folder)
    assert not dead.exists()
    assert store.episode_ids() == []


@pytest.mark.slow
def test_killing_a_run_mid_episode_leaves_the_previous_episode_whole(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "audiocast.toml").write_text('timezone = "Asia/Baku"\n')
    article = site / "article.md"
    article.write_text((ARTICLES / "minval-baku-kiev.md").read_text(encoding="utf-8"))
    command = [sys.executable, "-m", "audiocast", "--site", str(site), "episode", str(article)]
    subprocess.run(command, check=True, capture_output=True)
    episodes = site / "episodes"
    (episode_id,) = [p.name for p in episodes.iterdir() if not p.name.startswith(".")]
    before = {p.name: p.read_bytes() for p in (episodes / episode_id).iterdir()}

    # an edited article, and the run making its new episode killed while it is staged
    article.write_text(article.read_text(encoding="utf-8").replace("энергетика", "экономика"))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".staging-") for p in episodes.iterdir()):
        assert process.poll() is None, "the run ended before it was interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()

    after = {p.name: p.read_bytes() for p in (episodes / episode_id).iterdir()}
    assert after == before
    # the next run completes, cleans up, and replaces the episode under the same GUID
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    assert result.stdout.startswith(str(episodes / episode_id))
    assert [p.name for p in episodes.iterdir() if p.name.startswith(".")] == [COMMIT_LOCK_FILE]
    info = json.loads((episodes / episode_id / "episode.json").read_text(encoding="utf-8"))
    assert (episodes / episode_id / "episode.mp3").stat().st_size == info["audio_bytes"]
    assert Path(info["source"]).name == "article.md"


# One writer: commits staging folders for the same episode in a loop, each holding files that
# name it and its round; the store is opened afresh each round, as each `audiocast episode` does.
_WRITER = """
import sys, time
from pathlib import Path
from audiocast.episode.store import COMMIT_LOCK_FILE, EpisodeStore
folder, writer, rounds, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not start.exists():
    time.sleep(0.001)
for number in range(rounds):
    store = EpisodeStore(folder)
    staging = store.staging("abc")
    for part in range(8):
        (staging / f"part-{part}.txt").write_text(f"{writer} {number}")
    (staging / "episode.json").write_text(f'{{"writer": "{writer}", "round": {number}}}')
    store.commit(staging, "abc")
"""


def test_runs_committing_the_same_episode_at_once_leave_one_whole_episode(tmp_path):
    folder = tmp_path / "episodes"
    start = tmp_path / "start"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(folder), f"w{n}", "60", str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    time.sleep(0.5)  # every writer started and waiting: then all at once
    start.touch()
    results = [(w.wait(timeout=60), w.stderr.read()) for w in writers]
    assert results == [(0, "")] * len(writers)

    store = EpisodeStore(folder)
    assert store.episode_ids() == ["abc"]
    contents = {p.name: p.read_text() for p in (folder / "abc").iterdir()}
    assert sorted(contents) == ["episode.json"] + [f"part-{n}.txt" for n in range(8)]
    info = store.info("abc")
    assert {contents[f"part-{n}.txt"] for n in range(8)} == {f"{info['writer']} {info['round']}"}
    assert info["round"] == 59  # the last round of whichever writer committed last
    leftovers = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    assert leftovers == [COMMIT_LOCK_FILE]
