"""The episode store as the publish stage sees it, and where every file goes in public/.

Reading only: episodes come from episode.json and the sidecar files beside it; nothing here
renders or writes. Each episode carries a digest of everything published about it, so a
rebuild can tell which pages are already up to date without rendering them.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from audiocast.config import Settings, Show
from audiocast.episode import store as store_files
from audiocast.episode.store import EpisodeStore
from audiocast.errors import AudiocastError
from audiocast.model import Chapter, Cue

# top-level folders of public/ that a show's slug must not take
RESERVED_SLUGS = ("episodes", "static", "covers")
# the files of a stored episode that are published beside its page
PUBLISHED_FILES = (store_files.AUDIO_FILE, store_files.TRANSCRIPT_FILE, store_files.CHAPTERS_FILE)
_REQUIRED_KEYS = ("guid", "episode_id", "title", "published", "duration")


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
    folder: Path
    files: dict[str, str]  # those of PUBLISHED_FILES that exist → "size:mtime_ns"
    digest: str  # changes whenever anything published about the episode changes
    only_show: str = ""  # an audio edition: the slug of the one show it is published in

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
class Layout:
    """Paths inside public/ (relative, '/'-separated) and their public URLs.

    index.html                        the Podcast List
    <slug>/  and  <slug>/page/<n>/    a show's Episode List, newest first
    <slug>/feed.xml                   a show's RSS feed
    episodes/<id>/                    the Single Episode page, its audio, transcript, chapters
                                      and episode.json (what the player needs)
    covers/<slug>-<hash>.jpg          show covers; a new image gets a new name, as Apple asks
    static/                           the player and the pages' style sheet
    """

    base_url: str  # ends with "/"

    def absolute(self, path: str) -> str:
        return self.base_url + path

    @staticmethod
    def feed(slug: str) -> str:
        return f"{slug}/feed.xml"

    @staticmethod
    def show_page(slug: str, number: int = 1) -> str:
        return f"{slug}/" if number == 1 else f"{slug}/page/{number}/"

    @staticmethod
    def episode_page(episode_id: str) -> str:
        return f"episodes/{episode_id}/"

    @staticmethod
    def episode_file(episode_id: str, name: str) -> str:
        return f"episodes/{episode_id}/{name}"

    @staticmethod
    def cover(slug: str, image: bytes) -> str:
        return f"covers/{slug}-{hashlib.sha256(image).hexdigest()[:10]}.jpg"

    @staticmethod
    def file_for(page: str) -> str:
        """The file that serves a page URL path: a folder URL is served by its index.html."""
        return page + "index.html" if page == "" or page.endswith("/") else page

    @staticmethod
    def root_from(page: str) -> str:
        """The relative prefix that leads from PAGE back to the top of public/."""
        return "../" * page.count("/")


def layout_for(settings: Settings) -> Layout:
    base = settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
    return Layout(base)


def check_site(settings: Settings) -> list[str]:
    """Problems with the settings that publishing depends on, every one of them."""
    problems = []
    if not re.match(r"^https?://[^/\s]+/", layout_for(settings).base_url):
        problems.append(
            f"base_url = {settings.base_url!r}: must be an absolute http(s) URL, "
            "e.g. https://podcasts.example.com/"
        )
    for show in settings.all_shows():
        if show.slug in RESERVED_SLUGS:
            problems.append(
                f"shows: slug {show.slug!r} is taken by public/{show.slug}/; "
                f"choose another (reserved: {', '.join(RESERVED_SLUGS)})"
            )
    return problems


@dataclass(frozen=True)
class Catalogue:
    episodes: list[PublishedEpisode]  # newest first
    problems: list[str]  # one line for each episode that could not be read (and is left out)


def read_catalogue(episodes_dir: Path) -> Catalogue:
    """Every stored episode, newest first. A missing store is an empty one."""
    if not episodes_dir.is_dir():
        return Catalogue([], [])
    EpisodeStore(episodes_dir)  # opening it puts back an episode a crashed run left aside
    episodes = []
    problems = []
    # one directory scan per episode, not a stat per file: this runs on every build
    with os.scandir(episodes_dir) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir() and not entry.name.startswith("."):  # hidden: being made
                try:
                    episode = _read_episode(entry.path)
                except PublishError as exc:
                    problems.append(str(exc))
                    continue
                if episode is not None:
                    episodes.append(episode)
    return Catalogue(sorted(episodes, key=lambda e: e.sort_key, reverse=True), problems)


def episodes_of(show: Show, catalogue: list[PublishedEpisode]) -> list[PublishedEpisode]:
    """The show's episodes, newest first (the catalogue's order)."""
    return [episode for episode in catalogue if belongs_to(show, episode)]


def belongs_to(show: Show, episode: PublishedEpisode) -> bool:
    """The show's categories decide; an audio edition (category "edition:<slug>") is, besides,
    published only in the show its edition names, not in every show that gathers all."""
    return show.includes(episode.category) and episode.only_show in ("", show.slug)


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


def _read_episode(folder: str) -> PublishedEpisode | None:
    info_path = os.path.join(folder, store_files.INFO_FILE)  # strings: this runs per episode
    try:
        with open(info_path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None  # not an episode
    try:
        info = json.loads(raw)
    except ValueError as exc:
        raise PublishError(f"{info_path}: not valid JSON ({exc})") from exc
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
        return _episode(folder, info, raw, published)
    except (KeyError, TypeError, ValueError) as exc:
        raise PublishError(f"{info_path}: a wrong value ({type(exc).__name__}: {exc})") from exc


def _episode(folder: str, info: dict, raw: bytes, published: datetime) -> PublishedEpisode:
    files, audio_size = _published_files(folder)
    digest = hashlib.sha256(raw)
    for name in PUBLISHED_FILES:
        digest.update(f"{name}={files.get(name, '-')};".encode())
    return PublishedEpisode(
        episode_id=os.path.basename(folder),  # the folder is what the URLs name
        guid=info["guid"],
        title=info["title"],
        author=info.get("author", ""),
        description=info.get("description", ""),
        published=published,
        category=info.get("category", ""),
        url=info.get("url", ""),
        language=info.get("language", "ru"),
        duration=float(info["duration"]),
        chapters=tuple(
            Chapter(float(c["start"]), float(c["end"]), c["title"])
            for c in info.get("chapters", [])
        ),
        audio_bytes=audio_size if audio_size is not None else int(info.get("audio_bytes", 0)),
        folder=Path(folder),
        files=files,
        digest=digest.hexdigest(),
        only_show=str((info.get("edition") or {}).get("show", "")),
    )


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
