"""The episode store as the publish stage sees it (where each file goes: layout.py).

Reading only: episodes come from episode.json and the sidecar files beside it; nothing here
renders or writes. Each episode carries a digest of everything published about it, so a
rebuild can tell which pages are already up to date without rendering them.

A store entry that cannot be published as it is (episode.json unreadable, its audio missing or
not the size episode.json gives, a transcript or chapters file that is not one, or one that
was published and is gone) is *broken*: the catalogue names it and the reason, and the build
republishes the last good copy it published (public/episodes/<id>/, with the record of what
the store said then, PUBLISHED_RECORD) instead of unpublishing anything.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import json
import math
import os
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from audiocast.config import Show
from audiocast.episode import store as store_files
from audiocast.episode.store import EpisodeStore
from audiocast.errors import AudiocastError
from audiocast.ingest.common import clean_text
from audiocast.model import Chapter, Cue
from audiocast.publish.layout import Layout


class EntryCache(Protocol):
    """What read_catalogue asks of a cache of store entries (catalogue_cache.CatalogueCache):
    the reader knows no more of it, so the two modules do not import each other."""

    def get(self, name: str, folder: str) -> tuple[str, PublishedEpisode | None]: ...

    def put(self, name: str, key: str, episode: PublishedEpisode) -> None: ...

    def drop(self, name: str) -> None: ...

    def save(self) -> None: ...


# top-level folders of public/ that a show's slug must not take
# the files of a stored episode that are published beside its page
PUBLISHED_FILES = (store_files.AUDIO_FILE, store_files.TRANSCRIPT_FILE, store_files.CHAPTERS_FILE)
_REQUIRED_KEYS = ("guid", "episode_id", "title", "published", "duration")
# public/episodes/<id>/PUBLISHED_RECORD: the store's episode.json as last published (less its
# `source`, a path on the server); hidden, so `audiocast serve` does not serve it
PUBLISHED_RECORD = ".published.json"
_LEFT_OUT_OF_RECORD = ("source",)
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# what XML 1.0 cannot carry (and ingest removes): an entry stored before it did is cleaned
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


class PublishError(AudiocastError):
    """An episode in the store that cannot be published (a broken episode.json)."""


@dataclass(frozen=True)
class PublishedEpisode:
    """One stored episode, with what the feeds and pages need to know about it."""

    episode_id: str
    guid: str
    title: str
    author: str
    description: str
    published: datetime  # time-zone aware
    category: str
    url: str  # the article
    language: str
    duration: float  # seconds
    chapters: tuple[Chapter, ...]
    audio_bytes: int  # the real size of episode.mp3 (episode.json's figure when it is missing)
    location: str  # its folder (see `folder`): a str, as a Path each is measurable at 10,000
    files: dict[str, str]  # those of PUBLISHED_FILES that exist → "size:mtime_ns"
    digest: str  # changes whenever anything published about the episode changes
    only_show: str = ""  # an audio edition: the slug of the one show it is published in
    info_file: str = store_files.INFO_FILE  # in FOLDER: what the store said about it
    recorded_audio_bytes: int = 0  # the audio's size as episode.json gives it (0: not given)
    kept: bool = False  # a broken store entry: republished from its last published copy

    @functools.cached_property  # made when first needed: most builds never need most of them
    def folder(self) -> Path:
        return Path(self.location)

    @property
    def sort_key(self) -> tuple[float, str]:
        return (self.published.timestamp(), self.guid)

    @property
    def has_audio(self) -> bool:
        return store_files.AUDIO_FILE in self.files

    @property
    def has_transcript(self) -> bool:
        return store_files.TRANSCRIPT_FILE in self.files

    @property
    def has_chapters(self) -> bool:
        return store_files.CHAPTERS_FILE in self.files


@dataclass(frozen=True)
class Catalogue:
    episodes: list[PublishedEpisode]  # newest first
    problems: list[str]  # one line for each episode that could not be read (and is left out)
    broken: dict[str, str] = field(default_factory=dict)  # episode id → why it is broken

    def without(self, excluded: AbstractSet[str]) -> Catalogue:
        """The catalogue less the episodes EXCLUDED names (ids excluded from the podcast:
        state.py), broken ones included: an excluded entry is not republished either."""
        if not excluded:
            return self
        episodes = [e for e in self.episodes if e.episode_id not in excluded]
        broken = {key: why for key, why in self.broken.items() if key not in excluded}
        if len(episodes) == len(self.episodes) and len(broken) == len(self.broken):
            return self
        return Catalogue(episodes, list(broken.values()), broken)

    def due(
        self, now: datetime, held: AbstractSet[str] = frozenset()
    ) -> tuple[Catalogue, list[str]]:
        """The catalogue less the episodes not public yet, and their ids: those published after
        NOW (a post voiced before its scheduled time) and those HELD (made from a post its site
        still lists as scheduled: state.read_scheduled). The one filter between the store and
        every public output, so none can forget it; broken entries held are left out too."""
        waiting = {e.episode_id for e in self.episodes if e.published > now or e.episode_id in held}
        waiting |= held & self.broken.keys()
        return self.without(waiting), sorted(waiting)


Signatures = dict[str, str]  # a published path → the signature of the file it was copied from


def read_catalogue(
    episodes_dir: Path, published: Signatures | None = None, cache: EntryCache | None = None
) -> Catalogue:
    """Every stored episode, newest first, and the broken entries (see the module's docstring).

    PUBLISHED says what the last build copied (path in public/ → the source file's signature):
    a file copied before unchanged is not read again, a new or changed one is checked.
    CACHE (catalogue_cache.py) spares reading an entry whose files are as they were; it is
    saved with what this reading found.
    A missing store is an error, not an empty one: publishing an empty store would unpublish
    every episode (a typo in episodes_dir, or a volume not mounted)."""
    if not episodes_dir.is_dir():
        what = "is not a folder" if episodes_dir.exists() else "does not exist"
        raise PublishError(
            f"episodes_dir {episodes_dir} {what}: nothing was built or removed "
            "(a typo in episodes_dir, or a volume not mounted?)"
        )
    published = published or {}
    EpisodeStore(episodes_dir)  # opening it puts back an episode a crashed run left aside
    episodes = []
    broken: dict[str, str] = {}
    with os.scandir(episodes_dir) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if not entry.is_dir() or entry.name.startswith("."):  # hidden: being made
                continue
            try:
                episode = _cached_or_read(entry.name, entry.path, published, cache)
            except PublishError as exc:
                broken[entry.name] = str(exc)
                if cache is not None:
                    cache.drop(entry.name)
                continue
            episodes.append(episode)
    if cache is not None:
        cache.save()
    problems = list(broken.values())
    return Catalogue(sorted(episodes, key=lambda e: e.sort_key, reverse=True), problems, broken)


def _cached_or_read(
    name: str, folder: str, published: Signatures, cache: EntryCache | None
) -> PublishedEpisode:
    """The entry at FOLDER, checked; read from the store unless the cache holds it as it is.
    Its files are checked against PUBLISHED either way: that depends on what was published."""
    if cache is None:
        episode = _read_episode(folder)
        _check_files(episode, published)
        return episode
    key, cached = cache.get(name, folder)
    if cached is not None:
        _check_files(cached, published)
        return cached
    episode = _read_episode(folder)
    _check_files(episode, published)
    cache.put(name, key, episode)
    return episode


def published_copy(public_dir: Path, episode_id: str) -> PublishedEpisode | None:
    """The episode as the last build published it (public/episodes/<id>/, described by its
    PUBLISHED_RECORD), or None when it was never published or that copy is not whole."""
    folder = public_dir / Layout.episode_page(episode_id)
    try:
        episode = _read_episode(str(folder), PUBLISHED_RECORD)
    except PublishError:
        return None
    if episode is None or not episode.has_audio:
        return None
    return dataclasses.replace(episode, kept=True)


def episodes_of(show: Show, catalogue: list[PublishedEpisode]) -> list[PublishedEpisode]:
    """The show's episodes, newest first (the catalogue's order)."""
    return [episode for episode in catalogue if belongs_to(show, episode)]


def belongs_to(show: Show, episode: PublishedEpisode) -> bool:
    """The show's categories and languages decide: an episode in a language the show does not
    gather stays out of its feed, whose one <language> would mislabel it, and out of its pages.
    An audio edition (category "edition:<slug>", in its show's language) is, besides,
    published only in the show its edition names, not in every show that gathers all."""
    return (
        show.includes(episode.category)
        and show.gathers_language(episode.language)
        and episode.only_show in ("", show.slug)
    )


def read_cues(path: Path) -> list[Cue]:
    """The cues of a WebVTT file as the episode stage writes it: number, timing, text lines."""
    if not path.is_file():
        return []
    cues = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").replace("\r\n", "\n")):
        lines = block.strip("\n").split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue  # the WEBVTT header, a NOTE or a STYLE block
        start, _, end = lines[timing].partition("-->")
        text = " ".join(line.strip() for line in lines[timing + 1 :] if line.strip())
        text = html.unescape(text)  # the episode stage escapes & < > as WebVTT requires
        if text:
            cues.append(Cue(_vtt_seconds(start), _vtt_seconds(end.split()[0]), text))
    return cues


def _vtt_seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.strip().split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def _read_episode(folder: str, info_name: str = store_files.INFO_FILE) -> PublishedEpisode:
    info_path = os.path.join(folder, info_name)  # strings: this runs per episode
    try:
        with open(info_path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError as exc:
        raise PublishError(f"{info_path}: missing") from exc
    except OSError as exc:
        raise PublishError(f"{info_path}: cannot read ({exc.strerror})") from exc
    try:
        info = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise PublishError(f"{info_path}: not valid JSON ({_one_line(exc)})") from exc
    if not isinstance(info, dict):
        raise PublishError(f"{info_path}: not a JSON object")
    missing = [key for key in _REQUIRED_KEYS if key not in info]
    if missing:
        raise PublishError(f"{info_path}: missing {', '.join(missing)}")
    try:
        published = datetime.fromisoformat(info["published"])
    except (TypeError, ValueError) as exc:
        raise PublishError(f"{info_path}: published {info['published']!r} is not ISO 8601") from exc
    if published.tzinfo is None:
        raise PublishError(f"{info_path}: published {info['published']!r} has no UTC offset")
    try:
        return _episode(folder, info, raw, published, info_name)
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise PublishError(
            f"{info_path}: a wrong value ({type(exc).__name__}: {_one_line(exc)})"
        ) from exc


def _episode(
    folder: str, info: dict, raw: bytes, published: datetime, info_name: str
) -> PublishedEpisode:
    files, audio_size = _published_files(folder)
    digest = hashlib.sha256(raw)
    for name in PUBLISHED_FILES:
        digest.update(f"{name}={files.get(name, '-')};".encode())
    duration = float(info["duration"])
    recorded = info.get("audio_bytes", 0)
    if isinstance(recorded, bool) or not isinstance(recorded, int) or recorded < 0:
        raise ValueError(f"audio_bytes {recorded!r:.40} is not a size")
    if not math.isfinite(duration) or duration < 0:
        raise ValueError(f"duration {duration} is not a length of time")
    return PublishedEpisode(
        episode_id=os.path.basename(folder),  # the folder is what the URLs name
        guid=_safe(info["guid"]),
        title=_safe(info["title"]),
        author=_safe(info.get("author", "")),
        description=_safe(info.get("description", "")),
        published=published,
        category=_safe(info.get("category", "")),
        url=_text(info.get("url", "")),
        language=_language(info.get("language", "ru")),
        duration=duration,
        chapters=tuple(
            Chapter(float(c["start"]), float(c["end"]), _safe(c["title"]))
            for c in info.get("chapters", [])
        ),
        audio_bytes=audio_size if audio_size is not None else recorded,
        location=folder,
        files=files,
        digest=digest.hexdigest(),
        only_show=str((info.get("edition") or {}).get("show", "")),
        info_file=info_name,
        recorded_audio_bytes=recorded,
    )


def _language(value) -> str:
    if not _LANGUAGE_TAG.fullmatch(_text(value)):
        raise ValueError(f"language {value!r:.40} is not a language code")
    return value


def _safe(value) -> str:
    """VALUE, a string, cleaned as ingest cleans text if it holds what XML cannot carry: an
    entry stored before ingest removed control characters must not break the feed. The search
    alone costs little; this runs for every field of every episode on every build."""
    text = _text(value)
    return clean_text(text) if _UNSAFE.search(text) else text


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r:.60} is not text")
    return value


def _check_files(episode: PublishedEpisode, published: Signatures) -> None:
    """Raise PublishError when the entry's files cannot be published as they are."""
    if not episode.has_audio:
        raise PublishError(f"{episode.folder}: {store_files.AUDIO_FILE} is missing")
    recorded = episode.recorded_audio_bytes
    if recorded and recorded != episode.audio_bytes:
        raise PublishError(
            f"{episode.folder / store_files.AUDIO_FILE}: {episode.audio_bytes:,} bytes, but "
            f"{episode.info_file} says {recorded:,} (cut short?)"
        )
    for name in PUBLISHED_FILES:
        path = Layout.episode_file(episode.episode_id, name)
        if name not in episode.files:
            if path in published:
                raise PublishError(f"{episode.folder}: {name} is missing (it was published)")
            continue
        if published.get(path) != episode.files[name]:  # new or changed since it was copied
            _check_content(episode.folder / name)


def _check_content(path: Path) -> None:
    """A published file is what its name says: MP3 audio, a WebVTT file, JSON chapters."""
    try:
        if path.name == store_files.AUDIO_FILE:
            with open(path, "rb") as handle:
                head = handle.read(3)
            if head != b"ID3" and not (len(head) >= 2 and head[0] == 0xFF and head[1] >= 0xE0):
                raise PublishError(f"{path}: not MP3 audio")
        elif path.name == store_files.TRANSCRIPT_FILE:
            if not path.read_text(encoding="utf-8").startswith("WEBVTT"):
                raise PublishError(f"{path}: not a WebVTT file")
        elif path.name == store_files.CHAPTERS_FILE:
            chapters = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(chapters, dict) or not isinstance(chapters.get("chapters"), list):
                raise PublishError(f"{path}: not Podcasting 2.0 chapters")
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PublishError(f"{path}: cannot be read ({_one_line(exc)})") from exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def published_record(episode: PublishedEpisode) -> bytes:
    """PUBLISHED_RECORD for EPISODE: what its store entry says, less its `source`."""
    info = json.loads((episode.folder / episode.info_file).read_bytes())
    for key in _LEFT_OUT_OF_RECORD:
        info.pop(key, None)
    return (json.dumps(info, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _published_files(folder: str) -> tuple[dict[str, str], int | None]:
    """Size and modification time of each published file there is (a changed file is noticed
    without reading it), and the audio's size."""
    files = {}
    audio_size = None
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name in PUBLISHED_FILES and entry.is_file():
                stat = entry.stat()
                files[entry.name] = f"{stat.st_size}:{stat.st_mtime_ns}"
                if entry.name == store_files.AUDIO_FILE:
                    audio_size = stat.st_size
    return files, audio_size
