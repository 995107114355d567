"""Running ffmpeg: samples fed from a thread, chunk by chunk, as they are read from the speech
cache. A chunk that cannot be read ends the run at once with one clear error, never a hang."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from audiocast.episode import ffmpeg
from audiocast.errors import AudiocastError

RATE = 22_050


def cached_chunks(folder: Path, count: int = 6) -> list[Path]:
    """COUNT half-second chunks of a tone, each in its own file, as the speech cache keeps takes."""
    folder.mkdir()
    tone = np.sin(2 * np.pi * 220 * np.arange(RATE // 2) / RATE) * 8000
    paths = []
    for number in range(count):
        path = folder / f"take-{number}.npy"
        np.save(path, (tone * (number + 1) / count).astype(np.int16))
        paths.append(path)
    return paths


def read_lazily(paths: list[Path], *, remove_after: int | None = None):
    """The chunks read one by one when ffmpeg wants them; after REMOVE_AFTER of them the whole
    cache folder is deleted, as someone cleaning the cache during a run would."""
    for number, path in enumerate(paths):
        if number == remove_after:
            shutil.rmtree(path.parent)
        yield np.load(path)


def mp3_arguments(out_path: Path) -> list[str]:
    """What encode.encode_mp3 asks of ffmpeg."""
    return [
        *ffmpeg.pcm_input(RATE),
        "-af", "anull,aresample=44100",
        "-ac", "1", "-ar", "44100",
        "-c:a", "libmp3lame", "-b:a", "64k", "-compression_level", "7",
        "-map_metadata", "-1", "-id3v2_version", "0", "-write_xing", "1",
        "-f", "mp3", str(out_path),
    ]  # fmt: skip


def pcm_arguments() -> list[str]:
    """What loudness.py asks of ffmpeg: filtered samples back on stdout."""
    return [*ffmpeg.pcm_input(RATE), "-af", "volume=0.5", "-f", "s16le", "-ac", "1", "pipe:1"]


def ffmpeg_children() -> list[int]:
    """This process's child processes that are ffmpeg, running or not yet reaped."""
    children = []
    for listing in Path("/proc/self/task").glob("*/children"):
        children += [int(pid) for pid in listing.read_text().split()]
    found = []
    for pid in children:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except FileNotFoundError:
            continue
        if name == "ffmpeg":
            found.append(pid)
    return found


def run_in_thread(arguments, samples, capture_samples):
    """ffmpeg.run in a thread of its own, waited for 20 s at most: a hang fails the test."""
    outcome: dict = {}

    def call():
        try:
            outcome["result"] = ffmpeg.run(arguments, samples, capture_samples=capture_samples)
        except BaseException as exc:
            outcome["error"] = exc

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    caller.join(timeout=20)
    assert not caller.is_alive(), "ffmpeg.run hangs"
    return outcome


@pytest.mark.parametrize("capture_samples", [False, True])
def test_a_chunk_that_cannot_be_read_ends_the_run_with_one_clear_error(tmp_path, capture_samples):
    paths = cached_chunks(tmp_path / "cache")
    arguments = pcm_arguments() if capture_samples else mp3_arguments(tmp_path / "out.mp3")
    threads_before = threading.active_count()

    outcome = run_in_thread(arguments, read_lazily(paths, remove_after=3), capture_samples)

    error = outcome.get("error")
    assert isinstance(error, AudiocastError), outcome
    message = str(error)
    assert message.startswith("cannot feed ffmpeg: [Errno 2] No such file or directory")
    assert str(paths[3]) in message and "\n" not in message
    assert isinstance(error.__cause__, FileNotFoundError)
    assert ffmpeg_children() == []  # killed and reaped
    assert threading.active_count() == threads_before  # its feeding threads are gone too


def test_chunks_fed_one_by_one_come_back_whole_and_ffmpeg_errors_are_its_own(tmp_path):
    paths = cached_chunks(tmp_path / "cache")
    original = np.concatenate([np.load(p) for p in paths])

    outcome = run_in_thread(pcm_arguments(), read_lazily(paths), True)
    assert len(outcome["result"]) == len(original)
    expected = (original.astype(np.float64) * 0.5).round()
    assert np.abs(outcome["result"] - expected).max() <= 1

    encoded = tmp_path / "out.mp3"
    assert run_in_thread(mp3_arguments(encoded), read_lazily(paths), False) == {"result": None}
    decode = ["-i", str(encoded), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "pipe:1"]
    decoded = ffmpeg.run(decode, original[:0], capture_samples=True)
    assert abs(len(decoded) - len(original)) <= 1152  # at most one MP3 frame of padding

    # ffmpeg stopping early (a filter it does not know) closes the pipe under the feed: what is
    # reported is ffmpeg's own message
    wrong = [*ffmpeg.pcm_input(RATE), "-af", "no-such-filter", "-f", "s16le", "pipe:1"]
    outcome = run_in_thread(wrong, np.tile(original, 40), True)
    assert isinstance(outcome.get("error"), AudiocastError), outcome
    assert str(outcome["error"]).startswith("ffmpeg failed: ")
    assert "no-such-filter" in str(outcome["error"])
    assert ffmpeg_children() == []
