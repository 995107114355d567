"""`audiocast sync` on 50 articles of realistic length from a local WordPress site
(tests/fakes/site.py), with the offline voice (espeak-ng), on this machine.

Measured, each in a fresh process:
  * a first sync with one worker, and one with every core (workers = os.cpu_count()), each on
    an empty store and an empty speech cache: wall time, speed-up (target ≥ 1.7×);
  * peak memory: the syncing process and the largest worker (or ffmpeg) it ran;
  * a second sync with nothing changed, as cron runs it: `audiocast sync` end to end, site read,
    state checked, public/ rebuilt (target under 2 s).

Prints a table; writes benchmarks/results/sync_batch.json.

    .venv/bin/python benchmarks/sync_batch.py
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results_file import RESULTS_DIR, write_results  # noqa: E402

from tests.fakes.site import FakeSite, make_post  # noqa: E402

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "50"))
PARAGRAPHS_PER_ARTICLE = 4  # about 2,500 characters: a typical piece on the site
RESULTS = RESULTS_DIR / "sync_batch.json"
BAKU = timezone(timedelta(hours=4))


def seed_paragraphs() -> list[str]:
    markdown = (ROOT / "tests/fixtures/articles/minval-baku-kiev.md").read_text(encoding="utf-8")
    body = markdown.split("---", 2)[2]
    return [p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith("#")]


def posts() -> list[dict]:
    """Fifty posts from the seed's paragraphs, every sentence marked with its article so that
    no two articles share a sentence (the cache would make shared ones free)."""
    paragraphs = seed_paragraphs()
    made = []
    for number in range(ARTICLES):
        chosen = [paragraphs[(number + i) % len(paragraphs)] for i in range(PARAGRAPHS_PER_ARTICLE)]
        marked = [p.replace(". ", f", выпуск {number + 1}. ") for p in chosen]
        published = datetime(2026, 1, 28, 9, 0, tzinfo=BAKU) + timedelta(minutes=number)
        made.append(
            make_post(
                140000 + number,
                f"Статья номер {number + 1}: Баку и Киев",
                marked,
                published=published,
                category="Статьи",
            )  # fmt: skip
        )
    return made


def write_config(folder: Path, site_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audiocast.toml").write_text(
        'timezone = "Asia/Baku"\n'
        f'[[sources]]\nname = "minval"\nkind = "wordpress"\nurl = "{site_url}"\n'
        "max_pages = 5\nper_page = 20\n",
        encoding="utf-8",
    )


def child(folder: Path, workers: int, out: Path, one_core: bool) -> None:
    """One first sync in this process; its figures to OUT. ONE_CORE pins it, and everything it
    starts, to a single CPU."""
    if one_core:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from audiocast.config import load_settings
    from audiocast.sync import sync_once

    settings = load_settings(folder)
    start = time.perf_counter()
    report = sync_once(settings, workers=workers)
    seconds = time.perf_counter() - start
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    record = {
        "workers": workers,
        "seconds": seconds,
        "cpu_seconds": sum(u.ru_utime + u.ru_stime for u in usage),
        "made": len(report.outcomes) - len(report.failed),
        "failed": len(report.failed),
        "audio_seconds": None,
        "peak_self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_children_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    out.write_text(json.dumps(record), encoding="utf-8")


def first_sync(site_url: str, workdir: Path, workers: int, one_core: bool = False) -> dict:
    name = f"{workers}{'-pinned' if one_core else ''}"
    folder = workdir / f"site-{name}"
    write_config(folder, site_url)
    out = workdir / f"first-{name}.json"
    print(f"first sync, {name} worker(s)…", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, __file__, "--child", str(folder), "--workers", str(workers),
         "--out", str(out)] + (["--one-core"] if one_core else []), check=True,
    )  # fmt: skip
    record = json.loads(out.read_text(encoding="utf-8"))
    record["audio_seconds"] = sum(
        json.loads(p.read_text(encoding="utf-8"))["duration"]
        for p in (folder / "episodes").glob("*/episode.json")
    )
    return record


def no_change_sync(folder: Path) -> list[float]:
    """`audiocast sync` as cron runs it, three times on the synced store."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "audiocast", "sync"], cwd=folder, capture_output=True,
            text=True,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
        if result.returncode != 0 or "0 made" not in result.stderr:
            raise SystemExit(f"no-change sync did something: {result.stderr[-500:]}")
    return times


def main() -> None:
    cores = os.cpu_count() or 1
    with FakeSite(posts()) as site, tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        one = first_sync(site.url, workdir, 1)
        pinned = first_sync(site.url, workdir, 1, one_core=True)
        every = first_sync(site.url, workdir, cores)
        unchanged = no_change_sync(workdir / f"site-{cores}")
    speedup = one["seconds"] / every["seconds"]
    quiet = statistics.median(unchanged)
    print(f"{ARTICLES} articles, {one['audio_seconds'] / 60:.0f} min of audio, {cores} cores")
    print(f"{'':24}{'seconds':>9}{'cores busy':>11}{'made':>6}{'peak MiB':>10}{'worker MiB':>12}")
    runs = (("1 worker", one), ("1 worker, 1 core", pinned), (f"{cores} workers", every))
    for label, run in runs:
        busy = run["cpu_seconds"] / run["seconds"]
        print(f"{label:24}{run['seconds']:9.1f}{busy:11.2f}{run['made']:6}"
              f"{run['peak_self_mib']:10.0f}{run['peak_children_mib']:12.0f}")  # fmt: skip
    print(
        f"speed-up {speedup:.2f}× (target ≥ 1.7×): {'PASS' if speedup >= 1.7 else 'FAIL'}; "
        f"against one worker on one core: {pinned['seconds'] / every['seconds']:.2f}×"
    )
    print(f"no-change sync (CLI, with rebuild): median {quiet:.2f} s of "
          f"{', '.join(f'{t:.2f}' for t in unchanged)} (target < 2 s): "
          f"{'PASS' if quiet < 2 else 'FAIL'}")  # fmt: skip
    write_results(RESULTS, {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": ARTICLES,
        "cores": cores,
        "one_worker": one,
        "one_worker_one_core": pinned,
        "all_cores": every,
        "speedup": speedup,
        "no_change_sync_seconds": unchanged,
        "targets": {"speedup_at_least_1_7": speedup >= 1.7, "no_change_under_2_s": quiet < 2},
    })  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", type=Path)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--one-core", action="store_true")
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.workers, arguments.out, arguments.one_core)
    else:
        main()
