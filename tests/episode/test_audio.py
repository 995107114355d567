"""The timeline: jingle, takes and pauses at exact sample positions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from audiocast.episode.audio import (
    JINGLE,
    JINGLE_GAP_SECONDS,
    STING,
    STING_GAP_SECONDS,
    assemble,
    generated_jingle,
    generated_sting,
)
from audiocast.episode.transcript import chapters_json, vtt_timestamp, webvtt
from audiocast.model import Chapter, Cue, Segment, SegmentKind

RATE = 22050


def tone(seconds: float, level: int = 5000) -> np.ndarray:
    return np.full(int(seconds * RATE), level, np.int16)


def test_cues_and_chapters_sit_at_exact_positions():
    segments = [
        Segment(SegmentKind.INTRO, "Привет.", "Привет.", 0.5, chapter="Вступление"),
        Segment(SegmentKind.SENTENCE, "Раз.", "Раз.", 0.25, chapter="Статья"),
        Segment(SegmentKind.SENTENCE, "Два.", "Два.", 1.0),
        Segment(SegmentKind.OUTRO, "Пока.", "Пока.", 0.5, chapter="Завершение"),
    ]
    clips = {"a": tone(1.0), "b": tone(2.0), "c": tone(1.5), "d": tone(0.5), JINGLE: tone(2.0, 7)}
    takes = [(name, len(clips[name])) for name in "abcd"]
    assembly = assemble(segments, takes, RATE, len(clips[JINGLE]))
    gap = JINGLE_GAP_SECONDS
    starts = [2.0 + gap, 2.0 + gap + 1.5, 2.0 + gap + 1.5 + 2.25, 2.0 + gap + 1.5 + 2.25 + 2.5]
    sample = pytest.approx  # positions are whole samples: a pause of 0.25 s is 5512 samples
    assert [c.start for c in assembly.cues] == sample(starts, abs=1 / RATE)
    assert [c.end - c.start for c in assembly.cues] == sample([1.0, 2.0, 1.5, 0.5], abs=1e-9)
    assert [c.title for c in assembly.chapters] == ["Вступление", "Статья", "Завершение"]
    assert [c.start for c in assembly.chapters] == [0.0, assembly.cues[1].start,
                                                    assembly.cues[3].start]  # fmt: skip
    total = starts[3] + 0.5 + 0.5 + gap + 2.0
    assert assembly.duration == sample(total, abs=1 / RATE)
    assert assembly.chapters[-1].end == assembly.duration
    # the pauses are silent and the takes are where the cues say
    samples = assembly.render(clips.__getitem__)
    assert len(samples) == assembly.length
    assert np.all(samples[: len(clips[JINGLE])] == 7)
    assert np.all(samples[int(starts[0] * RATE) : int((starts[0] + 1.0) * RATE)] == 5000)
    assert np.all(samples[int((starts[0] + 1.0) * RATE) : int(starts[1] * RATE)] == 0)
    assert np.all(samples[-len(clips[JINGLE]) :] == 7)
    # streamed in chunks, the episode is the same samples
    assert np.array_equal(np.concatenate(list(assembly.chunks(clips.__getitem__))), samples)
    middle = assembly.read(1000, 90_000, clips.__getitem__)
    assert np.array_equal(middle, samples[1000:90_000])


def test_generated_jingle_is_short_and_audible():
    jingle = generated_jingle(RATE)
    assert 1.0 < jingle.duration < 3.0
    assert 2000 < np.abs(jingle.samples.astype(np.int32)).max() < 32767


def test_a_sting_sits_before_each_marked_segment_and_its_chapter_starts_after_it():
    segments = [
        Segment(SegmentKind.INTRO, "Привет.", "Привет.", 0.5, chapter="Вступление"),
        Segment(SegmentKind.HEADING, "Первая.", "Первая.", 0.5, chapter="Первая"),
        Segment(SegmentKind.SENTENCE, "Раз.", "Раз.", 0.75),
        Segment(SegmentKind.HEADING, "Два.", "Два.", 0.5, chapter="Вторая", sting_before=True),
        Segment(SegmentKind.SENTENCE, "Три.", "Три.", 0.75),
        Segment(SegmentKind.OUTRO, "Пока.", "Пока.", 0.5, chapter="Завершение"),
    ]
    clips = {name: tone(1.0) for name in "abcdef"}
    clips |= {JINGLE: tone(1.0, 7), STING: tone(0.5, 99)}
    takes = [(name, len(clips[name])) for name in "abcdef"]
    with_sting = assemble(segments, takes, RATE, len(clips[JINGLE]), len(clips[STING]))
    without = assemble(segments, takes, RATE, len(clips[JINGLE]))
    shift = 0.5 + STING_GAP_SECONDS  # the sting and its gap, before the marked segment only
    before, after = [c.start for c in without.cues], [c.start for c in with_sting.cues]
    assert after[:3] == before[:3]
    assert after[3:] == pytest.approx([t + shift for t in before[3:]], abs=1 / RATE)
    assert with_sting.duration == pytest.approx(without.duration + shift, abs=1 / RATE)
    # chapters start at their first take, also after a sting: the sting closes the one before
    assert [c.title for c in with_sting.chapters] == ["Вступление", "Первая", "Вторая",
                                                      "Завершение"]  # fmt: skip
    assert [c.start for c in with_sting.chapters[1:]] == [after[1], after[3], after[5]]
    samples = with_sting.render(clips.__getitem__)
    sting_start = after[3] - shift
    sting_samples = samples[round(sting_start * RATE) : round((sting_start + 0.5) * RATE)]
    assert np.all(sting_samples == 99)
    assert np.count_nonzero(samples == 99) == len(clips[STING])  # once, not before the first
    gap = samples[round((sting_start + 0.5) * RATE) + 1 : round(after[3] * RATE) - 1]
    assert len(gap) and not gap.any()


def test_generated_sting_is_a_short_audible_motif_quieter_than_the_jingle():
    sting, jingle = generated_sting(RATE), generated_jingle(RATE)
    assert 0.6 < sting.duration < 1.0
    peak = np.abs(sting.samples.astype(np.int32)).max()
    assert 1000 < peak < np.abs(jingle.samples.astype(np.int32)).max()
    # two notes: the pitch rises from the first half to the second
    samples = sting.samples.astype(np.int32)
    half = len(samples) // 2
    first, second = (
        np.count_nonzero(np.diff(np.sign(p))) for p in (samples[:half], samples[half:])
    )
    assert second > first


def test_webvtt_and_chapters_json():
    vtt = webvtt([Cue(0.0, 1.25, "Раз --> два"), Cue(3661.5, 3662.0, "Три")])
    assert vtt.splitlines()[:4] == ["WEBVTT", "", "1", "00:00:00.000 --> 00:00:01.250"]
    assert "Раз → два" in vtt
    escaped = webvtt([Cue(0.0, 1.0, "<script>alert(1)</script> & Co")])
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in escaped
    assert "01:01:01.500 --> 01:01:02.000" in vtt
    assert vtt_timestamp(59.9996) == "00:01:00.000"
    document = json.loads(chapters_json([Chapter(0.0, 12.3456, "Вступление")], "Эпизод"))
    assert document == {
        "version": "1.2.0",
        "title": "Эпизод",
        "chapters": [{"startTime": 0.0, "endTime": 12.346, "title": "Вступление"}],
    }


@pytest.mark.parametrize("rate", [16000, 22050, 24000, 44100])
def test_sine_tone_is_pydubs_sine_sample_for_sample(rate):
    from pydub.generators import Sine

    from audiocast.episode.audio import sine_tone

    for frequency, milliseconds, volume in ((440.0, 260, -14.0), (1318.5, 900, -26.0)):
        made = sine_tone(frequency, rate, milliseconds, volume)
        pydubs = Sine(frequency, sample_rate=rate).to_audio_segment(milliseconds, volume)
        assert made.frame_rate == pydubs.frame_rate and made.sample_width == 2
        assert made.raw_data == pydubs.raw_data
