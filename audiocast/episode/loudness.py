"""Integrated loudness (ITU-R BS.1770-4, as EBU R128 and podcast platforms measure it).

The K-weighting filters are pyloudnorm's design (the two biquads of the RBJ cookbook: a +4 dB
high shelf at 1500 Hz and a 38 Hz high pass). pyloudnorm's own `integrated_loudness` loops over
blocks in Python and needs the whole episode as float64 (0.3 s for five minutes of speech, about
270 MB for half an hour), and importing it (or scipy.signal, for lfilter) costs 0.7–0.9 s; here
the filters run over the int16 samples in chunks through filters.BiquadCascade (numpy, exact),
and the gating works on 100 ms sub-block energies with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from audiocast.episode import ffmpeg
from audiocast.episode.filters import BiquadCascade

_CHUNK_SECONDS = 5
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
_SILENCE_LUFS = -120.0


def integrated_loudness(samples: ffmpeg.Samples, rate: int) -> float:
    """LUFS of mono int16 SAMPLES (one array, or chunks in order); −120 for silence or audio
    shorter than one 400 ms block."""
    energies = _subblock_energies(samples, rate)
    if len(energies) < 4:
        return _SILENCE_LUFS
    # 400 ms blocks overlapping by 75 %: four consecutive 100 ms sub-blocks each
    blocks = (energies[:-3] + energies[1:-2] + energies[2:-1] + energies[3:]) / 4.0
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10.0 * np.log10(blocks)
    gated = blocks[loudness >= _ABSOLUTE_GATE_LUFS]
    if gated.size == 0:
        return _SILENCE_LUFS
    relative_gate = -0.691 + 10.0 * math.log10(gated.mean()) + _RELATIVE_GATE_LU
    final = blocks[(loudness >= _ABSOLUTE_GATE_LUFS) & (loudness > relative_gate)]
    return -0.691 + 10.0 * math.log10(final.mean())


def _subblock_energies(samples: ffmpeg.Samples, rate: int) -> np.ndarray:
    """Mean square of the K-weighted signal in each whole 100 ms sub-block."""
    k_filter = k_weighting(rate)
    state = k_filter.initial_state()
    sub = rate // 10
    energies: list[np.ndarray] = []
    carry = np.zeros(0)  # filtered samples not yet making a whole sub-block
    for chunk in _pieces(samples):
        weighted, state = k_filter.filter(chunk, state, scale=1 / 32768.0)
        weighted = np.concatenate([carry, weighted]) if len(carry) else weighted
        whole = len(weighted) - len(weighted) % sub
        energies.append(np.square(weighted[:whole]).reshape(-1, sub).mean(axis=1))
        carry = weighted[whole:]
    return np.concatenate(energies) if energies else np.zeros(0)


@lru_cache(maxsize=8)
def k_weighting(rate: int) -> BiquadCascade:
    """BS.1770's K-weighting at RATE: the "pre-filter" (a +4 dB high shelf, the head's effect)
    then the "RLB" high pass, designed as pyloudnorm designs them (RBJ cookbook biquads)."""
    return BiquadCascade(
        [
            _rbj_biquad("high_shelf", 4.0, 1 / math.sqrt(2), 1500.0, rate),
            _rbj_biquad("high_pass", 0.0, 0.5, 38.0, rate),
        ]
    )


def _rbj_biquad(kind: str, gain_db: float, q: float, frequency: float, rate: int):
    """(b, a) of a high shelf or high pass from R. Bristow-Johnson's Audio EQ Cookbook."""
    big_a = 10 ** (gain_db / 40.0)
    w0 = 2.0 * math.pi * frequency / rate
    cos_w0 = math.cos(w0)
    alpha = math.sin(w0) / (2.0 * q)
    if kind == "high_shelf":
        root = 2 * math.sqrt(big_a) * alpha
        b = (
            big_a * ((big_a + 1) + (big_a - 1) * cos_w0 + root),
            -2 * big_a * ((big_a - 1) + (big_a + 1) * cos_w0),
            big_a * ((big_a + 1) + (big_a - 1) * cos_w0 - root),
        )
        a = (
            (big_a + 1) - (big_a - 1) * cos_w0 + root,
            2 * ((big_a - 1) - (big_a + 1) * cos_w0),
            (big_a + 1) - (big_a - 1) * cos_w0 - root,
        )
    else:  # high pass
        b = ((1 + cos_w0) / 2, -(1 + cos_w0), (1 + cos_w0) / 2)
        a = (1 + alpha, -2 * cos_w0, 1 - alpha)
    return b, a


def _pieces(samples: ffmpeg.Samples):
    """Chunks of at most 5 s at 48 kHz, whatever came in: the float64 copies the filter makes
    stay a few megabytes (at 30 s they added 45 MiB to the peak of a 13-minute episode)."""
    chunks = [samples] if isinstance(samples, np.ndarray) else samples
    step = _CHUNK_SECONDS * 48_000
    for chunk in chunks:
        for begin in range(0, len(chunk), step):
            yield chunk[begin : begin + step]


@dataclass(frozen=True)
class Levelling:
    """The gain that brings an episode to its target through dynamics_filters()."""

    gain_db: float
    measured_before: float  # LUFS of the assembled speech
    predicted_lufs: float  # LUFS of the calibration excerpt after the filters
    passes: int


_TOLERANCE_LU = 0.2
_MAX_PASSES = 5
_FIRST_SLOPE = 0.7  # dB of loudness per dB of gain once the compressor and limiter work
_BRACKET_DB = (2.0, 7.0)  # compressing and limiting speech to −16 LUFS usually costs 3–5 dB
_EXCERPT_SECONDS = 40.0
_WINDOW_SECONDS = 3.0


def dynamics_filters(gain_db: float, ceiling_dbfs: float) -> str:
    """The ffmpeg filter chain that levels speech: gain, a gentle compressor, a limiter."""
    limit = 10 ** (ceiling_dbfs / 20)
    return ",".join(
        [
            f"volume={gain_db:.3f}dB:precision=double",
            # 2:1 above −9 dBFS evens out stressed syllables, so the limiter has less to do
            "acompressor=threshold=0.35:ratio=2:attack=5:release=120:detection=peak",
            f"alimiter=limit={limit:.4f}:attack=3:release=60:level=disabled:latency=1",
        ]
    )


def calibrate(
    before_lufs: float | Callable[[], float],
    excerpt: np.ndarray,
    rate: int,
    target_lufs: float,
    ceiling_dbfs: float,
    codec_gain_db: float = 0.0,
) -> Levelling:
    """Find the gain that brings an episode measuring BEFORE_LUFS to TARGET_LUFS through
    dynamics_filters() and then an encoder that changes loudness by CODEC_GAIN_DB.

    Speech peaks sit 20 dB or more above its loudness: reaching −16 LUFS under a −2 dBFS
    ceiling means compressing and limiting, which lowers the loudness again, so the gain is
    found by measuring. Passes run the filters in ffmpeg on EXCERPT (see excerpt_windows) and
    measure it: two in parallel at gains that usually bracket the answer, which is then
    interpolated; otherwise more passes follow the secant of (gain, loudness) until within
    0.2 LU. The encoder applies the same filters to the whole episode once.

    BEFORE_LUFS may be a function that measures it: it is then called while the first two
    passes run in ffmpeg (the passes need only the excerpt's loudness).
    """
    excerpt_lufs = reference = integrated_loudness(excerpt, rate)
    if excerpt_lufs <= _SILENCE_LUFS:  # the windows fell in silence: the whole decides
        reference = before_lufs = _value(before_lufs)
        if before_lufs <= _SILENCE_LUFS:
            return Levelling(0.0, before_lufs, before_lufs, 0)
    # Two passes in parallel at gains that bracket what limiting usually costs; when the aim
    # lies between their results, interpolating is accurate to a few hundredths of a LU.
    first = target_lufs - reference
    gains = (first + _BRACKET_DB[0], first + _BRACKET_DB[1])
    with ThreadPoolExecutor(max_workers=2) as pool:
        passes = [pool.submit(_measure, excerpt, rate, g, ceiling_dbfs) for g in gains]
        before_lufs = _value(before_lufs)
        measured = [done.result() for done in passes]
    # the excerpt is louder or quieter than the whole by about what it was before processing
    offset = before_lufs - excerpt_lufs
    aim = target_lufs - codec_gain_db - offset
    (g0, l0), (g1, l1) = points = list(zip(gains, measured, strict=True))
    if min(l0, l1) <= aim <= max(l0, l1) and l0 != l1:
        gain = g0 + (aim - l0) * (g1 - g0) / (l1 - l0)
        return Levelling(gain, before_lufs, target_lufs, len(points))
    points.sort(key=lambda point: abs(point[1] - aim), reverse=True)
    gain, loudness = points[-1]
    while abs(loudness - aim) > _TOLERANCE_LU and len(points) < _MAX_PASSES:
        gain += (aim - loudness) / _slope(points)
        loudness = _measure(excerpt, rate, gain, ceiling_dbfs)
        points.append((gain, loudness))
    predicted = loudness + offset + codec_gain_db
    return Levelling(gain, before_lufs, predicted, len(points))


def _value(figure: float | Callable[[], float]) -> float:
    return figure() if callable(figure) else figure


def _measure(excerpt: np.ndarray, rate: int, gain_db: float, ceiling_dbfs: float) -> float:
    return integrated_loudness(_apply(excerpt, rate, gain_db, ceiling_dbfs), rate)


def _slope(points: list[tuple[float, float]]) -> float:
    """dB of loudness per dB of gain: the secant of the last two passes, within sane bounds."""
    if len(points) < 2:
        return _FIRST_SLOPE
    (g0, l0), (g1, l1) = points[-2], points[-1]
    if g1 == g0 or l1 == l0:
        return _FIRST_SLOPE
    return min(max((l1 - l0) / (g1 - g0), 0.1), 1.0)


def excerpt_windows(length: int, rate: int) -> list[tuple[int, int]]:
    """Evenly spaced windows covering 40 seconds, as (start, stop) sample positions: loudness
    of speech is steady enough that this measures within a few tenths of a LU of the whole,
    at a fraction of the cost."""
    if length <= _EXCERPT_SECONDS * rate:
        return [(0, length)]
    window = int(_WINDOW_SECONDS * rate)
    count = int(_EXCERPT_SECONDS / _WINDOW_SECONDS)
    return [(int(s), int(s) + window) for s in np.linspace(0, length - window, count)]


def _apply(samples: np.ndarray, rate: int, gain_db: float, ceiling_dbfs: float) -> np.ndarray:
    filters = dynamics_filters(gain_db, ceiling_dbfs)
    arguments = [*ffmpeg.pcm_input(rate), "-af", filters, "-f", "s16le", "pipe:1"]
    return ffmpeg.run(arguments, samples, capture_samples=True)
