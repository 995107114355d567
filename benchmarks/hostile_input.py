"""Peak memory and wall time of hostile articles, each case in a fresh Python process.

Cases
    script      `audiocast script` on an article whose body is one 150,000-character sentence
                without a full stop ("слово " × 25,000, one paragraph), output thrown away;
    episode     `audiocast episode` on the same article, with an empty temporary folder as the
                site (empty speech cache: every take is really synthesized by espeak-ng);
    alias_bomb  reading a Markdown file whose front matter is a "billion laughs" YAML alias bomb
                (nine levels of nine aliases each, `tags` pointing at the eighth: about 43
                million strings once expanded) with audiocast.ingest.read_article.

What is measured
    Each child runs the command in process (audiocast.cli.main, which is what the `audiocast`
    script calls) and records its wall time, its exit status and last line on stderr, and
    getrusage(RUSAGE_SELF).ru_maxrss afterwards: the peak resident size of the whole process,
    imports included ("peak_mib"; "baseline_mib" is the same figure taken after the imports,
    before the work). The parent imports nothing of audiocast, so that the child's high-water
    mark does not start at a large parent's size (on Linux a child's ru_maxrss counts the
    memory of the process it was started from up to its exec). ffmpeg, started by the episode
    for loudness and encoding, is a process of its own and not counted.

Targets
    * the episode's peak below 300 MB (10^6 bytes), as for any long article
      (benchmarks/episode_stages.py);
    * the alias bomb refused (an ArticleError, exit status 2) in under a second.

Usage
    .venv/bin/python benchmarks/hostile_input.py            # all cases; table on stdout
    .venv/bin/python benchmarks/hostile_input.py --one CASE --site DIR --out RESULT.json

Everything is written to benchmarks/results/hostile_input.json.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results_file import RESULTS_DIR, write_results  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = RESULTS_DIR / "hostile_input.json"
CASES = ("script", "episode", "alias_bomb")
SENTENCE_WORDS = 25_000  # "слово " × 25,000 = 150,000 characters
PEAK_TARGET_MB = 300.0  # megabytes of 10^6 bytes
PEAK_TARGET_MIB = PEAK_TARGET_MB * 1e6 / 2**20
BOMB_TARGET_SECONDS = 1.0
CHILD_TIMEOUT_SECONDS = 1800


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the articles


def write_long_sentence(folder: Path) -> Path:
    """One paragraph of one 150,000-character sentence: no full stop, no comma."""
    path = folder / "long-sentence.md"
    front = '---\ntitle: "Одно длинное предложение"\ndate: 2026-01-28T10:00:00+04:00\n---\n'
    path.write_text(front + "слово " * SENTENCE_WORDS + "\n", encoding="utf-8")
    return path


def write_alias_bomb(folder: Path) -> Path:
    """Nine levels of anchors, each a list of nine aliases of the one before."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
        previous = name
    front = "\n".join(["---", 'title: "Бомба"', *lines, "tags: *h", "---"])
    path = folder / "alias-bomb.md"
    path.write_text(f"{front}\nТекст статьи.\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- one child process


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_child(case: str, site: Path, source: Path, out: Path) -> None:
    """CASE once in this process; its figures to OUT."""
    from audiocast.cli import main as audiocast_main
    from audiocast.config import load_settings
    from audiocast.errors import ArticleError
    from audiocast.ingest import read_article

    baseline = peak_mib()
    stderr = io.StringIO()
    start = time.perf_counter()
    if case == "alias_bomb":
        try:
            read_article(str(source), load_settings(site))
            status, message = 0, "read without an error"
        except ArticleError as exc:
            status, message = 2, f"error: {exc}"
    else:
        command = ["--site", str(site), case, str(source)]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
            status = audiocast_main(command)
        lines = [line for line in stderr.getvalue().splitlines() if line.strip()]
        message = lines[-1] if lines else ""
    seconds = time.perf_counter() - start
    record = {
        "case": case,
        "seconds": seconds,
        "peak_mib": peak_mib(),
        "baseline_mib": baseline,
        "exit_status": status,
        "message": message,
    }
    write_results(out, record)


# ---------------------------------------------------------------- the parent


def spawn(case: str, site: Path, source: Path, workdir: Path) -> dict[str, Any]:
    out = workdir / f"{case}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--one", case]
    command += ["--site", str(site), "--source", str(source), "--out", str(out)]
    log(f"{case}: {source.name} ({source.stat().st_size:,} bytes)")
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, timeout=CHILD_TIMEOUT_SECONDS)
    record = json.loads(out.read_text(encoding="utf-8"))
    record["process_seconds"] = time.perf_counter() - started
    return record


def episode_facts(site: Path) -> dict[str, Any]:
    """Audio length and cue count of the episode the episode case made."""
    infos = list((site / "episodes").glob("*/episode.json"))
    if not infos:
        return {"audio_seconds": None}
    info = json.loads(infos[0].read_text(encoding="utf-8"))
    return {"audio_seconds": info.get("duration")}


def machine_info() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def format_table(cases: dict[str, dict[str, Any]]) -> str:
    head = f"{'case':<12}{'seconds':>9}{'peak MiB':>10}{'baseline MiB':>14}{'audio s':>9}"
    head += f"{'exit':>6}  message"
    lines = [head, "-" * len(head)]
    for name, row in cases.items():
        audio = row.get("audio_seconds")
        lines.append(
            f"{name:<12}{row['seconds']:>9.2f}{row['peak_mib']:>10.1f}{row['baseline_mib']:>14.1f}"
            f"{'-' if audio is None else f'{audio:.0f}':>9}"
            f"{row['exit_status']:>6}  {row['message'][:80]}"
        )
    lines.append(
        "seconds = the command's wall time in its child process; peak MiB = ru_maxrss of the "
        "child (imports included);\nbaseline MiB = the same after the imports, before the work; "
        "audio s = the episode's length"
    )
    return "\n".join(lines)


def verdicts(cases: dict[str, dict[str, Any]]) -> dict[str, bool]:
    episode, bomb = cases["episode"], cases["alias_bomb"]
    return {
        "episode_made": episode["exit_status"] == 0,
        "episode_peak_below_300_mb": episode["peak_mib"] < PEAK_TARGET_MIB,
        "alias_bomb_refused": bomb["exit_status"] == 2,
        "alias_bomb_under_1_s": bomb["seconds"] < BOMB_TARGET_SECONDS,
    }


def run_all() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="audiocast-hostile-") as folder:
        workdir = Path(folder)
        articles = workdir / "articles"
        articles.mkdir()
        long_sentence = write_long_sentence(articles)
        bomb = write_alias_bomb(articles)
        sources = {"script": long_sentence, "episode": long_sentence, "alias_bomb": bomb}
        cases: dict[str, dict[str, Any]] = {}
        for case in CASES:
            site = workdir / f"site-{case}"  # an empty site: defaults, empty cache
            site.mkdir()
            cases[case] = spawn(case, site, sources[case], workdir)
            if case == "episode":
                cases[case].update(episode_facts(site))
        bomb_bytes = bomb.stat().st_size
    checks = verdicts(cases)
    print(format_table(cases))
    print()
    for name, passed in checks.items():
        print(f"{name}: {'PASS' if passed else 'FAIL'}")
    wall = time.perf_counter() - started
    print(f"\nbenchmark wall time: {wall:.1f} s")
    write_results(
        RESULTS,
        {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "wall_seconds": wall,
            "machine": machine_info(),
            "articles": {
                "long_sentence": f"one paragraph, 'слово ' x {SENTENCE_WORDS:,} "
                f"({6 * SENTENCE_WORDS:,} characters, no punctuation)",
                "alias_bomb": f"{bomb_bytes} bytes, nine alias levels, tags: *h",
            },
            "targets": {
                "episode_peak_mb_below": PEAK_TARGET_MB,
                "alias_bomb_seconds_below": BOMB_TARGET_SECONDS,
            },
            "cases": cases,
            "verdicts": checks,
        },
    )
    log(f"wrote {RESULTS}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", choices=CASES, help="child mode: run one case")
    parser.add_argument("--site", type=Path, help="child mode: the site folder")
    parser.add_argument("--source", type=Path, help="child mode: the article")
    parser.add_argument("--out", type=Path, help="child mode: where to write the record")
    args = parser.parse_args(argv)
    if args.one:
        if not (args.site and args.source and args.out):
            parser.error("--one needs --site, --source and --out")
        run_child(args.one, args.site, args.source, args.out)
    else:
        run_all()


if __name__ == "__main__":
    main()
