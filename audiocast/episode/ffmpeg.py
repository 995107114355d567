"""Running ffmpeg on raw mono 16-bit PCM held in numpy: the one place that starts ffmpeg."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from typing import IO, Literal, overload

import numpy as np

from audiocast.errors import AudiocastError

_CHUNK = 1 << 20


def ffmpeg_path() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        raise AudiocastError("ffmpeg not found: apt-get install ffmpeg")
    return path


def pcm_input(rate: int) -> list[str]:
    return ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]


Samples = np.ndarray | Iterable[np.ndarray]  # int16 mono: one array, or chunks in order


@overload
def run(
    arguments: list[str], samples: Samples, *, capture_samples: Literal[True]
) -> np.ndarray: ...


@overload
def run(arguments: list[str], samples: Samples, *, capture_samples: Literal[False]) -> None: ...


def run(arguments: list[str], samples: Samples, *, capture_samples: bool) -> np.ndarray | None:
    """Feed SAMPLES to `ffmpeg ARGUMENTS` on stdin; return the int16 samples it writes to stdout
    when CAPTURE_SAMPLES, else None. Raises AudiocastError with ffmpeg's message on failure, and
    with what went wrong when the samples cannot be fed (a speech cache file gone, say): ffmpeg
    is then killed at once, as it would otherwise wait for the rest of its input forever."""
    command = [ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *arguments]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE if capture_samples else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stdin, stdout, stderr = process.stdin, process.stdout, process.stderr
    assert stdin is not None and stderr is not None  # both are pipes (above)
    errors: list[bytes] = []
    failures: list[tuple[str, BaseException]] = []  # (what the thread was doing, what it raised)
    reader = threading.Thread(
        target=_guarded,
        args=(
            process,
            failures,
            "read ffmpeg's messages",
            lambda: errors.append(stderr.read()),
        ),
        daemon=True,
    )
    writer = threading.Thread(
        target=_guarded,
        args=(process, failures, "feed ffmpeg", lambda: _feed(stdin, samples)),
        daemon=True,
    )
    try:
        reader.start()
        writer.start()
        output = stdout.read() if stdout is not None else b""
        writer.join()
        reader.join()
        process.wait()
    finally:
        if process.returncode is None:  # this thread was interrupted: stop ffmpeg, then its feed
            process.kill()
            process.wait()
            for thread in (writer, reader):
                if thread.is_alive():
                    thread.join()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
    if failures:
        doing, exc = failures[0]
        if isinstance(exc, AudiocastError):
            raise exc
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise AudiocastError(f"cannot {doing}: {reason}") from exc
    if process.returncode != 0:
        message = b"".join(errors).decode(errors="replace").strip()
        raise AudiocastError(f"ffmpeg failed: {message or 'exit ' + str(process.returncode)}")
    return np.frombuffer(output, dtype=np.int16) if capture_samples else None


def _guarded(
    process: subprocess.Popen,
    failures: list[tuple[str, BaseException]],
    doing: str,
    work: Callable[[], None],
) -> None:
    """WORK in a helper thread; if it raises, the error is kept for run() to report and ffmpeg is
    killed, which ends the other threads' reads and writes (a dead thread would leave them, and
    ffmpeg, waiting forever)."""
    try:
        work()
    except BaseException as exc:  # reported by run(), in the calling thread
        failures.append((doing, exc))
        with contextlib.suppress(OSError):
            process.kill()


def _feed(stdin: IO[bytes], samples: Samples) -> None:
    chunks = [samples] if isinstance(samples, np.ndarray) else samples
    for chunk in chunks:  # may raise (the chunks are read lazily from the speech cache): _guarded
        view = np.ascontiguousarray(chunk, dtype=np.int16).data.cast("B")
        for begin in range(0, len(view), _CHUNK):
            try:
                stdin.write(view[begin : begin + _CHUNK])
            except BrokenPipeError:
                return  # ffmpeg stopped early; its own message is reported
    with contextlib.suppress(BrokenPipeError):
        stdin.close()
