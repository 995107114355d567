"""The nouns passed between stages: plain dataclasses, no behaviour beyond small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is not loaded for commands that never touch audio
    import numpy as np

# Stress in a spoken text: COMBINING ACUTE ACCENT after the stressed vowel («Баку́»), as the
# lexicon writes it and every engine reads it (or removes it, if it places stress itself).
STRESS_MARK = "\u0301"
# Article.identity of an article that its site numbers (a WordPress post id, a feed's GUID)
SITE_ID_PREFIX = "site-id:"


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"


@dataclass(frozen=True)
class Block:
    """One unit of an article's body: a paragraph or a sub-heading."""

    kind: BlockKind
    text: str


@dataclass
class Article:
    """An article as read from any source, before anything is spoken."""

    source: str  # where it came from, for messages: a path or URL
    title: str
    body: list[Block]
    published: datetime  # always time-zone aware
    author: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    url: str = ""  # canonical URL, when known
    site_id: str = ""  # the site's own id (e.g. WordPress post id), when known
    language: str = "ru"
    lead: str = ""
    warnings: list[str] = field(default_factory=list)
    # a file read without url or id: its path relative to the site folder (absolute outside
    # it), so that x/article.md and y/article.md are two articles, not one
    file_identity: str = ""

    @property
    def identity(self) -> str:
        """What makes this article the same article across edits and re-runs: the site's own id
        first (a WordPress post keeps its id when its slug, and so its link, is edited; a feed
        item keeps its GUID), then the canonical URL, then the file name."""
        if self.site_id:
            return SITE_ID_PREFIX + self.site_id
        if self.url:
            return self.url
        # no URL or id: where the file lies in the site (its name alone, for an Article made
        # by hand, or stored before file identities were kept)
        return f"source:{self.file_identity or PurePath(self.source).name}"

    @property
    def text_length(self) -> int:
        return len(self.title) + len(self.lead) + sum(len(b.text) for b in self.body)


class SegmentKind(StrEnum):
    INTRO = "intro"
    HEADING = "heading"
    SENTENCE = "sentence"
    OUTRO = "outro"


@dataclass(frozen=True)
class Segment:
    """One thing to say, followed by a pause.

    `text` is what the page shows (the transcript); `spoken` is what the engine is given after
    every text rule. `chapter` names the chapter this segment opens, if it opens one.
    `sting_before` asks for the short sting before it: in an edition, the start of each article
    after the first.
    """

    kind: SegmentKind
    text: str
    spoken: str
    pause_after: float  # seconds of silence after this segment
    chapter: str | None = None
    sting_before: bool = False


@dataclass
class Script:
    """Everything one episode says, in order."""

    article: Article
    show: str
    language: str
    segments: list[Segment]


@dataclass(frozen=True)
class Cue:
    """A transcript cue: one segment at its real place in the finished episode."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


@dataclass
class EpisodeInfo:
    """What the store records about a finished episode (episode.json)."""

    guid: str
    episode_id: str
    title: str
    author: str
    show: str
    published: str  # ISO 8601 with offset
    category: str
    tags: list[str]
    url: str
    language: str
    description: str
    voice: str
    duration: float  # seconds
    audio_file: str
    audio_bytes: int
    bitrate_kbps: int
    loudness_lufs: float
    true_peak_dbtp: float
    chapters: list[Chapter]
    source: str
    generator: str


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit PCM samples and their sample rate: what an engine speaks, what a jingle is."""

    samples: np.ndarray  # int16, one dimension
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate
