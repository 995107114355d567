"""The episode's timeline: jingle, takes, pauses and stings, placed at exact sample positions.

The timeline is a plan, not a buffer: each clip is read (from the speech cache) when its
samples are needed, so a fifty-minute episode never sits in memory whole. pydub generates the
jingle and the sting (the short motif between the articles of an edition) and decodes a site's
own jingle file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment

from audiocast.errors import ConfigError
from audiocast.model import Audio, Chapter, Cue, Segment

JINGLE_GAP_SECONDS = 0.4
JINGLE = "jingle"  # the clip name of the jingle; takes are named by their cache key
STING = "sting"  # the clip name of the sting, before each segment marked sting_before
STING_GAP_SECONDS = 0.4  # between the sting and what it introduces
_SILENCE_CHUNK = 1 << 16

ClipLoader = Callable[[str], np.ndarray]  # clip name → int16 samples


@dataclass(frozen=True)
class Placement:
    start: int  # sample position in the episode
    length: int
    clip: str


@dataclass
class Timeline:
    rate: int
    length: int  # samples
    placements: list[Placement]  # in order, not overlapping; the rest is silence
    cues: list[Cue]  # one per spoken segment
    chapters: list[Chapter]

    @property
    def duration(self) -> float:
        return self.length / self.rate

    def chunks(
        self, load: ClipLoader, start: int = 0, stop: int | None = None
    ) -> Iterator[np.ndarray]:
        """Samples [START, STOP) of the episode (default: all of it) in order, one clip or
        stretch of silence at a time."""
        stop = self.length if stop is None else min(stop, self.length)
        position = start
        for placement in self.placements:
            end = placement.start + placement.length
            if end <= position:
                continue
            if placement.start >= stop:
                break
            yield from _silence(placement.start - position)
            clip = _fit(load(placement.clip), placement.length)
            begin = max(position, placement.start)
            yield clip[begin - placement.start : min(end, stop) - placement.start]
            position = min(end, stop)
        yield from _silence(stop - position)

    def silences(self) -> list[tuple[int, int]]:
        """The stretches [start, stop) where nothing is placed: the pauses between clips."""
        gaps = []
        position = 0
        for placement in self.placements:
            if placement.start > position:
                gaps.append((position, placement.start))
            position = max(position, placement.start + placement.length)
        if self.length > position:
            gaps.append((position, self.length))
        return gaps

    def read(self, start: int, stop: int, load: ClipLoader) -> np.ndarray:
        """Samples [start, stop) of the episode."""
        out = np.zeros(max(0, stop - start), np.int16)
        for placement in self.placements:
            begin = max(start, placement.start)
            end = min(stop, placement.start + placement.length)
            if begin < end:
                clip = _fit(load(placement.clip), placement.length)
                out[begin - start : end - start] = clip[
                    begin - placement.start : end - placement.start
                ]
        return out

    def render(self, load: ClipLoader) -> np.ndarray:
        """The whole episode as one array (for short episodes and tests)."""
        return self.read(0, self.length, load)


def assemble(segments: list[Segment], takes: list[tuple[str, int]], rate: int,
             jingle_length: int, sting_length: int = 0) -> Timeline:  # fmt: skip
    """Jingle, then each take (clip name, length) followed by its pause, then the jingle again.
    A segment marked sting_before gets the sting (STING_LENGTH samples; none when 0) and a
    short gap before its take; a chapter it opens starts at its take, so the sting closes the
    chapter before.

    Cues and chapters are computed from sample positions, so they are exact in the result.
    """
    sting_gap = int(STING_GAP_SECONDS * rate)
    gap = int(JINGLE_GAP_SECONDS * rate) if jingle_length else 0
    placements: list[Placement] = []
    cues: list[Cue] = []
    openings: list[tuple[int, str]] = []
    if jingle_length:
        placements.append(Placement(0, jingle_length, JINGLE))
    position = jingle_length + gap
    for segment, (clip, length) in zip(segments, takes, strict=True):
        if segment.sting_before and sting_length:
            placements.append(Placement(position, sting_length, STING))
            position += sting_length + sting_gap
        if segment.chapter:
            # The first chapter also holds the opening jingle.
            openings.append((position if openings else 0, segment.chapter))
        if length:
            placements.append(Placement(position, length, clip))
        cues.append(Cue(position / rate, (position + length) / rate, segment.text))
        position += length + int(round(segment.pause_after * rate))
    position += gap
    if jingle_length:
        placements.append(Placement(position, jingle_length, JINGLE))
        position += jingle_length
    ends = [start for start, _ in openings[1:]] + [position]
    chapters = [
        Chapter(start / rate, end / rate, title)
        for (start, title), end in zip(openings, ends, strict=True)
    ]
    return Timeline(rate, position, placements, cues, chapters)


def generated_jingle(rate: int) -> Audio:
    """A short chime (an A major arpeggio), made here: no third-party music."""
    chime = AudioSegment.silent(duration=0, frame_rate=rate)
    for index, frequency in enumerate((440.0, 554.37, 659.25, 880.0)):
        length = 900 if index == 3 else 260
        note = sine_tone(frequency, rate, length, volume_db=-14.0)
        overtone = sine_tone(frequency * 2, rate, length, volume_db=-26.0)
        chime += note.overlay(overtone).fade_in(10).fade_out(length - 40)
    return _to_audio(chime, rate)


def generated_sting(rate: int) -> Audio:
    """A short two-note motif (a rising fourth, 0.8 s) that marks the passage from one article
    to the next: shorter and quieter than the jingle, so it reads as a divider, not a start."""
    sting = AudioSegment.silent(duration=0, frame_rate=rate)
    for frequency, length in ((659.25, 260), (880.0, 540)):
        note = sine_tone(frequency, rate, length, volume_db=-16.0)
        overtone = sine_tone(frequency * 2, rate, length, volume_db=-28.0)
        sting += note.overlay(overtone).fade_in(10).fade_out(length - 40)
    return _to_audio(sting, rate)


def sine_tone(frequency: float, rate: int, milliseconds: int, volume_db: float) -> AudioSegment:
    """What pydub's `Sine(frequency).to_audio_segment(milliseconds, volume_db)` makes, computed
    with numpy: pydub's generator calls math.sin once per sample in Python (0.15 s for the
    jingle, paid by every run)."""
    count = int(rate * (milliseconds / 1000.0))
    gain = 32767 * 10 ** (volume_db / 20)  # pydub: the 16-bit maximum × db_to_float(volume)
    wave = np.trunc(np.sin(frequency * 2 * np.pi / rate * np.arange(count)) * gain)
    return AudioSegment(wave.astype("<i2").tobytes(), frame_rate=rate, sample_width=2, channels=1)


def jingle_from_file(path: Path, rate: int) -> Audio:
    """A site's own jingle in any format ffmpeg reads, as mono at RATE."""
    try:
        audio = _to_audio(AudioSegment.from_file(path), rate)
    except Exception as exc:  # pydub raises whatever its decoder met: all mean "not audio"
        # pydub's message is ffmpeg's whole output; its last line says what was wrong
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = lines[-1][:160] if lines else type(exc).__name__
        raise ConfigError(f"jingle {path}: cannot read audio ({reason})") from exc
    if len(audio.samples) == 0:
        raise ConfigError(f"jingle {path}: holds no sound")
    return audio


def _to_audio(segment: AudioSegment, rate: int) -> Audio:
    segment = segment.set_channels(1).set_frame_rate(rate).set_sample_width(2)
    return Audio(np.array(segment.get_array_of_samples(), dtype=np.int16), rate)


def _silence(length: int) -> Iterator[np.ndarray]:
    while length > 0:
        size = min(length, _SILENCE_CHUNK)
        yield np.zeros(size, np.int16)
        length -= size


def _fit(samples: np.ndarray, length: int) -> np.ndarray:
    """A clip at exactly the length the plan gave it (a re-made cache entry may differ)."""
    if len(samples) >= length:
        return samples[:length]
    return np.concatenate([samples, np.zeros(length - len(samples), np.int16)])
