"""ID3v2.3 tags with mutagen: what podcast apps and players read from the file itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TLEN,
    TPE1,
    TXXX,
    USLT,
    WXXX,
    CTOCFlags,
)

from audiocast.model import Chapter

_ISO639_2 = {"ru": "rus", "az": "aze", "en": "eng"}


@dataclass(frozen=True)
class EpisodeTags:
    title: str
    author: str
    show: str
    date: str  # ISO 8601
    url: str
    guid: str
    language: str
    description: str
    transcript: str
    chapters: list[Chapter]
    duration: float
    cover_jpeg: bytes


def write_tags(path: Path, tags: EpisodeTags) -> None:
    language = _ISO639_2.get(tags.language, "und")
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.author or tags.show))
    id3.add(TALB(encoding=3, text=tags.show))
    id3.add(TDRC(encoding=3, text=tags.date[:19]))
    id3.add(TCON(encoding=3, text="Podcast"))
    id3.add(TLAN(encoding=3, text=language))
    id3.add(TLEN(encoding=3, text=str(int(round(tags.duration * 1000)))))
    id3.add(TXXX(encoding=3, desc="GUID", text=tags.guid))
    if tags.url:
        id3.add(WXXX(encoding=3, desc="Article", url=tags.url))
    if tags.description:
        id3.add(COMM(encoding=3, lang=language, desc="", text=tags.description))
    id3.add(USLT(encoding=3, lang=language, desc="Transcript", text=tags.transcript))
    id3.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=tags.cover_jpeg))
    _add_chapters(id3, tags.chapters)
    # v2.3: what Apple Podcasts and most players read reliably; mutagen builds v2.4 frames,
    # and update_to_v23 turns them into their v2.3 spelling (TDRC → TYER, TDAT, TIME)
    id3.update_to_v23()
    id3.save(path, v2_version=3)


def _add_chapters(id3: ID3, chapters: list[Chapter]) -> None:
    ids = [f"chp{index}" for index in range(len(chapters))]
    id3.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text="Chapters")],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        id3.add(
            CHAP(
                element_id=element_id,
                start_time=int(round(chapter.start * 1000)),
                end_time=int(round(chapter.end * 1000)),
                start_offset=0xFFFFFFFF,  # no byte offsets: times are authoritative
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
