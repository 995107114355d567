"""The naive peer: one article → one MP3 and a one-item RSS feed, as a newcomer would write it.

Our own code, written for benchmarks/single_article.py to measure audiocast against; nothing of
audiocast is imported. The steps are the obvious ones:

    1. read the plain-text article: the first non-empty line is the title, blank lines separate
       paragraphs (no normalization: numbers, dates and abbreviations go to espeak-ng as they
       are);
    2. `espeak-ng -v ru -w N.wav TEXT`, one process per paragraph (22,050 Hz mono);
    3. pydub: AudioSegment.from_wav each, joined with `+` and 700 ms of silence between them;
    4. export to MP3 at 64 kbit/s (pydub writes a WAV and runs ffmpeg with libmp3lame, at the
       speech's own 22,050 Hz, or with --rate at another: Apple Podcasts asks at least
       44.1 kHz of a mono MP3, as audiocast writes);
    5. feedgen with its podcast extension: a feed with one item whose enclosure is the MP3.

It has no loudness normalization, limiter, ID3 tags, chapters, transcript, cover or speech
cache. Usage:

    .venv/bin/python benchmarks/peers/naive_podcast.py ARTICLE.txt OUT_DIR [--rate HZ]

OUT_DIR/episode.mp3 and OUT_DIR/feed.xml are written (the WAVs go to OUT_DIR/wav/); one line
goes to stdout: the MP3's path, its length in seconds and the title, tab-separated.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from feedgen.feed import FeedGenerator
from pydub import AudioSegment

PAUSE_MS = 700
BITRATE = "64k"
VOICE = "ru"
BASE_URL = "https://example.org/podcast"


def read_article(path: Path) -> tuple[str, list[str]]:
    """The title (first non-empty line) and the paragraphs (blank-line separated, one line each)."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").strip()
    title, _, rest = text.partition("\n")
    paragraphs = [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", rest)]
    return title.strip(), [p for p in paragraphs if p]


def speak(paragraphs: list[str], folder: Path) -> list[Path]:
    """One espeak-ng process per paragraph, each writing its own WAV."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number, paragraph in enumerate(paragraphs):
        wav = folder / f"{number:04d}.wav"
        subprocess.run(["espeak-ng", "-v", VOICE, "-w", str(wav), paragraph], check=True)
        files.append(wav)
    return files


def join(files: list[Path]) -> AudioSegment:
    """The paragraphs one after another with PAUSE_MS of silence between them."""
    episode = AudioSegment.empty()
    for number, wav in enumerate(files):
        if number:
            episode = episode + AudioSegment.silent(duration=PAUSE_MS)
        episode = episode + AudioSegment.from_wav(wav)
    return episode


def write_feed(title: str, mp3: Path, seconds: float, out: Path) -> None:
    """A podcast feed with one item: the episode."""
    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.title("Naive podcast")
    feed.link(href=f"{BASE_URL}/feed.xml", rel="self")
    feed.link(href=BASE_URL, rel="alternate")  # after "self": RSS <link> is the last one set
    feed.description("Articles read aloud by espeak-ng")
    feed.language("ru")
    feed.podcast.itunes_category("News")
    entry = feed.add_entry()
    entry.id(f"{BASE_URL}/{mp3.name}")
    entry.title(title)
    entry.description(title)
    entry.published(datetime.now(UTC))
    entry.enclosure(f"{BASE_URL}/{mp3.name}", str(mp3.stat().st_size), "audio/mpeg")
    entry.podcast.itunes_duration(round(seconds))
    feed.rss_file(str(out), pretty=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", type=Path, help="plain-text article (.txt)")
    parser.add_argument("out", type=Path, help="folder for episode.mp3 and feed.xml")
    parser.add_argument("--rate", type=int, help="MP3 sample rate (default: the speech's)")
    args = parser.parse_args(argv)
    title, paragraphs = read_article(args.article)
    args.out.mkdir(parents=True, exist_ok=True)
    episode = join(speak(paragraphs, args.out / "wav"))
    mp3 = args.out / "episode.mp3"
    resample = ["-ar", str(args.rate)] if args.rate else None
    episode.export(str(mp3), format="mp3", bitrate=BITRATE, parameters=resample)
    seconds = len(episode) / 1000
    write_feed(title, mp3, seconds, args.out / "feed.xml")
    print(f"{os.fspath(mp3)}\t{seconds:.1f}s\t{title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
