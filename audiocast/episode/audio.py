"""Assembling the episode's samples: jingle, takes and pauses on one timeline (numpy).

pydub generates the jingle and decodes a site's own jingle file; the episode itself is put
together as one numpy array because pydub's `+` copies the whole episode at every join.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment
from pydub.generators import Sine

from audiocast.errors import ConfigError
from audiocast.model import Chapter, Cue, Segment
from audiocast.speech.engine import Audio

JINGLE_GAP_SECONDS = 0.4


@dataclass
class Assembly:
    samples: np.ndarray  # int16 mono
    rate: int
    cues: list[Cue]  # one per spoken segment
    chapters: list[Chapter]

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


def generated_jingle(rate: int) -> Audio:
    """A short three-note chime (A major arpeggio), made here: no third-party music."""
    chime = AudioSegment.silent(duration=0, frame_rate=rate)
    for index, frequency in enumerate((440.0, 554.37, 659.25, 880.0)):
        length = 900 if index == 3 else 260
        note = Sine(frequency, sample_rate=rate).to_audio_segment(duration=length, volume=-14.0)
        overtone = Sine(frequency * 2, sample_rate=rate).to_audio_segment(
            duration=length, volume=-26.0
        )
        chime += note.overlay(overtone).fade_in(10).fade_out(length - 40)
    return _to_audio(chime, rate)


def jingle_from_file(path: Path, rate: int) -> Audio:
    """A site's own jingle in any format ffmpeg reads, as mono at RATE."""
    try:
        return _to_audio(AudioSegment.from_file(path), rate)
    except (FileNotFoundError, IndexError, OSError) as exc:
        raise ConfigError(f"jingle {path}: cannot read audio ({exc})") from exc


def _to_audio(segment: AudioSegment, rate: int) -> Audio:
    segment = segment.set_channels(1).set_frame_rate(rate).set_sample_width(2)
    return Audio(np.array(segment.get_array_of_samples(), dtype=np.int16), rate)


def assemble(segments: list[Segment], takes: list[Audio], jingle: Audio | None) -> Assembly:
    """Jingle, then each take followed by its pause, then the jingle again.

    Cues and chapters are computed from sample positions, so they are exact in the result.
    """
    if not takes:
        raise ValueError("nothing to assemble")
    rate = takes[0].rate
    jingle_samples = jingle.samples if jingle is not None else np.zeros(0, np.int16)
    gap = int(JINGLE_GAP_SECONDS * rate) if len(jingle_samples) else 0
    pauses = [int(round(s.pause_after * rate)) for s in segments]
    total = sum(len(t.samples) for t in takes) + sum(pauses) + 2 * (len(jingle_samples) + gap)
    samples = np.zeros(total, dtype=np.int16)
    cues: list[Cue] = []
    openings: list[tuple[int, str]] = []
    position = _place(samples, 0, jingle_samples) + gap
    for segment, take, pause in zip(segments, takes, pauses, strict=True):
        if segment.chapter:
            # The first chapter also holds the opening jingle.
            openings.append((position if openings else 0, segment.chapter))
        start = position
        position = _place(samples, position, take.samples)
        cues.append(Cue(start / rate, position / rate, segment.text))
        position += pause
    position = _place(samples, position + gap, jingle_samples)
    ends = [start for start, _ in openings[1:]] + [position]
    chapters = [
        Chapter(start / rate, end / rate, title)
        for (start, title), end in zip(openings, ends, strict=True)
    ]
    return Assembly(samples[:position], rate, cues, chapters)


def _place(target: np.ndarray, position: int, source: np.ndarray) -> int:
    target[position : position + len(source)] = source
    return position + len(source)
