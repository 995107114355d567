"""MP3 encoding: constant bit rate, 44.1 kHz mono, no tags (mutagen writes those)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from audiocast.episode import ffmpeg
from audiocast.episode.filters import BiquadCascade

OUTPUT_RATE = 44_100


def encode_mp3(
    samples: ffmpeg.Samples, rate: int, out_path: Path, *, dynamics: str, bitrate_kbps: int
) -> None:
    """Encode SAMPLES (mono int16 at RATE, one array or chunks) to OUT_PATH through the
    DYNAMICS filter chain (gain, compressor, limiter: see loudness.dynamics_filters), then
    resampled to 44.1 kHz."""
    filters = f"{dynamics},aresample={OUTPUT_RATE}"
    arguments = [
        *ffmpeg.pcm_input(rate),
        "-af", filters,
        "-ac", "1", "-ar", str(OUTPUT_RATE),
        "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
        # LAME quality 7 encodes twice as fast as the default, with no audible loss on speech
        "-compression_level", "7",
        "-map_metadata", "-1", "-id3v2_version", "0", "-write_xing", "1",
        "-f", "mp3", str(out_path),
    ]  # fmt: skip
    ffmpeg.run(arguments, samples, capture_samples=False)


_PROBE_SECONDS = 4
_PROBE_VERSION = 1


def codec_gain_db(bitrate_kbps: int, cache_dir: Path) -> float:
    """How much louder (usually: quieter) speech comes out of the MP3 encoder than it went in.

    LAME through ffmpeg returns audio about 0.4 dB quieter at every frequency, whatever the bit
    rate. The figure is measured once on a probe of shaped noise, encoded and decoded with the
    same settings as episodes, and kept per ffmpeg build and bit rate in CACHE_DIR and in the
    user's cache folder: it belongs to the machine, not the site, so a new site folder does not
    pay the probe (a third of a second) again.
    """
    binary = Path(ffmpeg.ffmpeg_path()).resolve()
    stat = binary.stat()
    key = f"v{_PROBE_VERSION}|{binary}|{stat.st_size}|{stat.st_mtime_ns}|{bitrate_kbps}"
    record = cache_dir / "codec-gain.json"
    known = _read_json(record)
    if key in known:
        return float(known[key])
    machine = _machine_record()
    measured = _read_json(machine) if machine else {}
    gain = float(measured[key]) if key in measured else _measure_codec_gain(bitrate_kbps)
    _write_record(record, {**known, key: gain})
    if machine and key not in measured:
        with contextlib.suppress(OSError):  # only a cache: a read-only home is no error
            _write_record(machine, {**measured, key: gain})
    return gain


def _machine_record() -> Path | None:
    """$XDG_CACHE_HOME/audiocast/codec-gain.json (~/.cache by default); None without a home."""
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        folder = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no HOME and no passwd entry
        return None
    return folder / "audiocast" / "codec-gain.json"


def _write_record(record: Path, values: dict) -> None:
    record.parent.mkdir(parents=True, exist_ok=True)
    temp = record.with_suffix(f".{os.getpid()}.part")
    temp.write_text(json.dumps(values, indent=1), encoding="utf-8")
    os.replace(temp, record)


def _measure_codec_gain(bitrate_kbps: int, rate: int = OUTPUT_RATE) -> float:
    from audiocast.episode.loudness import integrated_loudness

    # noise shaped like speech (energy falling above 1 kHz), at a speech-like level
    noise = np.random.default_rng(7).standard_normal(rate * _PROBE_SECONDS)
    one_pole = BiquadCascade([((0.3, 0.0, 0.0), (1.0, -0.7, 0.0))])  # 0.3 / (1 − 0.7 z⁻¹)
    shaped, _ = one_pole.filter(noise, one_pole.initial_state())
    probe = np.clip(shaped / np.abs(shaped).max() * 8000, -32768, 32767).astype(np.int16)
    with tempfile.TemporaryDirectory() as folder:
        encoded = Path(folder) / "probe.mp3"
        encode_mp3(probe, rate, encoded, dynamics="anull", bitrate_kbps=bitrate_kbps)
        decoded = ffmpeg.run(
            ["-i", str(encoded), "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"],
            probe[:0],
            capture_samples=True,
        )
    return integrated_loudness(decoded, rate) - integrated_loudness(probe, rate)


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, unreadable or damaged: measured again
        return {}
    return value if isinstance(value, dict) else {}
