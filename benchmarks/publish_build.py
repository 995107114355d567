"""Time and peak memory of `audiocast build` for a store of 10,000 episodes.

What is measured
    A synthetic store of 10,000 episodes: episode.json and a 1 KB stand-in for episode.mp3
    (a build publishes no episode without its audio; real audio costs disk bandwidth in the
    first build only, not the part of a build that grows with the site), published in two shows:
    one of every article and one of a third of them (a category), feed_limit 100, page_size
    20, with transcripts for none. Each measurement runs in a fresh Python process, so that
    its peak memory (getrusage(RUSAGE_SELF).ru_maxrss) is that build's alone:

    1. full: build() into an empty public/ — every page, feed and player file rendered
       and written (about 10,000 Single Episode pages, 670 Episode List pages, 2 feeds);
    2. unchanged: build() again with nothing changed — nothing rendered, nothing written
       (the store entries the first build read moments after they were written are read
       again: see audiocast/publish/catalogue_cache.py);
    3. one new: one newer episode added to the store, then build() — its page, the shows'
       front pages (archive pages keep their episodes), the feeds and the Podcast List
       rendered and written; every other store entry comes from the catalogue cache.

    The time is build()'s wall time inside the child, without the interpreter's start and
    imports (those are recorded as "startup_s").

Targets
    full build under 20 s, one-episode rebuild under 2 s, peak memory under 500 MB (10^6 bytes).

Usage
    .venv/bin/python benchmarks/publish_build.py [--episodes N]

A table goes to stdout; everything is written to benchmarks/results/publish_build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from results_file import write_results  # noqa: E402 - benchmarks/ is on sys.path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "publish_build.json"
EPISODES = 10_000
TARGETS = {"full_s": 20.0, "one_new_s": 2.0, "peak_mb": 500.0}
MIB = 2**20
SETTINGS_TOML = """\
base_url = "https://podcasts.example.com/"
feed_limit = 100
page_size = 20

[[shows]]
slug = "politika"
title = "Minval Politika"
description = "Все статьи Minval, вслух."
owner_email = "podcast@minval.az"

[[shows]]
slug = "economy"
title = "Minval: экономика"
owner_email = "podcast@minval.az"
categories = ["Экономика"]
subcategory = "Business News"
"""
_CATEGORIES = ("Политика", "Экономика", "Общество")
_AUDIO = b"ID3" + bytes(1021)  # begins as an MP3 file does: the build checks that much


def write_episode(episodes_dir: Path, number: int) -> None:
    """Episode NUMBER of the synthetic store, published NUMBER × 37 minutes after a start."""
    published = datetime(2024, 1, 1, 8, tzinfo=timezone(timedelta(hours=4)))
    published += timedelta(minutes=37 * number)
    episode_id = f"{number:016x}"
    duration = 60.0 + (number * 7919) % 600
    info = {
        "guid": f"00000000-0000-5000-8000-{number:012x}",
        "episode_id": episode_id,
        "title": f"Новость дня номер {number}: правительство обсудило бюджет",
        "author": "Редакция Minval",
        "show": "Minval Politika",
        "published": published.isoformat(),
        "category": _CATEGORIES[number % len(_CATEGORIES)],
        "tags": ["бюджет", "правительство"],
        "url": f"https://minval.az/news/{number}",
        "language": "ru",
        "description": f"Краткое содержание новости номер {number}. " * 3,
        "voice": "ru-espeak",
        "duration": duration,
        "audio_file": "episode.mp3",
        "audio_bytes": len(_AUDIO),
        "bitrate_kbps": 64,
        "loudness_lufs": -16.0,
        "true_peak_dbtp": -1.0,
        "chapters": [
            {"start": 0.0, "end": 8.0, "title": "Вступление"},
            {"start": 8.0, "end": duration - 6, "title": "Новость"},
            {"start": duration - 6, "end": duration, "title": "Завершение"},
        ],
        "source": f"synthetic-{number}.json",
        "generator": "audiocast benchmark",
    }
    folder = episodes_dir / episode_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "episode.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    (folder / "episode.mp3").write_bytes(_AUDIO)


def child(site: Path) -> None:
    """One build in this process; prints its figures as JSON."""
    started = time.perf_counter()
    from audiocast.config import load_settings
    from audiocast.publish.build import build

    settings = load_settings(site)
    ready = time.perf_counter()
    report = build(settings)
    finished = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({
        "seconds": round(finished - ready, 3),
        "startup_s": round(ready - started, 3),
        "peak_mib": round(peak / MIB, 1),
        "peak_mb": round(peak / 1e6, 1),
        "written": len(report.written),
        "unchanged": report.unchanged,
        "removed": len(report.removed),
    }))  # fmt: skip


def measure(site: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(site)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=EPISODES)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as folder:
        site = Path(folder)
        (site / "audiocast.toml").write_text(SETTINGS_TOML, encoding="utf-8")
        log(f"writing a synthetic store of {arguments.episodes} episodes")
        for number in range(1, arguments.episodes + 1):
            write_episode(site / "episodes", number)
        runs = {}
        log("full build")
        runs["full"] = measure(site)
        log("rebuild, nothing changed")
        runs["unchanged"] = measure(site)
        write_episode(site / "episodes", arguments.episodes + 1)
        log("rebuild after adding one episode")
        runs["one_new"] = measure(site)
        files = sum(1 for p in (site / "public").rglob("*") if p.is_file())
    peak_mb = max(run["peak_mb"] for run in runs.values())
    checks = {
        "full_s": runs["full"]["seconds"] < TARGETS["full_s"],
        "one_new_s": runs["one_new"]["seconds"] < TARGETS["one_new_s"],
        "peak_mb": peak_mb < TARGETS["peak_mb"],
    }
    print(f"{'build':<12}{'time s':>9}{'peak MiB':>10}{'written':>9}{'unchanged':>11}")
    for name, run in runs.items():
        print(f"{name:<12}{run['seconds']:>9.2f}{run['peak_mib']:>10.1f}"
              f"{run['written']:>9}{run['unchanged']:>11}")  # fmt: skip
    print(f"{files} files in public/; targets: full < {TARGETS['full_s']:.0f} s, one new < "
          f"{TARGETS['one_new_s']:.0f} s, peak < {TARGETS['peak_mb']:.0f} MB: "
          + ("all met" if all(checks.values()) else "MISSED " + ", ".join(
              k for k, ok in checks.items() if not ok)))  # fmt: skip
    write_results(
        RESULTS,
        {
            "benchmark": "publish_build",
            "measured": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "episodes": arguments.episodes,
            "public_files": files,
            "runs": runs,
            "targets": TARGETS,
            "met": checks,
        },
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
