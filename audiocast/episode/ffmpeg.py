"""Running ffmpeg on raw mono 16-bit PCM held in numpy: the one place that starts ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterable

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


def run(arguments: list[str], samples: Samples, *, capture_samples: bool) -> np.ndarray | None:
    """Feed SAMPLES to `ffmpeg ARGUMENTS` on stdin; return the int16 samples it writes to stdout
    when CAPTURE_SAMPLES, else None. Raises AudiocastError with ffmpeg's message on failure."""
    command = [ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *arguments]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE if capture_samples else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    reader.start()
    writer = threading.Thread(target=_feed, args=(process, samples), daemon=True)
    writer.start()
    output = process.stdout.read() if capture_samples else b""
    writer.join()
    reader.join()
    if process.wait() != 0:
        message = b"".join(errors).decode(errors="replace").strip()
        raise AudiocastError(f"ffmpeg failed: {message or 'exit ' + str(process.returncode)}")
    return np.frombuffer(output, dtype=np.int16) if capture_samples else None


def _feed(process: subprocess.Popen, samples: Samples) -> None:
    chunks = [samples] if isinstance(samples, np.ndarray) else samples
    try:
        for chunk in chunks:
            view = memoryview(np.ascontiguousarray(chunk, dtype=np.int16)).cast("B")
            for begin in range(0, len(view), _CHUNK):
                process.stdin.write(view[begin : begin + _CHUNK])
        process.stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped early; its own message is reported
