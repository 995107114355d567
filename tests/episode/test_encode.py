"""The encoder's level probe: measured once per machine (ffmpeg build and bit rate), not once
per site folder."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from audiocast.episode import encode, mp3join


def test_the_probe_is_measured_once_and_kept_for_every_site(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    first = encode.codec_gain_db(64, tmp_path / "site-one" / "cache")
    assert -1.5 < first < 0.5  # LAME is about 0.4 dB quieter: a real measurement

    def no_second_probe(bitrate_kbps):
        raise AssertionError("measured again")

    monkeypatch.setattr(encode, "_measure_codec_gain", no_second_probe)
    assert encode.codec_gain_db(64, tmp_path / "site-two" / "cache") == first
    site_two = json.loads((tmp_path / "site-two" / "cache" / "codec-gain.json").read_text())
    assert list(site_two.values()) == [first]
    with pytest.raises(AssertionError, match="measured again"):
        encode.codec_gain_db(128, tmp_path / "site-two" / "cache")  # another bit rate


def test_an_unwritable_user_cache_is_no_error(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert -1.5 < encode.codec_gain_db(64, tmp_path / "site" / "cache") < 0.5


# --- two encoders joined at a pause ---------------------------------------------------------

SENTENCES = [
    "Президент Азербайджана провёл телефонный разговор с президентом Украины.",
    "Стороны обсудили перспективы сотрудничества в энергетике и транспорте.",
    "В Баку прошло заседание межправительственной комиссии.",
    "Объём торговли между странами вырос на двенадцать процентов.",
    "Министр экономики сообщил о подписании восьми соглашений.",
    "Следующее заседание комиссии пройдёт в Киеве весной.",
]


@pytest.fixture(scope="module")
def spoken_timeline():
    """About eighty seconds of real espeak-ng speech: 24 takes with sentence and paragraph
    pauses, the jingle at both ends, as the pipeline assembles an episode."""
    from audiocast.episode.audio import JINGLE, assemble, generated_jingle
    from audiocast.model import Segment, SegmentKind
    from audiocast.speech.espeak import EspeakEngine
    from audiocast.speech.synthesize import synthesize_sentence
    from audiocast.speech.voices import load_voices

    engine, voice = EspeakEngine(), load_voices()["ru-espeak"]
    takes = {text: synthesize_sentence(text, voice, engine) for text in SENTENCES}
    rate = takes[SENTENCES[0]].rate
    jingle = generated_jingle(rate)
    texts = SENTENCES * 4
    segments = [
        Segment(SegmentKind.SENTENCE, text, text, 0.8 if index % 3 == 2 else 0.35,
                f"Часть {index // 6 + 1}" if index % 6 == 0 else None)
        for index, text in enumerate(texts)
    ]  # fmt: skip
    timeline = assemble(
        segments, [(text, len(takes[text].samples)) for text in texts], rate, len(jingle.samples)
    )
    clips = {text: take.samples for text, take in takes.items()} | {JINGLE: jingle.samples}
    return timeline, clips.__getitem__


DYNAMICS = (
    "volume=4.000dB:precision=double,"
    "acompressor=threshold=0.35:ratio=2:attack=5:release=120:detection=peak,"
    "alimiter=limit=0.6310:attack=3:release=60:level=disabled:latency=1"
)


def lame_tag(path) -> dict[str, int]:
    """The Info frame's fields of the mono MPEG-1 Layer III file at PATH, read by offset."""
    data = path.read_bytes()
    frame_length = 144_000 * 64 // 44_100 + ((data[2] >> 1) & 1)
    info = data.index(b"Info", 4, frame_length)
    lame = info + 120
    zeroed = bytearray(data[:190])
    zeroed[lame + 34 : lame + 36] = b"\0\0"
    delays = int.from_bytes(data[lame + 21 : lame + 24], "big")
    return {
        "frame_length": frame_length,
        "frames": int.from_bytes(data[info + 8 : info + 12], "big"),
        "bytes": int.from_bytes(data[info + 12 : info + 16], "big"),
        "delay": delays >> 12,
        "padding": delays & 0xFFF,
        "music_length": int.from_bytes(data[lame + 28 : lame + 32], "big"),
        "music_crc": int.from_bytes(data[lame + 32 : lame + 34], "big"),
        "tag_crc": int.from_bytes(data[lame + 34 : lame + 36], "big"),
        "tag_crc_computed": mp3join.crc16(bytes(zeroed)),
    }


def test_crc16_of_two_pieces_is_combined_without_reading_them():
    pieces = [bytes(range(256)) * 3, b"", b"\xff" * 1000, "Баку".encode() * 77]
    for first in pieces:
        for second in pieces:
            combined = mp3join.crc16_combine(
                mp3join.crc16(first), mp3join.crc16(second), len(second)
            )
            assert combined == mp3join.crc16(first + second)
    assert mp3join.crc16(b"123456789") == 0xBB3D  # CRC-16/ARC's check value


def decoded(path) -> np.ndarray:
    """PATH decoded by ffmpeg (which honours the LAME tag's delay and padding) at 44.1 kHz."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.int16).astype(np.int32)


def onset(samples: np.ndarray, rate: int, near: float, threshold: int = 600) -> float:
    """Seconds at which sound first passes THRESHOLD within 150 ms either side of NEAR."""
    begin = max(0, int((near - 0.15) * rate))
    loud = np.flatnonzero(np.abs(samples[begin : int((near + 0.15) * rate)]) > threshold)
    assert loud.size, f"no speech near {near:.3f} s"
    return (begin + loud[0]) / rate


def test_a_long_episode_is_two_parts_joined_without_gap_or_click(spoken_timeline, tmp_path):
    timeline, load = spoken_timeline
    seam = encode.find_seam(timeline.silences(), timeline.length, timeline.rate)
    assert seam is not None and timeline.length / 4 < seam.first_stop < 3 * timeline.length / 4
    joined, single = tmp_path / "joined.mp3", tmp_path / "single.mp3"
    encode.encode_timeline_mp3(timeline, load, joined, dynamics=DYNAMICS, bitrate_kbps=64)
    encode.encode_mp3(timeline.chunks(load), timeline.rate, single,
                      dynamics=DYNAMICS, bitrate_kbps=64)  # fmt: skip
    assert encode.lame_tag_frames(joined) == encode.lame_tag_frames(single)
    # one Info frame, whose every field is true of the whole file, as ffmpeg writes them
    for path in (single, joined):
        tag = lame_tag(path)
        assert tag["bytes"] == tag["music_length"] == path.stat().st_size
        assert tag["music_crc"] == mp3join.crc16(path.read_bytes()[tag["frame_length"] :])
        assert tag["tag_crc"] == tag["tag_crc_computed"]
        assert tag["delay"] == 576
    assert lame_tag(joined)["padding"] > 0 and joined.read_bytes().count(b"Info") == 1
    ours, reference = decoded(joined), decoded(single)
    out_rate = encode.OUTPUT_RATE
    # no gap: not one sample more or less than the episode, as from one encoder
    assert len(ours) == len(reference) == timeline.length * out_rate // timeline.rate
    # no click: the pause holding the seam stays as quiet as one encoder leaves it
    seam_at = seam.first_stop / timeline.rate
    around = slice(int((seam_at - 0.15) * out_rate), int((seam_at + 0.08) * out_rate))
    assert np.abs(ours[around]).max() <= max(np.abs(reference[around]).max(), 8)
    # every cue and chapter after the seam starts within 10 ms of its speech, as planned
    source = timeline.render(load).astype(np.int32)
    later = [cue.start for cue in timeline.cues if cue.start > seam_at]
    later += [chapter.start for chapter in timeline.chapters if chapter.start > seam_at]
    assert len(later) >= 8
    for start in later:
        planned = onset(source, timeline.rate, start + 0.02)
        heard = onset(ours, out_rate, start + 0.02)
        assert abs(heard - planned) <= 0.010, (start, planned, heard)
    # and the two encodings are the same sound throughout (not merely the same length)
    difference = ours - reference
    assert np.sqrt(np.mean(difference**2)) < 0.02 * np.sqrt(np.mean(reference**2))


def test_a_short_episode_or_one_without_a_middle_pause_is_one_part(spoken_timeline):
    timeline, _ = spoken_timeline
    rate = timeline.rate
    assert encode.find_seam([(rate, rate * 2)], 50 * rate, rate) is None  # under a minute
    assert encode.find_seam([(rate, 2 * rate)], 100 * rate, rate) is None  # pause at 1 s
    assert encode.find_seam([(50 * rate, 50 * rate + 100)], 100 * rate, rate) is None  # 5 ms


def test_a_lame_that_frames_differently_falls_back_to_one_encoder(
    spoken_timeline, tmp_path, monkeypatch
):
    timeline, load = spoken_timeline
    real = encode.find_seam

    def off_by_one_frame(*args):
        seam = real(*args)
        return encode.Seam(seam.first_stop, seam.second_start, seam.first_frames + 1)

    monkeypatch.setattr(encode, "find_seam", off_by_one_frame)
    fallback, single = tmp_path / "fallback.mp3", tmp_path / "single.mp3"
    encode.encode_timeline_mp3(timeline, load, fallback, dynamics=DYNAMICS, bitrate_kbps=64)
    encode.encode_mp3(timeline.chunks(load), timeline.rate, single,
                      dynamics=DYNAMICS, bitrate_kbps=64)  # fmt: skip
    assert fallback.read_bytes() == single.read_bytes()
    assert not list(tmp_path.glob(".parts-*"))  # the parts are gone either way


def test_a_part_that_is_not_a_tagged_mp3_is_refused(tmp_path):
    from audiocast.errors import AudiocastError

    text = tmp_path / "part-1.mp3"
    text.write_bytes(b"ID3 not a frame" * 40)
    with pytest.raises(AudiocastError, match="part-1.mp3: not an MP3 part"):
        mp3join.join_parts(text, text, tmp_path / "out.mp3")
    assert not list(tmp_path.glob("*out.mp3*"))  # nothing half-written


def test_one_encoder_when_asked(spoken_timeline, tmp_path):
    """Sync's workers already use every core: their episodes are not split (a joined file's
    frames differ from one encoder's, so equal bytes mean one encoder)."""
    timeline, load = spoken_timeline
    alone, single = tmp_path / "alone.mp3", tmp_path / "single.mp3"
    encode.encode_timeline_mp3(
        timeline, load, alone, dynamics=DYNAMICS, bitrate_kbps=64, encoders=1
    )
    encode.encode_mp3(timeline.chunks(load), timeline.rate, single,
                      dynamics=DYNAMICS, bitrate_kbps=64)  # fmt: skip
    assert alone.read_bytes() == single.read_bytes()
