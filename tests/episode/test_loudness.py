from __future__ import annotations

import numpy as np
import pytest

from audiocast.episode.loudness import (
    calibrate,
    dynamics_filters,
    excerpt_windows,
    integrated_loudness,
)
from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.voices import load_voices


@pytest.fixture(scope="module")
def speech() -> tuple[np.ndarray, int]:
    voice = load_voices()["ru-espeak"]
    engine = EspeakEngine()
    text = [
        "Отношения между Азербайджаном и Украиной приобрели динамичный характер.",
        "Ключевой сферой взаимодействия становится энергетика.",
        "Украина уже начала использовать Трансбалканский маршрут для импорта газа.",
    ] * 8
    takes = [engine.synthesize(sentence, voice) for sentence in text]
    silence = np.zeros(int(0.4 * takes[0].rate), np.int16)
    return np.concatenate([part for t in takes for part in (t.samples, silence)]), takes[0].rate


def test_integrated_loudness_agrees_with_pyloudnorm(speech):
    import pyloudnorm  # here, not when a worker collects the file: it imports scipy

    samples, rate = speech
    reference = pyloudnorm.Meter(rate).integrated_loudness(samples / 32768.0)
    assert integrated_loudness(samples, rate) == pytest.approx(reference, abs=0.01)


def test_chunked_input_measures_the_same(speech):
    samples, rate = speech
    chunks = [samples[i : i + 12_345] for i in range(0, len(samples), 12_345)]
    assert integrated_loudness(iter(chunks), rate) == pytest.approx(
        integrated_loudness(samples, rate), abs=1e-9
    )


def test_silence_and_tiny_input_are_minus_120():
    assert integrated_loudness(np.zeros(22050, np.int16), 22050) == -120.0
    assert integrated_loudness(np.ones(100, np.int16), 22050) == -120.0


def test_calibrated_gain_reaches_the_target_on_the_whole_signal(speech):
    from audiocast.episode import ffmpeg

    samples, rate = speech
    excerpt = np.concatenate([samples[a:b] for a, b in excerpt_windows(len(samples), rate)])
    assert len(excerpt) < len(samples)  # a real excerpt: the speech is over 40 s long
    levelling = calibrate(integrated_loudness(samples, rate), excerpt, rate, -16.0, -2.0)
    processed = ffmpeg.run(
        [*ffmpeg.pcm_input(rate), "-af", dynamics_filters(levelling.gain_db, -2.0),
         "-f", "s16le", "pipe:1"],
        samples, capture_samples=True,
    )  # fmt: skip
    assert integrated_loudness(processed, rate) == pytest.approx(-16.0, abs=0.5)
    assert np.abs(processed.astype(np.int32)).max() <= 32768 * 10 ** (-2.0 / 20) * 1.01
    assert levelling.passes <= 5


def test_the_whole_may_be_measured_while_the_first_passes_run(speech):
    samples, rate = speech
    excerpt = np.concatenate([samples[a:b] for a, b in excerpt_windows(len(samples), rate)])
    before = integrated_loudness(samples, rate)
    asked: list[float] = []

    def measure_before() -> float:
        asked.append(before)
        return before

    later = calibrate(measure_before, excerpt, rate, -16.0, -2.0)
    assert asked == [before]  # measured once
    assert later == calibrate(before, excerpt, rate, -16.0, -2.0)
