"""The editors' desk as an editor meets it: «Озвучить» to a playable episode, the articles page
of a big store, a lexicon sample, and the desk's memory at rest.

What is measured
    voice     A real `audiocast desk` process (a subprocess on a loopback port) on a site whose
              store holds the seed article, put there first by `audiocast episode SEED`. Signed
              in as an editor (session and CSRF token, as a browser has them), one round is what
              the article page's «Озвучить» form does: POST /jobs/ (kind=voice, episode=ID,
              the site's voice); then /jobs/status.json is asked every 20 ms until the job is
              done, and GET /media/ID/episode.mp3 must answer 200 with the whole new file (its
              length that of the file in the store, written after the click). The time is from
              sending the POST to having the MP3. Against it, the CLI's own time for the same
              article: `audiocast --site SITE episode SEED` as a whole subprocess (spawn to
              exit, start-up included: what an editor at a terminal waits), on the same site,
              same engine (espeak-ng, the site's default voice) and same cache state:
                cold  the speech cache, covers and the encoder's level probe removed from
                      cache_dir before the run (every sentence spoken again);
                warm  right after a run of the same side: every sentence from the speech cache.
              The desk process keeps what a running desk keeps in memory (imports, the text
              rules loaded at start-up): that is what the desk is for. Rounds alternate which
              side goes first, so that load from other work falls on both alike.
    articles  Another real `audiocast desk` process on a store of 10,000 episodes (the synthetic
              store of benchmarks/publish_build.py, its write_episode). The first GET /articles/
              right after start-up (the store's first reading still under way in the
              background), then, in a second process once it is idle: the first request, a few
              thrown away, and ROUNDS timed (median, p95, max), each with the whole page read.
    memory    VmRSS of that second desk process from /proc/PID/status: once it is idle after
              start-up (its CPU time still for a second), and again idle after the articles
              page was served; and VmHWM, its peak.
    lexicon   «Послушать» on «Словарь»: benchmarks/desk_lexicon.py's measure(), run here with
              --lexicon-rounds rounds (0: its figures of record, results/desk_lexicon.json).

Seed
    tests/fixtures/seeds/minval-baku-kiev.txt, the site's page as scraped (the same file as
    the shared seed; post 124123 of tests/fixtures/site/posts.json is the same article), as
    benchmarks/single_article.py uses it.

Targets
    «Озвучить» to a playable episode within 0.5 s of the CLI's own time (medians, cold and warm);
    a lexicon sample heard ≤ 1 s after the click (every round);
    the articles page with 10,000 stored episodes served in < 300 ms (median, first request too);
    the desk process idle under 150 MiB (VmRSS, both readings).

Usage
    .venv/bin/python benchmarks/desk.py [--rounds N] [--page-rounds N] [--episodes N]
        [--lexicon-rounds N]

A table goes to stdout, progress to stderr; the figures to benchmarks/results/desk.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from publish_build import write_episode  # noqa: E402 - benchmarks/ is on sys.path
from results_file import RESULTS_DIR, write_results  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = ROOT / "tests" / "fixtures" / "seeds" / "minval-baku-kiev.txt"
AUDIOCAST = Path(sys.executable).parent / "audiocast"
RESULTS = RESULTS_DIR / "desk.json"
SITE_TOML = 'episodes_dir = "episodes"\ncache_dir = "cache"\n'
COLD_CACHE = ("speech", "covers", "codec-gain.json")  # what `audiocast episode` fills in
USER, PASSWORD = "anna", "benchmark password"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
DESK_AT = re.compile(r"desk at (http://\S+)")
TARGETS = {"voice_over_cli_s": 0.5, "sample_s": 1.0, "articles_page_s": 0.3, "idle_rss_mib": 150.0}
STATES = ("cold", "warm")
SIDES = ("cli", "desk")
POLL_S = 0.02
MIB = 1024  # /proc and ru_maxrss count KiB


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- sites and desk processes ---------------------------------------------------------------


def make_site(root: Path) -> Path:
    """An empty site in ROOT with the editor anna, added as an editor adds one (the CLI)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "audiocast.toml").write_text(SITE_TOML, encoding="utf-8")
    subprocess.run([str(AUDIOCAST), "--site", str(root), "desk", "user", "add", USER],
                   input=PASSWORD + "\n", text=True, capture_output=True, check=True)  # fmt: skip
    return root


class Desk:
    """`audiocast --site SITE desk --port 0` as a subprocess, until stop()."""

    def __init__(self, site: Path):
        started = time.perf_counter()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - its stderr, closed in stop()
        self.process = subprocess.Popen(
            [str(AUDIOCAST), "--site", str(site), "desk", "--port", "0"],
            stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        while True:  # the URL is its first line on stderr
            self.log.seek(0)
            found = DESK_AT.search(self.log.read().decode(errors="replace"))
            if found:
                self.url = found.group(1)
                break
            if self.process.poll() is not None:
                raise RuntimeError(f"the desk did not start (exit {self.process.returncode})")
            time.sleep(0.01)
        self.startup_s = time.perf_counter() - started
        self.web = httpx.Client(base_url=self.url, timeout=120, follow_redirects=False)

    def sign_in(self) -> str:
        """Signed in as anna; the session's form token."""
        token = TOKEN.search(self.web.get("/login/").text)
        assert token
        answer = self.web.post("/login/", data={"csrf_token": token.group(1), "name": USER,
                                                "password": PASSWORD})  # fmt: skip
        assert answer.status_code == 303, answer.status_code
        page = TOKEN.search(self.web.get("/jobs/").text)
        assert page
        return page.group(1)

    def status(self) -> dict[str, str]:
        """VmRSS, VmHWM… of the desk process, in KiB, from /proc."""
        figures = {}
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Vm"):
                    name, value = line.split(":", 1)
                    figures[name] = value.split()[0]
        return figures

    def rss_mib(self, field: str = "VmRSS") -> float:
        return round(int(self.status()[field]) / MIB, 1)

    def wait_idle(self, still_s: float = 1.0, limit_s: float = 60.0) -> float:
        """Wait until the process has used no CPU for STILL_S; the seconds waited."""
        started = time.perf_counter()
        ticks, since = self._ticks(), time.perf_counter()
        while time.perf_counter() - started < limit_s:
            time.sleep(0.1)
            now = self._ticks()
            if now != ticks:
                ticks, since = now, time.perf_counter()
            elif time.perf_counter() - since >= still_s:
                break
        return round(time.perf_counter() - started, 2)

    def _ticks(self) -> int:
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)

    def stop(self) -> None:
        self.web.close()
        self.process.send_signal(signal.SIGINT)  # Ctrl+C, as the desk is meant to be stopped
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# -- «Озвучить» against the CLI -----------------------------------------------------------


def cli_episode(site: Path) -> tuple[float, str, float]:
    """`audiocast episode SEED` on SITE as a whole process: wall seconds (spawn to reap), the
    episode's id, the peak MiB of its largest process (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(AUDIOCAST), "--site", str(site), "episode", str(SEED)],
                                   stdout=out, stderr=err)  # fmt: skip
        _, wait_status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"audiocast episode exited {process.returncode}: "
                               f"{err.read().decode()[-800:]}")  # fmt: skip
        made = out.read().decode().strip().splitlines()[-1].split("\t")[0]
    return seconds, Path(made).name, round(usage.ru_maxrss / MIB, 1)


def cli_timed(site: Path, peaks: list[float]) -> float:
    seconds, _, peak = cli_episode(site)
    peaks.append(peak)
    return seconds


def voice_in_desk(desk: Desk, token: str, episode: str, mp3: Path) -> float:
    """Seconds from «Озвучить» (POST /jobs/) to the new MP3 in hand."""
    before = desk.web.get("/jobs/status.json").json()["jobs"]
    last_id = max((job["id"] for job in before), default=0)
    made_before = mp3.stat().st_mtime_ns
    started = time.perf_counter()
    answer = desk.web.post(
        "/jobs/", data={"csrf_token": token, "kind": "voice", "episode": episode, "voice": ""},
        headers={"Origin": desk.url.rstrip("/")},
    )  # fmt: skip
    assert answer.status_code == 303, (answer.status_code, answer.text[:500])
    while True:
        jobs = desk.web.get("/jobs/status.json").json()["jobs"]
        job = next((job for job in jobs if job["id"] > last_id), None)
        if job is not None and job["finished"]:
            break
        time.sleep(POLL_S)
    assert job["state"] == "done", job
    audio = desk.web.get(f"/media/{episode}/episode.mp3")
    seconds = time.perf_counter() - started
    assert audio.status_code == 200, audio.status_code
    assert len(audio.content) == int(audio.headers["content-length"]) == mp3.stat().st_size
    assert mp3.stat().st_mtime_ns != made_before and audio.content[:3] == b"ID3"
    return seconds


def empty_cache(site: Path) -> None:
    for name in COLD_CACHE:
        path = site / "cache" / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def measure_voice(folder: Path, rounds: int) -> dict[str, Any]:
    site = make_site(folder / "voice-site")
    seconds, episode, _ = cli_episode(site)  # the article in the store; untimed
    log(f"seed article in the store as {episode} ({seconds:.1f} s)")
    mp3 = site / "episodes" / episode / "episode.mp3"
    desk = Desk(site)
    try:
        token = desk.sign_in()
        desk.wait_idle()  # the text rules loaded, the store read
        voice_in_desk(desk, token, episode, mp3)  # untimed: the page cache holds it all after
        runs: dict[str, dict[str, list[float]]] = {s: {side: [] for side in SIDES} for s in STATES}
        cli_peaks: list[float] = []

        def run(side: str) -> Callable[[], float]:
            if side == "cli":
                return lambda: cli_timed(site, cli_peaks)
            return lambda: voice_in_desk(desk, token, episode, mp3)

        for number in range(rounds):
            order = SIDES if number % 2 == 0 else SIDES[::-1]
            for side in order:
                empty_cache(site)
                runs["cold"][side].append(run(side)())
                runs["warm"][side].append(run(side)())
            log(f"round {number + 1}/{rounds}: " + ", ".join(
                f"{side} {state} {runs[state][side][-1]:.2f} s"
                for state in STATES for side in SIDES))  # fmt: skip
        rss_after = desk.rss_mib()
    finally:
        desk.stop()
    summary: dict[str, Any] = {"episode": episode, "desk_rss_after_voicing_mib": rss_after,
                               "cli_peak_mib_median": statistics.median(cli_peaks)}  # fmt: skip
    for state in STATES:
        medians = {side: round(statistics.median(runs[state][side]), 3) for side in SIDES}
        summary[state] = {
            **{f"{side}_median_s": medians[side] for side in SIDES},
            **{f"{side}_runs_s": [round(s, 3) for s in runs[state][side]] for side in SIDES},
            "desk_minus_cli_s": round(medians["desk"] - medians["cli"], 3),
        }
    return summary


# -- the articles page and memory ---------------------------------------------------------


def timed_get(web: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    answer = web.get(path)
    seconds = time.perf_counter() - started
    assert answer.status_code == 200 and "desk-article" in answer.text, answer.status_code
    return seconds


def measure_articles(folder: Path, episodes: int, rounds: int) -> dict[str, Any]:
    site = make_site(folder / "big-site")
    started = time.perf_counter()
    for number in range(1, episodes + 1):
        write_episode(site / "episodes", number)
    log(f"store of {episodes:,} episodes written in {time.perf_counter() - started:.1f} s")

    fresh = Desk(site)  # the first page right after start-up
    try:
        fresh.sign_in()
        first_at_start = timed_get(fresh.web, "/articles/")
    finally:
        fresh.stop()

    desk = Desk(site)
    try:
        settled_s = desk.wait_idle()
        rss_started = desk.rss_mib()
        desk.sign_in()
        first = timed_get(desk.web, "/articles/")
        for _ in range(3):
            timed_get(desk.web, "/articles/")
        timed = [timed_get(desk.web, "/articles/") for _ in range(rounds)]
        desk.wait_idle()
        rss_served, peak = desk.rss_mib(), desk.rss_mib("VmHWM")
        startup_s = desk.startup_s
    finally:
        desk.stop()
    ordered = sorted(timed)
    return {
        "episodes": episodes,
        "startup_to_url_s": round(startup_s, 3),
        "idle_after_start_s": settled_s,
        "first_right_after_start_s": round(first_at_start, 4),
        "first_s": round(first, 4),
        "median_s": round(statistics.median(ordered), 4),
        "p95_s": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 4),
        "max_s": round(ordered[-1], 4),
        "rounds": rounds,
        "runs_s": [round(s, 4) for s in timed],
        "rss_idle_after_start_mib": rss_started,
        "rss_idle_after_page_mib": rss_served,
        "peak_rss_mib": peak,
    }


# -- the lexicon sample -------------------------------------------------------------------


def measure_lexicon(rounds: int) -> dict[str, Any]:
    """desk_lexicon.py's figures: measured now (ROUNDS > 0) or its figures of record."""
    if rounds > 0:
        import desk_lexicon

        cases = desk_lexicon.measure(rounds, 2000)
        source = f"benchmarks/desk_lexicon.py measure(), {rounds} rounds, now"
    else:
        import json

        recorded = json.loads((RESULTS_DIR / "desk_lexicon.json").read_text(encoding="utf-8"))
        cases = recorded["cases"]
        source = f"benchmarks/results/desk_lexicon.json, measured {recorded['measured']}"
    return {
        "source": source,
        "cases": {name: _without_rounds(case) for name, case in cases.items()},
        "slowest_s": max(case["max_s"] for case in cases.values()),
    }


def _without_rounds(case: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in case.items() if key != "rounds_s"}


# -- the report ---------------------------------------------------------------------------


def verdicts(voice: dict, articles: dict, lexicon: dict) -> dict[str, bool]:
    page_worst = max(articles["median_s"], articles["first_s"])  # right after start: shown
    return {
        "voice_over_cli_s": all(
            voice[state]["desk_minus_cli_s"] <= TARGETS["voice_over_cli_s"] for state in STATES
        ),
        "sample_s": lexicon["slowest_s"] <= TARGETS["sample_s"],
        "articles_page_s": page_worst < TARGETS["articles_page_s"],
        "idle_rss_mib": max(articles["rss_idle_after_start_mib"],
                            articles["rss_idle_after_page_mib"]) < TARGETS["idle_rss_mib"],
    }  # fmt: skip


def table(voice: dict, articles: dict, lexicon: dict, met: dict[str, bool]) -> str:
    def verdict(key: str) -> str:
        return "met" if met[key] else "MISSED"

    rounds = len(voice["cold"]["cli_runs_s"])
    lines = [f"«Озвучить» → playable MP3, seed article, median of {rounds} rounds (seconds)",
             f"{'':8}{'CLI':>8}{'desk':>8}{'desk − CLI':>12}"]  # fmt: skip
    for state in STATES:
        row = voice[state]
        lines.append(f"{state:8}{row['cli_median_s']:>8.2f}{row['desk_median_s']:>8.2f}"
                     f"{row['desk_minus_cli_s']:>12.2f}")  # fmt: skip
    lines += [
        f"target: desk within {TARGETS['voice_over_cli_s']} s of the CLI: "
        f"{verdict('voice_over_cli_s')}",
        "",
        f"articles page, {articles['episodes']:,} episodes: right after start "
        f"{articles['first_right_after_start_s'] * 1000:.0f} ms, first "
        f"{articles['first_s'] * 1000:.0f} ms, median {articles['median_s'] * 1000:.0f} ms, "
        f"p95 {articles['p95_s'] * 1000:.0f} ms, max {articles['max_s'] * 1000:.0f} ms "
        f"({articles['rounds']} rounds); target < {TARGETS['articles_page_s'] * 1000:.0f} ms: "
        f"{verdict('articles_page_s')}",
        f"desk memory (VmRSS): idle after start {articles['rss_idle_after_start_mib']:.1f} MiB, "
        f"idle after the page {articles['rss_idle_after_page_mib']:.1f} MiB, peak "
        f"{articles['peak_rss_mib']:.1f} MiB; target < {TARGETS['idle_rss_mib']:.0f} MiB: "
        f"{verdict('idle_rss_mib')}",
        f"lexicon sample: slowest {lexicon['slowest_s']:.3f} s ({lexicon['source']}); target ≤ "
        f"{TARGETS['sample_s']} s: {verdict('sample_s')}",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="voicing rounds (default 5)")
    parser.add_argument("--page-rounds", type=int, default=30, help="timed page requests")
    parser.add_argument("--episodes", type=int, default=10_000, help="the big store's size")
    parser.add_argument("--lexicon-rounds", type=int, default=10,
                        help="desk_lexicon.py rounds; 0: its figures of record")  # fmt: skip
    arguments = parser.parse_args()
    load_start = os.getloadavg()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as folder:
        voice = measure_voice(Path(folder), arguments.rounds)
        articles = measure_articles(Path(folder), arguments.episodes, arguments.page_rounds)
    lexicon = measure_lexicon(arguments.lexicon_rounds)
    met = verdicts(voice, articles, lexicon)
    print(table(voice, articles, lexicon, met))
    load_end = os.getloadavg()
    print(f"load average (1, 5, 15 min): start {load_start[0]:.2f} {load_start[1]:.2f} "
          f"{load_start[2]:.2f}, end {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}; "
          f"{os.cpu_count()} cores")  # fmt: skip
    write_results(RESULTS, {
        "benchmark": "desk",
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "load_average": {"start": list(load_start), "end": list(load_end)},
        "seed": str(SEED.relative_to(ROOT)),
        "sides": {
            "cli": "audiocast --site SITE episode SEED, a whole subprocess (start-up included)",
            "desk": "a running `audiocast desk` subprocess: POST /jobs/ (kind=voice) until the "
                    "job is done and GET /media/ID/episode.mp3 answers 200 with the whole file",
        },
        "cache_states": {"cold": "speech cache, covers and level probe removed before the run",
                         "warm": "every sentence from the speech cache"},
        "targets": TARGETS,
        "met": met,
        "voice": voice,
        "articles_page": articles,
        "lexicon_sample": lexicon,
        "benchmark_wall_s": round(time.perf_counter() - started, 1),
    })  # fmt: skip
    log(f"wrote {RESULTS}")
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
