"""Start-up and tear-down of the real WordPress the tests use (tests/wordpress_site.py).

What is measured
    ROUNDS times (default 3): a WordPress in a fresh temporary folder, started (MariaDB's data
    files, its server on a socket, a copy of Debian's site, the install, PHP's built-in server)
    and stopped; each step's wall time, the total, and the time to stop both servers.

Why
    Every test module that needs a WordPress pays its start-up once; the suite's budget (two
    minutes) has room for it only while it stays small. Before this benchmark a unit test
    asserted the start-up took under 20 s; a wall-clock figure belongs here instead.

Target
    Start-up at most 20 s, tear-down at most 30 s (the median of the rounds).

Usage
    .venv/bin/python benchmarks/wordpress_fixture.py [--rounds N]

A table goes to stdout; the figures to benchmarks/results/wordpress_fixture.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from results_file import RESULTS_DIR, write_results  # noqa: E402 - benchmarks/ is on sys.path

from tests.wordpress_site import WordPress, missing_packages  # noqa: E402

START_TARGET_S = 20.0
STOP_TARGET_S = 30.0


def one_round() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="wp-bench-") as folder:
        site = WordPress(Path(folder))
        with site:
            timings = dict(site.timings)
            begin = time.perf_counter()
        timings["stop"] = time.perf_counter() - begin
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    if missing_packages():
        print(f"cannot run: {missing_packages()}", file=sys.stderr)
        return 2
    rounds = []
    for number in range(arguments.rounds):
        print(f"round {number + 1} of {arguments.rounds}", file=sys.stderr)
        rounds.append(one_round())
    median = {step: statistics.median(r[step] for r in rounds) for step in rounds[0]}
    for step, seconds in median.items():
        print(f"{step:16} {seconds:6.2f} s")
    verdicts = {
        "start_within_target": median["total"] <= START_TARGET_S,
        "stop_within_target": median["stop"] <= STOP_TARGET_S,
    }
    print(f"start-up ≤ {START_TARGET_S:.0f} s: {verdicts['start_within_target']}; "
          f"tear-down ≤ {STOP_TARGET_S:.0f} s: {verdicts['stop_within_target']}")  # fmt: skip
    write_results(
        RESULTS_DIR / "wordpress_fixture.json",
        {"rounds": rounds, "median_s": median, "targets_s": {"start": START_TARGET_S,
         "stop": STOP_TARGET_S}, "verdicts": verdicts},
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
