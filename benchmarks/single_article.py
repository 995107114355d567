"""One article, start to finish: `audiocast episode` against a naive peer, as whole processes.

What is measured
    A: `.venv/bin/audiocast --site SITE episode SEED`, SITE a fresh temporary folder holding an
       empty audiocast.toml, so every run starts with an empty speech cache (every sentence is
       synthesized, the cover drawn, the encoder's level probe measured again): the latency of
       one new article, start-up included.
    B: `python benchmarks/peers/naive_podcast.py SEED OUT`, the naive pipeline a newcomer would
       write (espeak-ng per paragraph → pydub `+` with 700 ms pauses → 64 kbit/s MP3 → a
       one-item feedgen feed), in a fresh output folder each run.

    Both read the same plain-text file (first line the title, blank lines between paragraphs).
    One untimed run of each first (so the page cache holds the programs and data), then PAIRS
    pairs, interleaved A B A B..., so that load from other work falls on both alike. Per run,
    from os.wait4 on the child: wall time (spawn to reap), CPU time (user + sys of the child
    and of every process it waited for: ffmpeg, espeak-ng), and ru_maxrss, the peak resident
    size of the largest single process of that tree (not the sum of processes running at
    once). On Linux the child's figure cannot be below this process's own peak at the time it
    was spawned (the high-water mark survives exec); that floor is recorded and is small,
    since this script imports nothing heavy.

Seeds
    default   tests/fixtures/seeds/minval-baku-kiev.txt, the whole page as scraped text (the
              article with the site's menus, headlines and footer around it).
    --body    the article alone: title and body of tests/fixtures/articles/minval-baku-kiev.md
              written as plain text (headings as paragraphs) into the temporary folder.
    --seed    any other plain-text file.

Summary and targets
    The median of each figure per side; the ratio of the medians (audiocast / peer) for wall
    time, CPU time and peak memory. Targets: wall-time ratio at most 1.1; audiocast's peak at
    most 150 MiB.

    --peer-rate 44100 has the peer write its MP3 at 44.1 kHz, as audiocast does (Apple Podcasts
    asks at least that of a mono MP3); the label then says so.

Usage
    .venv/bin/python benchmarks/single_article.py [--pairs N] [--body | --seed FILE]
        [--peer-rate HZ]

The table goes to stdout, progress to stderr; the figures go to
benchmarks/results/single_article.json under "seeds" → the seed's label (other labels already
there are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results_file import write_results  # noqa: E402 - benchmarks/ is on sys.path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "single_article.json"
SEED = ROOT / "tests" / "fixtures" / "seeds" / "minval-baku-kiev.txt"
ARTICLE_MARKDOWN = ROOT / "tests" / "fixtures" / "articles" / "minval-baku-kiev.md"
AUDIOCAST = Path(sys.executable).parent / "audiocast"
PEER = HERE / "peers" / "naive_podcast.py"
WALL_RATIO_TARGET = 1.1
PEAK_TARGET_MIB = 150.0
SIDES = ("audiocast", "peer")
MIB = 1024  # ru_maxrss is in KiB on Linux


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def body_as_text(markdown: Path, out: Path) -> Path:
    """The article of MARKDOWN as plain text: its title line, then its paragraphs."""
    text = markdown.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1) if text.startswith("---\n") else ("", text)
    title = re.search(r'^title:\s*"?(.*?)"?\s*$', front, re.MULTILINE)
    blocks = [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", body.strip())]
    blocks = [block.removeprefix("## ") for block in blocks if block]
    out.write_text("\n\n".join([title.group(1) if title else "", *blocks]) + "\n", "utf-8")
    return out


def command(side: str, seed: Path, folder: Path, peer_rate: int | None) -> tuple[list[str], Path]:
    """The argument vector of SIDE and the folder it runs in, fresh in FOLDER."""
    folder.mkdir()
    if side == "audiocast":
        (folder / "audiocast.toml").write_text("", encoding="utf-8")  # defaults: cache inside
        return [str(AUDIOCAST), "--site", str(folder), "episode", str(seed)], folder
    rate = ["--rate", str(peer_rate)] if peer_rate else []
    return [sys.executable, str(PEER), str(seed), str(folder / "out"), *rate], folder


def run_once(side: str, seed: Path, folder: Path, peer_rate: int | None) -> dict[str, Any]:
    """One whole process of SIDE in a fresh FOLDER: wall, CPU, peak, what it made."""
    argv, cwd = command(side, seed, folder, peer_rate)
    load = os.getloadavg()[0]
    with open(folder / "stdout", "w+b") as out, open(folder / "stderr", "w+b") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        _, wait_status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"{side} exited {process.returncode}: {stderr[-2000:]}")
    # both print "PATH<TAB>SECONDSs<TAB>TITLE" for the episode they made
    fields = stdout.strip().splitlines()[-1].split("\t")
    made = Path(fields[0]) if Path(fields[0]).is_absolute() else cwd / fields[0]
    mp3 = next(made.glob("*.mp3")) if made.is_dir() else made  # audiocast: the episode folder
    return {
        "wall_s": round(wall, 4),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 4),
        "user_s": round(usage.ru_utime, 4),
        "sys_s": round(usage.ru_stime, 4),
        "peak_mib": round(usage.ru_maxrss / MIB, 1),
        "audio_s": float(fields[1].removesuffix("s")),
        "mp3_bytes": mp3.stat().st_size,
        "load1_at_start": load,
    }


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def median(key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 4)

    return {
        "wall_s": median("wall_s"),
        "wall_min_s": min(run["wall_s"] for run in runs),
        "wall_max_s": max(run["wall_s"] for run in runs),
        "cpu_s": median("cpu_s"),
        "user_s": median("user_s"),
        "sys_s": median("sys_s"),
        "peak_mib": median("peak_mib"),
        "audio_s": median("audio_s"),
        "mp3_bytes": int(median("mp3_bytes")),
        "runs": runs,
    }


def format_table(label: str, seed: Path, pairs: int, record: dict[str, Any]) -> str:
    medians, ratios, met = record["medians"], record["ratios"], record["met"]
    chars = len(seed.read_text(encoding="utf-8"))
    lines = [
        f"seed {label}: {record['seed']} ({chars:,} characters); {pairs} pairs, "
        "interleaved A B; medians",
        f"{'':<11}{'wall s':>8}{'min':>8}{'max':>8}{'CPU s':>8}{'user':>8}{'sys':>8}"
        f"{'peak MiB':>10}{'audio s':>9}{'MP3 KiB':>9}",
    ]
    for side in SIDES:
        row = medians[side]
        lines.append(
            f"{side:<11}{row['wall_s']:>8.2f}{row['wall_min_s']:>8.2f}{row['wall_max_s']:>8.2f}"
            f"{row['cpu_s']:>8.2f}{row['user_s']:>8.2f}{row['sys_s']:>8.2f}"
            f"{row['peak_mib']:>10.1f}{row['audio_s']:>9.1f}{row['mp3_bytes'] / 1024:>9.0f}"
        )
    lines.append(
        f"{'ratio':<11}{ratios['wall']:>8.2f}{'':>16}{ratios['cpu']:>8.2f}{'':>16}"
        f"{ratios['peak']:>10.2f}   (audiocast / peer, ratio of medians)"
    )
    lines.append(
        f"targets: wall ratio ≤ {WALL_RATIO_TARGET}: "
        f"{'met' if met['wall_ratio'] else 'MISSED'} ({ratios['wall']:.2f}); "
        f"audiocast peak ≤ {PEAK_TARGET_MIB:.0f} MiB: "
        f"{'met' if met['audiocast_peak'] else 'MISSED'} ({medians['audiocast']['peak_mib']:.1f})"
    )
    load = record["load_average"]
    lines.append(
        f"load average (1, 5, 15 min): start {fmt_load(load['start'])}, "
        f"end {fmt_load(load['end'])}; {os.cpu_count()} cores"
    )
    return "\n".join(lines)


def fmt_load(values: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5, help="timed A B pairs (default 5)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--seed", type=Path, help="another plain-text article")
    which.add_argument("--body", action="store_true", help="the article alone, from the .md")
    parser.add_argument(
        "--peer-rate", type=int, metavar="HZ",
        help="the peer's MP3 sample rate (default: the speech's 22,050 Hz; audiocast writes "
        "44,100, Apple Podcasts' least for a mono MP3)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    load_start = os.getloadavg()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="single-article-") as folder:
        workdir = Path(folder)
        if args.body:
            label, seed = "body", body_as_text(ARTICLE_MARKDOWN, workdir / "article.txt")
            source = f"{ARTICLE_MARKDOWN.relative_to(ROOT)}, title and body as plain text"
        else:
            label, seed = (args.seed.stem, args.seed.resolve()) if args.seed else ("page", SEED)
            source = str(seed.relative_to(ROOT)) if seed.is_relative_to(ROOT) else str(seed)
        if args.peer_rate:
            label = f"{label}, peer at {args.peer_rate} Hz"
        floor_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MIB
        for side in SIDES:  # untimed: the page cache holds the programs and data after
            run_once(side, seed, workdir / f"warm-{side}", args.peer_rate)
        log("warm-up done")
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
        for pair in range(args.pairs):
            for side in SIDES:
                runs[side].append(run_once(side, seed, workdir / f"{pair}-{side}", args.peer_rate))
            log(f"pair {pair + 1}/{args.pairs}: " + ", ".join(
                f"{side} {runs[side][-1]['wall_s']:.2f} s {runs[side][-1]['peak_mib']:.0f} MiB"
                for side in SIDES))  # fmt: skip
        chars = len(seed.read_text(encoding="utf-8"))
        medians = {side: summarize(runs[side]) for side in SIDES}
        load_end = os.getloadavg()
        a, b = medians["audiocast"], medians["peer"]
        ratios = {
            key: round(a[field] / b[field], 3)
            for key, field in (("wall", "wall_s"), ("cpu", "cpu_s"), ("peak", "peak_mib"))
        }
        record = {
            "measured": datetime.now(UTC).isoformat(timespec="seconds"),
            "seed": source,
            "seed_chars": chars,
            "peer_mp3_rate_hz": args.peer_rate or 22_050,
            "pairs": args.pairs,
            "load_average": {"start": list(load_start), "end": list(load_end)},
            "parent_rss_floor_mib": round(floor_mib, 1),
            "medians": medians,
            "ratios": ratios,
            "met": {
                "wall_ratio": ratios["wall"] <= WALL_RATIO_TARGET,
                "audiocast_peak": a["peak_mib"] <= PEAK_TARGET_MIB,
            },
            "benchmark_wall_s": round(time.perf_counter() - started, 1),
        }
        print(format_table(label, seed, args.pairs, record))
    previous: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            previous = json.loads(RESULTS.read_text(encoding="utf-8")).get("seeds", {})
        except (OSError, ValueError):
            previous = {}
    previous[label] = record
    write_results(
        RESULTS,
        {
            "benchmark": "single_article",
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "sides": {
                "audiocast": "audiocast --site FRESH episode SEED (empty audiocast.toml, cold "
                "speech cache)",
                "peer": "benchmarks/peers/naive_podcast.py SEED OUT (espeak-ng per paragraph, "
                "pydub +, 700 ms pauses, 64 kbit/s MP3, feedgen)",
            },
            "figures": "medians; CPU = user + sys of the child and its waited-for children "
            "(os.wait4); peak = ru_maxrss of the largest process in the child's tree",
            "targets": {
                "wall_ratio_at_most": WALL_RATIO_TARGET,
                "peak_mib_at_most": PEAK_TARGET_MIB,
            },
            "last_label": label,
            "met": {name: seed_record["met"] for name, seed_record in previous.items()},
            "seeds": previous,
        },
    )
    log(f"wrote {RESULTS}")
    return 0 if all(record["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
