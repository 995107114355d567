"""The finished episode read back with ffprobe, ffmpeg and mutagen: real measurements."""

from __future__ import annotations

import json
import re
import subprocess
from io import BytesIO

import numpy as np
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode
from PIL import Image

from audiocast.episode.transcript import vtt_timestamp


def probe(path) -> dict:
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format",
         str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output)


def ebur128(path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as ffmpeg's EBU R128 meter measures them."""
    log = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true",
         "-f", "null", "-"],
        capture_output=True, check=True,
    ).stderr.decode(errors="replace")  # fmt: skip
    summary = log[log.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return integrated, peak


def decode(path, rate=44100) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate),
         "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype=np.int16)


def read_vtt(path) -> list[tuple[float, float, str]]:
    cues = []
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    assert blocks[0].startswith("WEBVTT")
    for block in blocks[1:]:
        lines = block.strip().splitlines()
        if not lines:
            continue
        start, end = lines[1].split(" --> ")
        cues.append((_seconds(start), _seconds(end), " ".join(lines[2:])))
    return cues


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_audio_is_mono_44k_constant_bit_rate_64k(seed_episode):
    path = seed_episode.folder / "episode.mp3"
    stream = probe(path)["streams"][0]
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"]) == ("mp3", "44100", 1)
    info = MP3(path).info
    assert info.bitrate == 64000
    assert info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)
    # every frame of a CBR stream has the same size: check the frame headers directly
    sizes = _frame_sizes(path.read_bytes(), audio_start=_id3_size(path))
    assert len(set(sizes[1:-1])) <= 2  # 208 or 209 bytes: only the padding bit varies


def test_duration_matches_the_metadata_and_the_transcript(seed_episode):
    path = seed_episode.folder / "episode.mp3"
    duration = float(probe(path)["format"]["duration"])
    assert abs(duration - seed_episode.info.duration) < 0.1
    cues = read_vtt(seed_episode.folder / "transcript.vtt")
    assert cues[-1][1] < duration
    assert 280 < duration < 310  # the seed article at 165 words a minute, with intro and outro


def test_loudness_is_minus_16_lufs_and_true_peak_under_minus_1(seed_episode):
    integrated, true_peak = ebur128(seed_episode.folder / "episode.mp3")
    assert abs(integrated - (-16.0)) <= 1.0
    assert true_peak <= -1.0


def test_speech_is_where_the_cues_say_and_silence_between(seed_episode):
    samples = decode(seed_episode.folder / "episode.mp3").astype(np.float64)
    rate = 44100
    cues = read_vtt(seed_episode.folder / "transcript.vtt")

    def rms(start: float, end: float) -> float:
        piece = samples[int(start * rate) : int(end * rate)]
        return float(np.sqrt(np.mean(piece**2))) if len(piece) else 0.0

    for (start, end, text), (next_start, _, _) in zip(cues, cues[1:], strict=False):
        assert rms(start, end) > 1000, text  # speech
        gap = (end + 0.03, next_start - 0.03)
        if gap[1] - gap[0] > 0.1:
            assert rms(*gap) < 100, f"noise in the pause after {text!r}"


def test_id3v23_tags(seed_episode):
    tags = ID3(seed_episode.folder / "episode.mp3")
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "Баку и Киев переходят к делу"
    assert str(tags["TPE1"]) == "Ильгар Велизаде"
    assert str(tags["TALB"]) == "Minval Politika"
    assert str(tags["TCON"]) == "Podcast"
    raw = ID3(seed_episode.folder / "episode.mp3", translate=False)
    assert str(raw["TYER"]) == "2025"  # ID3v2.3 spells the date as TYER + TDAT + TIME
    assert str(raw["TDAT"]) == "2608"
    assert str(raw["TIME"]) == "0930"
    assert tags.getall("WXXX")[0].url == "https://minval.az/news/124123"
    assert tags.getall("TXXX:GUID")[0].text[0] == seed_episode.info.guid
    transcript = tags.getall("USLT")[0]
    assert transcript.lang == "rus"
    assert "Баку и Киев переходят к делу" in transcript.text
    assert "реальные плоды на международной арене" in transcript.text
    cover = tags.getall("APIC")[0]
    assert cover.mime == "image/jpeg" and cover.type == 3
    image = Image.open(BytesIO(cover.data))
    assert image.format == "JPEG"
    assert image.size[0] == image.size[1] and 1400 <= image.size[0] <= 3000


def test_chapters_in_id3_json_and_metadata_agree_with_the_cues(seed_episode):
    folder = seed_episode.folder
    tags = ID3(folder / "episode.mp3")
    toc = tags.getall("CTOC")[0]
    chapters = [tags[f"CHAP:{element}"] for element in toc.child_element_ids]
    titles = [str(c.sub_frames["TIT2"]) for c in chapters]
    assert titles == ["Вступление", "Баку и Киев переходят к делу", "Энергетика как основа",
                      "Многовекторная дипломатия", "Завершение"]  # fmt: skip
    cues = read_vtt(folder / "transcript.vtt")
    cue_starts = {vtt_timestamp(start): text for start, _, text in cues}
    assert chapters[0].start_time == 0
    for chapter in chapters[1:]:
        # a chapter starts exactly where its first sentence's cue starts
        assert vtt_timestamp(chapter.start_time / 1000) in cue_starts
    for previous, following in zip(chapters, chapters[1:], strict=False):
        assert previous.end_time == following.start_time
    assert abs(chapters[-1].end_time / 1000 - seed_episode.info.duration) < 0.01
    heading = next(c for c in chapters if str(c.sub_frames["TIT2"]) == "Энергетика как основа")
    assert cue_starts[vtt_timestamp(heading.start_time / 1000)] == "Энергетика как основа"

    document = json.loads((folder / "chapters.json").read_text(encoding="utf-8"))
    assert document["version"] == "1.2.0"
    assert [c["title"] for c in document["chapters"]] == titles
    assert [round(c["startTime"] * 1000) for c in document["chapters"]] == [
        c.start_time for c in chapters
    ]


def test_metadata_file(seed_episode):
    info = json.loads((seed_episode.folder / "episode.json").read_text(encoding="utf-8"))
    assert info["guid"] == seed_episode.info.guid
    assert info["voice"] == "ru-espeak"
    assert info["published"] == "2025-08-26T09:30:00+04:00"
    assert info["audio_bytes"] == (seed_episode.folder / "episode.mp3").stat().st_size
    assert abs(info["loudness_lufs"] - (-16.0)) < 0.5


def _id3_size(path) -> int:
    header = path.read_bytes()[:10]
    size = 0
    for byte in header[6:10]:
        size = (size << 7) | byte
    return 10 + size


def _frame_sizes(data: bytes, audio_start: int) -> list[int]:
    bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    sizes, position = [], audio_start
    while position + 4 <= len(data) and data[position] == 0xFF:
        bitrate = bitrates[data[position + 2] >> 4] * 1000
        padding = (data[position + 2] >> 1) & 1
        size = 144 * bitrate // 44100 + padding
        sizes.append(size)
        position += size
    return sizes
