"""The numpy biquad cascade against scipy's lfilter (what loudness used before: importing
scipy.signal took 0.7–0.9 s of every command's start), and K-weighting against pyloudnorm's."""

from __future__ import annotations

import numpy as np
import pytest

from audiocast.episode.filters import BiquadCascade
from audiocast.episode.loudness import integrated_loudness, k_weighting


# the references are imported by the tests that use them, not by every xdist worker that only
# collects this file (scipy.signal and pyloudnorm take about a second)
def lfilter(b, a, x) -> np.ndarray:
    from scipy.signal import lfilter as scipy_lfilter

    return scipy_lfilter(b, a, x)


def _pyloudnorm_k_weighting(rate: int) -> tuple[np.ndarray, np.ndarray]:
    import pyloudnorm

    shelf = pyloudnorm.IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf")
    high_pass = pyloudnorm.IIRfilter(0.0, 0.5, 38.0, rate, "high_pass")
    return np.convolve(shelf.b, high_pass.b), np.convolve(shelf.a, high_pass.a)


def _speech_like(rate: int, seconds: float, seed: int = 1) -> np.ndarray:
    """Noise under a syllable-rate envelope, with pauses and a DC offset: int16."""
    rng = np.random.default_rng(seed)
    count = int(rate * seconds)
    envelope = np.abs(np.sin(np.arange(count) * 2 * np.pi * 4 / rate)) ** 2
    envelope[(np.arange(count) // rate) % 7 == 6] = 0.0  # a silent second now and then
    signal = rng.standard_normal(count) * envelope * 6000 + 300
    return np.clip(signal, -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("rate", [16_000, 22_050, 24_000, 44_100, 48_000])
def test_k_weighting_is_lfilter_with_pyloudnorm_s_filters(rate):
    samples = _speech_like(rate, 20.0)
    b, a = _pyloudnorm_k_weighting(rate)
    expected = lfilter(b, a, samples / 32768.0)
    k_filter = k_weighting(rate)
    weighted, _ = k_filter.filter(samples, k_filter.initial_state(), scale=1 / 32768.0)
    assert weighted.shape == expected.shape
    assert np.abs(weighted - expected).max() < 1e-9


def test_state_carries_across_pieces_of_any_length():
    rate = 22_050
    samples = _speech_like(rate, 30.0, seed=2)
    b, a = _pyloudnorm_k_weighting(rate)
    expected = lfilter(b, a, samples / 32768.0)
    k_filter = k_weighting(rate)
    state, pieces, begin = k_filter.initial_state(), [], 0
    lengths = [1, 7, 31, 32, 33, 64, 1000, 12_345, 100_000, 0, 250_000]
    while begin < len(samples):
        length = lengths[len(pieces) % len(lengths)]
        piece, state = k_filter.filter(samples[begin : begin + length], state, scale=1 / 32768.0)
        pieces.append(piece)
        begin += length
    assert np.abs(np.concatenate(pieces) - expected).max() < 1e-9


def test_any_cascade_of_sections_matches_lfilter():
    rng = np.random.default_rng(5)
    noise = rng.standard_normal(70_000)
    sections = [((0.3, 0.0, 0.0), (1.0, -0.7, 0.0)), ((1.0, -1.2, 0.5), (2.0, -1.0, 0.3))]
    cascade = BiquadCascade(sections)
    expected = lfilter([0.3], [1.0, -0.7], noise)
    expected = lfilter([1.0, -1.2, 0.5], [2.0, -1.0, 0.3], expected)
    result, state = cascade.filter(noise, cascade.initial_state())
    assert np.abs(result - expected).max() < 1e-10
    assert state.shape == (4,)


def test_integrated_loudness_agrees_with_lfilter_to_a_billionth_of_a_lu():
    rate = 44_100
    samples = _speech_like(rate, 60.0, seed=3)
    b, a = _pyloudnorm_k_weighting(rate)
    weighted = lfilter(b, a, samples / 32768.0)
    sub = rate // 10
    whole = len(weighted) - len(weighted) % sub
    energies = np.square(weighted[:whole]).reshape(-1, sub).mean(axis=1)
    blocks = (energies[:-3] + energies[1:-2] + energies[2:-1] + energies[3:]) / 4.0
    loudness = -0.691 + 10 * np.log10(blocks)
    gated = blocks[loudness >= -70.0]
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    expected = -0.691 + 10 * np.log10(blocks[(loudness >= -70.0) & (loudness > relative)].mean())
    assert integrated_loudness(samples, rate) == pytest.approx(expected, abs=1e-9)
