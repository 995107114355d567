"""Start-up cost of the `audiocast` command: whole processes, as a user or cron starts them.

What is measured
    Each command is the installed console script (`.venv/bin/audiocast`) in a fresh process,
    run ROUNDS times (default 5), interleaved: round 1 runs every command once (and once on the
    --before tree), then round 2, and so on, each round in a rotated order, so that load from
    other work on the machine falls on all commands and both trees alike. Per run: the wall
    time from spawning to reaping the child, and its peak resident memory, from the child's
    own rusage as GNU time reports it (`/usr/bin/time -f %M`: time is a small process, so the
    figure is the command's alone; a child forked from this Python process would start its
    high-water mark at ours). Without /usr/bin/time, os.wait4's rusage is used instead.

    help     `audiocast --help`
    status   `audiocast status` in a site folder whose episodes/ holds a real sync state
             database (audiocast.state.SyncState): 200 articles, done, pending, failed and
             removed
    voices   `audiocast voices` (loads the voice profiles and asks each engine whether it works)
    script   `audiocast script audiocast/samples/minval-baku-kiev.html` (ingest + script, no
             speech)
    episode  `audiocast --site FRESH episode audiocast/samples/minval-baku-kiev.html`, a fresh
             site folder every run: empty speech cache, the encoder's level probe measured
             again; the one-article latency (skip with --no-episode)

    Apart from the timed runs, each command runs once more in-process
    (`audiocast.cli.main(argv)` in a fresh interpreter) to list which heavy packages it has
    imported by the time it returns (numpy, scipy, trafilatura, rich, jinja2, the pipeline...).

Summary
    The median wall time and the median peak memory of the ROUNDS runs of each command.

Targets
    help: at most 0.3 s and 60 MiB; status: at most 0.4 s.

Usage
    .venv/bin/python benchmarks/startup.py [--label LABEL] [--rounds N] [--no-episode]
    git archive COMMIT | tar -x -C DIR     # then, to compare with that commit in the same rounds:
    .venv/bin/python benchmarks/startup.py --before DIR

A table goes to stdout; the figures are written to benchmarks/results/startup.json, under
"runs" → LABEL (default "after", and "before" for --before); other labels already there are
kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
RESULTS = HERE / "results" / "startup.json"
SAMPLE = ROOT / "audiocast" / "samples" / "minval-baku-kiev.html"
AUDIOCAST = Path(sys.executable).parent / "audiocast"
GNU_TIME = "/usr/bin/time"
TARGETS = {"help_s": 0.3, "help_mib": 60.0, "status_s": 0.4}
HEAVY = ("numpy", "scipy", "trafilatura", "lxml", "rich", "jinja2", "pydub", "PIL",
         "mutagen", "feedgen", "requests", "razdel", "ru_normalizr", "num2words",
         "audiocast.pipeline", "audiocast.sync", "audiocast.episode", "audiocast.publish",
         "audiocast.ingest", "audiocast.script", "audiocast.speech")  # fmt: skip
# the imports a command has made by the time main() returns, written as JSON to a file
_PROBE = """
import json, os, sys
from audiocast.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = json.loads(os.environ["AUDIOCAST_PROBE_HEAVY"])
loaded = sorted(h for h in heavy if any(m == h or m.startswith(h + ".") for m in sys.modules))
with open(os.environ["AUDIOCAST_PROBE_OUT"], "w") as out:
    json.dump({"modules": len(sys.modules), "heavy": loaded}, out)
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def make_state(site: Path) -> None:
    """A sync state database of 200 articles beside an (empty) episode store in SITE."""
    sys.path.insert(0, str(ROOT))
    from audiocast.state import SyncState

    state = SyncState(site / "episodes" / ".audiocast-sync.sqlite")
    try:
        for number in range(200):
            identity = f"minval:{100000 + number}"
            state.seen(
                identity, "minval", f"Новость номер {number}: правительство обсудило бюджет",
                f"https://minval.az/news/{number}", "Политика",
                f"2026-11-{1 + number % 28:02d}T08:00:00+00:00", f"hash{number}",
            )  # fmt: skip
            if number % 10 == 0:
                state.failed(identity, f"minval:{identity}: no text in the post")
            elif number % 10 == 1:
                continue  # pending
            else:
                state.made(identity, f"hash{number}", f"{number:016x}")
                if number % 10 == 2:
                    state.removed(identity)
    finally:
        state.close()


def commands(workdir: Path, with_episode: bool) -> dict[str, dict[str, Any]]:
    """name → the arguments, the folder it runs in, and the exit statuses that are success."""
    plain = workdir / "plain"
    plain.mkdir()
    status_site = workdir / "status-site"
    make_state(status_site)
    chosen = {
        "help": {"argv": ["--help"], "cwd": plain, "ok": {0}},
        "status": {"argv": ["status"], "cwd": status_site, "ok": {0, 1}},  # 1: some failed
        "voices": {"argv": ["voices"], "cwd": plain, "ok": {0}},
        "script": {"argv": ["script", str(SAMPLE)], "cwd": plain, "ok": {0}},
    }
    if with_episode:
        chosen["episode"] = {"argv": ["episode", str(SAMPLE)], "cwd": None, "ok": {0}}
    return chosen


def run_once(argv: list[str], cwd: Path, ok: set[int], tree: Path | None) -> dict[str, float]:
    """One whole process: wall seconds and peak resident MiB. TREE: run that tree's code."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        prefix = [GNU_TIME, "-q", "-f", "%M", "-o", report.name] if os.path.exists(GNU_TIME) else []
        started = time.perf_counter()
        process = subprocess.Popen(
            prefix + [str(AUDIOCAST)] + argv, cwd=cwd, env=_environment(tree),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        stderr = process.stderr.read()
        _, wait_status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        process.stderr.close()
        if process.returncode not in ok:
            raise RuntimeError(
                f"audiocast {' '.join(argv)} exited {process.returncode}: {stderr.decode()[-2000:]}"
            )
        kib = int(report.read().split()[-1]) if prefix else usage.ru_maxrss
    return {"seconds": round(seconds, 4), "peak_mib": round(kib / 1024, 1)}


def probe(argv: list[str], cwd: Path, tree: Path | None) -> dict[str, Any]:
    """Which heavy packages the command has imported when main() returns."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        environment = dict(_environment(tree), AUDIOCAST_PROBE_HEAVY=json.dumps(HEAVY),
                           AUDIOCAST_PROBE_OUT=out.name)  # fmt: skip
        subprocess.run(
            [sys.executable, "-c", _PROBE, *argv], cwd=cwd, env=environment,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        data = out.read()
    return json.loads(data) if data else {"modules": None, "heavy": None}


def _environment(tree: Path | None) -> dict[str, str]:
    """This process's environment; with TREE, that tree's audiocast comes first on the path."""
    environment = dict(os.environ)
    if tree is not None:
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(tree), environment.get("PYTHONPATH")])
        )
    return environment


def summarize(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {
        "median_s": round(statistics.median(r["seconds"] for r in runs), 3),
        "min_s": round(min(r["seconds"] for r in runs), 3),
        "max_s": round(max(r["seconds"] for r in runs), 3),
        "median_peak_mib": round(statistics.median(r["peak_mib"] for r in runs), 1),
        "runs": runs,
    }


def check(summary: dict[str, dict[str, Any]]) -> dict[str, bool]:
    return {
        "help_s": summary["help"]["median_s"] <= TARGETS["help_s"],
        "help_mib": summary["help"]["median_peak_mib"] <= TARGETS["help_mib"],
        "status_s": summary["status"]["median_s"] <= TARGETS["status_s"],
    }


def git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return None
    return result.stdout.strip() or None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="after", help="this tree's runs (default: after)")
    parser.add_argument(
        "--before", type=Path, metavar="DIR",
        help="another tree (`git archive COMMIT | tar -x -C DIR`) measured in the same rounds, "
        "labelled 'before'",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-episode", action="store_true", help="skip the one-article episode")
    arguments = parser.parse_args()
    trees: dict[str, Path | None] = {arguments.label: None}
    if arguments.before:
        trees["before"] = arguments.before.resolve()
    summaries: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in trees}
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as folder:
        workdir = Path(folder)
        chosen = commands(workdir, not arguments.no_episode)
        order = [(name, label) for name in chosen for label in trees]
        runs: dict[tuple[str, str], list[dict[str, float]]] = {key: [] for key in order}
        for name, label in order:  # once each, untimed: the page cache holds the files after
            run_once(**_invocation(chosen[name], workdir, "warm"), tree=trees[label])
        for round_number in range(arguments.rounds):
            shift = round_number % len(order)
            for name, label in order[shift:] + order[:shift]:
                invocation = _invocation(chosen[name], workdir, f"r{round_number}")
                runs[name, label].append(run_once(**invocation, tree=trees[label]))
            log(f"round {round_number + 1}/{arguments.rounds}: " + ", ".join(
                f"{n} {t} {runs[n, t][-1]['seconds']:.2f} s" for n, t in order))  # fmt: skip
        for name, label in order:
            summary = summaries[label][name] = summarize(runs[name, label])
            if name != "episode":
                summary["imports"] = probe(chosen[name]["argv"], chosen[name]["cwd"], trees[label])
    met = {label: check(summary) for label, summary in summaries.items()}
    print(f"median of {arguments.rounds} runs each, interleaved; peak = the process's max RSS")
    print(
        f"{'command':<9}{'code':<8}{'wall s':>8}{'min':>8}{'max':>8}{'peak MiB':>10}  heavy imports"
    )
    for name in chosen:
        for label, summary in summaries.items():
            row = summary[name]
            heavy = row.get("imports", {}).get("heavy")
            shown = "-" if heavy is None else (", ".join(heavy) or "none")
            print(f"{name:<9}{label:<8}{row['median_s']:>8.3f}{row['min_s']:>8.3f}"
                  f"{row['max_s']:>8.3f}{row['median_peak_mib']:>10.1f}  {shown}")  # fmt: skip
    for label, checks in met.items():
        print(f"{label}: help ≤ {TARGETS['help_s']} s and ≤ {TARGETS['help_mib']:.0f} MiB, "
              f"status ≤ {TARGETS['status_s']} s: " + ("all met" if all(checks.values()) else
              "MISSED " + ", ".join(k for k, ok in checks.items() if not ok)))  # fmt: skip
    previous: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            previous = json.loads(RESULTS.read_text(encoding="utf-8")).get("runs", {})
        except (OSError, ValueError):
            previous = {}
    for label, summary in summaries.items():
        previous[label] = {
            "measured": datetime.now(UTC).isoformat(timespec="seconds"),
            "code": "this tree" if trees[label] is None else str(trees[label]),
            "commit": git_commit(),  # of this tree (its working copy may hold more)
            "rounds": arguments.rounds,
            "interleaved_with": [other for other in trees if other != label],
            "commands": summary,
            "met": met[label],
        }
    write_results(
        RESULTS,
        {
            "benchmark": "startup",
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "load_average_at_end": os.getloadavg(),
            },
            "peak_memory_from": "/usr/bin/time -f %M" if os.path.exists(GNU_TIME) else "wait4",
            "targets": TARGETS,
            "met": met[arguments.label],
            "label": arguments.label,
            "runs": previous,
        },
    )
    return 0 if all(met[arguments.label].values()) else 1


def _invocation(command: dict[str, Any], workdir: Path, tag: str) -> dict[str, Any]:
    """The arguments of run_once(); an episode gets a fresh site folder (a cold cache)."""
    if command["cwd"] is not None:
        return {"argv": command["argv"], "cwd": command["cwd"], "ok": command["ok"]}
    site = workdir / f"episode-{tag}"
    if site.exists():
        shutil.rmtree(site)
    site.mkdir()
    return {"argv": ["--site", str(site)] + command["argv"], "cwd": site, "ok": command["ok"]}


if __name__ == "__main__":
    sys.exit(main())
