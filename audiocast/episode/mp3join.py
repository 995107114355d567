"""Two constant-bit-rate MP3 streams from LAME (through ffmpeg) joined into one file.

Each part starts with an Info frame: the Xing header (frame count, byte count, a seek table)
followed by LAME's tag (encoder delay and end padding, which gapless decoders trim, the music's
length and CRC, and the tag's own CRC). The joined file is the first part's Info frame with those
fields made true for the whole, then both parts' audio frames; the second part's Info frame is
left out. ffmpeg's concat demuxer does the same in a process of its own, whose start alone
(0.1 s, the libraries of a full ffmpeg build) is more than all of this.

Layout of the Info frame (MPEG-1 Layer III mono, as LAME writes it, offsets from the frame's
start): 4-byte frame header, 17 bytes of side information, then "Info" at 21, flags, frames,
bytes, a 100-byte table and a quality word; LAME's tag follows at 141 (delay and padding at
+21, music length at +28, music CRC at +32, tag CRC at +34). The tag's CRC is CRC-16/ARC over
the frame's first 190 bytes with the CRC field itself zeroed, as ffmpeg writes it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from audiocast.errors import AudiocastError
from audiocast.files import write_atomically

_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES = (44_100, 48_000, 32_000)
_TOC_SIZE = 100
_TAG_CRC_SPAN = 190


# Fields of the Info frame, from "Info" (which LAME puts after the frame header and side
# information: 21 bytes in for MPEG-1 mono); LAME's tag starts 120 bytes after it.
_FRAMES, _SIZE, _TOC = 8, 12, 16
_LAME = 120
_DELAYS, _MUSIC_LENGTH, _MUSIC_CRC, _TAG_CRC = _LAME + 21, _LAME + 28, _LAME + 32, _LAME + 34


@dataclass(frozen=True)
class _Part:
    info_frame: bytes
    audio: bytes  # the frames after the Info frame
    info: int  # where "Info" is in info_frame


def join_parts(first: Path, second: Path, out_path: Path) -> None:
    """FIRST's frames then SECOND's in OUT_PATH under one Info frame (see the module's note).
    Raises AudiocastError if either is not a LAME-tagged MPEG-1 Layer III stream."""
    head, tail = _read_part(first), _read_part(second)
    at = head.info
    frame = bytearray(head.info_frame)
    audio_frames = _frame_count(head) + _frame_count(tail)
    total = len(frame) + len(head.audio) + len(tail.audio)
    struct.pack_into(">II", frame, at + _FRAMES, audio_frames, total)
    frame[at + _TOC : at + _TOC + _TOC_SIZE] = _seek_table(
        len(frame), [head.audio, tail.audio], total
    )
    # the encoder delay is the first part's (12 bits), the end padding the second's (12 bits)
    delay = int.from_bytes(frame[at + _DELAYS : at + _DELAYS + 3], "big") >> 12
    tail_delays = tail.info_frame[tail.info + _DELAYS : tail.info + _DELAYS + 3]
    padding = int.from_bytes(tail_delays, "big") & 0xFFF
    frame[at + _DELAYS : at + _DELAYS + 3] = ((delay << 12) | padding).to_bytes(3, "big")
    music_crc = crc16_combine(_stored_music_crc(head), _stored_music_crc(tail), len(tail.audio))
    struct.pack_into(">IH", frame, at + _MUSIC_LENGTH, total, music_crc)
    struct.pack_into(">H", frame, at + _TAG_CRC, 0)
    struct.pack_into(">H", frame, at + _TAG_CRC, crc16(bytes(frame[:_TAG_CRC_SPAN])))
    write_atomically(out_path, b"".join((frame, head.audio, tail.audio)))


def _read_part(path: Path) -> _Part:
    data = path.read_bytes()
    length = _frame_length(data, 0)
    info = data.find(b"Info", 4, length) if length else -1
    if length is None or info < 0 or length < _TAG_CRC_SPAN + 2:
        raise AudiocastError(f"{path.name}: not an MP3 part with an Info frame from LAME")
    return _Part(data[:length], data[length:], info)


def _frame_count(part: _Part) -> int:
    return struct.unpack_from(">I", part.info_frame, part.info + _FRAMES)[0]


def _stored_music_crc(part: _Part) -> int:
    return struct.unpack_from(">H", part.info_frame, part.info + _MUSIC_CRC)[0]


def _frame_length(data: bytes, at: int) -> int | None:
    """The length of the MPEG-1 Layer III frame whose header is at AT, or None."""
    if at + 4 > len(data) or data[at] != 0xFF or data[at + 1] & 0xFE != 0xFA:
        return None
    bitrate_index, rate_index = data[at + 2] >> 4, (data[at + 2] >> 2) & 3
    if not 0 < bitrate_index < 15 or rate_index == 3:
        return None
    padding = (data[at + 2] >> 1) & 1
    return 144_000 * _BITRATES_KBPS[bitrate_index] // _RATES[rate_index] + padding


def _seek_table(info_length: int, streams: list[bytes], total: int) -> bytes:
    """Xing's table: for each percent of the frames, where that frame starts, in 256ths of
    the file (the Info frame included), as ffmpeg's muxer computes it."""
    starts = []
    position = info_length
    for stream in streams:
        at = 0
        while at < len(stream):
            length = _frame_length(stream, at)
            if length is None:
                raise AudiocastError("MP3 part: a frame header is damaged")
            starts.append(position + at)
            at += length
        position += len(stream)
    table = bytearray(_TOC_SIZE)
    for percent in range(1, _TOC_SIZE):
        start = starts[percent * len(starts) // _TOC_SIZE]
        table[percent] = min(255, 256 * start // total)
    return bytes(table)


def _crc16_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc16_table()


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC (reflected 0x8005, from 0), the CRC of LAME's tag and music."""
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def crc16_combine(first: int, second: int, second_length: int) -> int:
    """crc16(A + B) from crc16(A), crc16(B) and len(B), without reading either.

    From 0 and with nothing xored at the end, the CRC is linear: running B from register
    FIRST gives what zero bytes do to FIRST, then xor crc16(B). What len(B) zero bytes do is a
    16×16 matrix over GF(2), raised to that power by squaring (as zlib's crc32_combine)."""
    # column `bit` is where the register's bit goes: a low bit passes through the table, a
    # high one shifts down by a byte
    one_zero_byte = [(_TABLE[(1 << bit) & 0xFF] ^ ((1 << bit) >> 8)) for bit in range(16)]
    result, power, remaining = first, one_zero_byte, second_length
    while remaining:
        if remaining & 1:
            result = _apply(power, result)
        power = [_apply(power, column) for column in power]
        remaining >>= 1
    return result ^ second


def _apply(matrix: list[int], vector: int) -> int:
    out = 0
    bit = 0
    while vector:
        if vector & 1:
            out ^= matrix[bit]
        vector >>= 1
        bit += 1
    return out
