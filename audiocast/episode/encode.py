"""MP3 encoding: constant bit rate, 44.1 kHz mono, no tags (mutagen writes those).

LAME is single-threaded and is most of an episode's making (a second and a half for five
minutes of speech on this machine), so an episode long enough is encoded as two parts on two
cores, cut in a pause between sentences, and joined without a gap: see `find_seam`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiocast.episode import ffmpeg
from audiocast.episode.audio import ClipLoader, Timeline
from audiocast.episode.filters import BiquadCascade
from audiocast.episode.mp3join import join_parts
from audiocast.files import write_atomically

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


# A second encoder costs a process start (0.1 s) and its share of the work: worth it past a
# minute.
_SPLIT_MIN_SECONDS = 60.0
# The seam lies this long after speech stops, when the compressor (release 120 ms) and the
# limiter (60 ms) have let go, so the second part starting from rest sounds the same ...
_SEAM_AFTER_SPEECH_SECONDS = 0.2
# ... and the second part starts this long before speech resumes (the limiter looks 3 ms
# ahead; the resampler's filter is shorter still).
_SEAM_BEFORE_SPEECH_SECONDS = 0.05
_LAME_FRAME = 1152  # samples per MPEG-1 Layer III frame
# LAME starts each stream with 576 samples of encoder delay and the decoder adds 529: the
# first 1105 decoded samples of every stream are priming, which the LAME tag tells decoders
# to drop at the start of the file (see Seam).


@dataclass(frozen=True)
class Seam:
    """Where an episode is cut for two encoders, in samples of the episode (at its own rate).

    The first part is the episode up to FIRST_STOP; LAME makes it FIRST_FRAMES frames,
    priming and end padding included. Joined, the second part's frames follow those, so its
    own priming covers FIRST_FRAMES × 1152 − 1105 … FIRST_FRAMES × 1152 of the result, and
    its first sample, SECOND_START of the episode, decodes at output sample
    FIRST_FRAMES × 1152: the silence between FIRST_STOP and SECOND_START is made by the
    first part's padding and the second part's priming instead of by samples."""

    first_stop: int
    second_start: int
    first_frames: int


def find_seam(silences: list[tuple[int, int]], length: int, rate: int) -> Seam | None:
    """A seam in one of SILENCES ([start, stop) pauses of an episode of LENGTH samples at
    RATE) near the middle, or None when the episode is short or no pause near the middle is
    long enough."""
    if length < _SPLIT_MIN_SECONDS * rate:
        return None
    # first_stop samples at RATE must make a whole number of output samples
    step = rate // math.gcd(rate, OUTPUT_RATE)
    after = int(_SEAM_AFTER_SPEECH_SECONDS * rate)
    before = int(_SEAM_BEFORE_SPEECH_SECONDS * rate)
    middle = length / 2
    for start, stop in sorted(silences, key=lambda gap: abs((gap[0] + gap[1]) / 2 - middle)):
        if not length / 4 <= start <= 3 * length / 4:
            break  # the nearest pauses are too far from the middle to halve the work
        if start == 0 or stop == length:
            continue  # before the jingle or after the end: nothing to cut
        first_stop = math.ceil((start + after) / step) * step
        first_frames = math.ceil(first_stop * OUTPUT_RATE // rate / _LAME_FRAME) + 1
        second_start = math.ceil(first_frames * _LAME_FRAME * rate / OUTPUT_RATE)
        if second_start + before <= stop:
            return Seam(first_stop, second_start, first_frames)
    return None


def encode_timeline_mp3(
    timeline: Timeline,
    load: ClipLoader,
    out_path: Path,
    *,
    dynamics: str,
    bitrate_kbps: int,
    encoders: int = 2,
) -> None:
    """The episode TIMELINE (clips read through LOAD) encoded to OUT_PATH as encode_mp3 does;
    with two ENCODERS, a long one as two parts on two cores, joined at a pause (find_seam).
    The joined file decodes to the same samples, at the same positions, as one encoder's."""
    seam = find_seam(timeline.silences(), timeline.length, timeline.rate) if encoders > 1 else None
    if seam is None:
        encode_mp3(timeline.chunks(load), timeline.rate, out_path,
                   dynamics=dynamics, bitrate_kbps=bitrate_kbps)  # fmt: skip
        return
    rate = timeline.rate
    with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=".parts-") as folder:
        parts = [Path(folder) / "part-1.mp3", Path(folder) / "part-2.mp3"]
        pieces = [
            timeline.chunks(load, 0, seam.first_stop),
            timeline.chunks(load, seam.second_start),
        ]

        def encode_part(index: int) -> None:
            encode_mp3(pieces[index], rate, parts[index],
                       dynamics=dynamics, bitrate_kbps=bitrate_kbps)  # fmt: skip

        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="encode") as pool:
            for done in [pool.submit(encode_part, index) for index in (0, 1)]:
                done.result()
        if lame_tag_frames(parts[0]) != seam.first_frames:
            # another LAME than the one find_seam knows: one encoder, slower but exact
            encode_mp3(timeline.chunks(load), rate, out_path,
                       dynamics=dynamics, bitrate_kbps=bitrate_kbps)  # fmt: skip
            return
        join_parts(parts[0], parts[1], out_path)


def lame_tag_frames(path: Path) -> int | None:
    """The frame count in the Xing/Info tag at the start of the MP3 at PATH (None if none)."""
    with path.open("rb") as file:
        head = file.read(4096)
    for marker in (b"Info", b"Xing"):
        at = head.find(marker)
        if at >= 0 and len(head) >= at + 12 and head[at + 7] & 1:  # flag: frame count present
            return int.from_bytes(head[at + 8 : at + 12], "big")
    return None


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
    write_atomically(record, json.dumps(values, indent=1).encode("utf-8"))


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
