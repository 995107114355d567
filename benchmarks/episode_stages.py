"""Per-stage cost of building one episode, for the seed article and for a ~50,000 character one.

What is measured
    For each article, three cold runs, each in a fresh Python process (so that peak memory is
    that article's alone and imports are not counted twice). A child process:

    1. setup: imports audiocast, constructs a Pipeline whose episodes_dir and cache_dir point
       into an empty temporary folder, builds a script from a tiny article (loads razdel and
       the ru-normalizr dictionaries), starts the speech engine (loads libespeak-ng) and measures
       the MP3 encoder's level change (once per install, kept in the cache folder). None
       of this is attributed to a stage.
    2. cold: Pipeline.make_episode(article) with the empty cache, so every sentence is really
       synthesized and the cover is drawn.
    3. warm: make_episode(article) again in the same process: every sentence comes from the
       speech cache, which shows what the cache saves.

    Stages are those of audiocast.pipeline.STAGES; "other" is the part of make_episode's wall
    time outside any stage (voice lookup, engine check, staging folder). Peak memory is
    getrusage(RUSAGE_SELF).ru_maxrss of the child after the cold run.

    ffmpeg's own peak memory: on Linux, getrusage(RUSAGE_CHILDREN).ru_maxrss is no measure of
    it, since a forked child's high-water mark starts at the forking Python process's resident
    size (the figure is recorded as "rusage_children_mib" anyway). So the child puts an
    `ffmpeg` shim first on PATH that runs the real ffmpeg under GNU time (`/usr/bin/time -f %M`)
    and reports the largest ffmpeg process ("ffmpeg_peak_mib"); this costs a few milliseconds
    per ffmpeg start. Without /usr/bin/time there is no shim and the figure is null.

Summary
    The median of the three runs per stage, of the wall time ("total") and of the share; the
    largest peak memory of the three runs.

Targets (checked per article, on the cold runs)
    * the share of everything except "speech" and "encode" in the total is below 25 %;
    * the peak memory of the child process is below 300 MB (10^6 bytes) for the long article.

Usage
    .venv/bin/python benchmarks/episode_stages.py            # all runs; table on stdout
    .venv/bin/python benchmarks/episode_stages.py --one SOURCE --out RESULT.json   # one child

Progress goes to stderr; everything is written to benchmarks/results/episode_stages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results_file import write_results  # noqa: E402 - benchmarks/ is on sys.path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
SEED_HTML = FIXTURES / "minval-baku-kiev.html"
SEED_MARKDOWN = FIXTURES / "minval-baku-kiev.md"
RESULTS = HERE / "results" / "episode_stages.json"

STAGES = ("ingest", "script", "speech", "assemble", "loudness", "encode", "tag")
RUNS = 3
LONG_MIN_CHARS = 49_000
LONG_MAX_CHARS = 51_000
LONG_AIM_CHARS = 49_800
SHARE_TARGET_PERCENT = 25.0
PEAK_TARGET_MB = 300.0  # megabytes of 10^6 bytes
PEAK_TARGET_MIB = PEAK_TARGET_MB * 1e6 / 2**20
PEAK_CHECKED = ("long",)  # the memory target applies to the long article
MIB = 2**20

# One of these wraps every sentence of the long article: with the repetition number in it, no
# sentence repeats, so the speech cache cannot make a repetition free.
_VARIANTS = (
    "В части {n} отметим: {s}",
    "Повторим в {n}-й раз: {s}",
    "Раздел {n}, положение {k}: {s}",
    "Как уже говорилось в части {n}, {s}",
    "Тезис номер {k} из части {n}: {s}",
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"A-ZА-ЯЁ])")


def log(message: str) -> None:
    """A progress line on stderr, with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the long article


def seed_blocks(markdown: str) -> tuple[list[str], list[str]]:
    """The body paragraphs and the sub-heading texts of the seed Markdown (no front matter)."""
    body = markdown.split("\n---\n", 1)[1] if markdown.startswith("---\n") else markdown
    paragraphs: list[str] = []
    headings: list[str] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        text = " ".join(chunk.split())
        if text.startswith("## "):
            headings.append(text[3:])
        elif text:
            paragraphs.append(text)
    return paragraphs, headings


def vary_paragraph(paragraph: str, repetition: int) -> str:
    """PARAGRAPH with every sentence wrapped in a phrase naming REPETITION and its position."""
    sentences = _SENTENCE_END.split(paragraph)
    varied = []
    for index, sentence in enumerate(sentences, start=1):
        template = _VARIANTS[(repetition + index) % len(_VARIANTS)]
        first = sentence[:1].lower() if template.endswith(", {s}") else sentence[:1]
        varied.append(template.format(n=repetition, k=index, s=first + sentence[1:]))
    return " ".join(varied)


def long_body(paragraphs: list[str], headings: list[str]) -> str:
    """Varied seed paragraphs, a sub-heading every third repetition, until about 50,000 chars."""
    parts: list[str] = []
    length = 0
    repetition = 0
    while length < LONG_AIM_CHARS:
        repetition += 1
        if repetition % 3 == 1:
            title = headings[(repetition // 3) % len(headings)]
            parts.append(f"## Часть {repetition}. {title}")
        for paragraph in paragraphs:
            parts.append(vary_paragraph(paragraph, repetition))
            length = len("\n\n".join(parts))
            if length >= LONG_AIM_CHARS:
                break
    return "\n\n".join(parts) + "\n"


def write_long_article(folder: Path) -> tuple[Path, int]:
    """Write the long Markdown article into FOLDER; return its path and body length."""
    paragraphs, headings = seed_blocks(SEED_MARKDOWN.read_text(encoding="utf-8"))
    body = long_body(paragraphs, headings)
    if not LONG_MIN_CHARS <= len(body) <= LONG_MAX_CHARS:
        raise SystemExit(f"long article body is {len(body)} characters, outside the bounds")
    front = "\n".join(
        [
            "---",
            'title: "Баку и Киев: долгое чтение"',
            'author: "Ильгар Велизаде"',
            "date: 2025-08-27T10:15:00+04:00",
            "url: https://minval.az/news/benchmark-long-read",
            "---",
        ]
    )
    path = folder / "long-read.md"
    path.write_text(f"{front}\n{body}", encoding="utf-8")
    return path, len(body)


# ---------------------------------------------------------------- one child process


FFMPEG_LOG_VARIABLE = "AUDIOCAST_BENCH_FFMPEG_LOG"
GNU_TIME = Path("/usr/bin/time")


def peak_mib(who: int) -> float:
    """ru_maxrss (KiB on Linux) of WHO in MiB."""
    return resource.getrusage(who).ru_maxrss / 1024


def install_ffmpeg_shim(workdir: Path) -> bool:
    """Put an `ffmpeg` first on PATH that runs the real one under GNU time, which appends the
    peak resident KiB of each ffmpeg process to the file named by FFMPEG_LOG_VARIABLE."""
    real = shutil.which("ffmpeg")
    if real is None or not os.access(GNU_TIME, os.X_OK):
        return False
    folder = workdir / "bin"
    folder.mkdir()
    shim = folder / "ffmpeg"
    shim.write_text(
        f'#!/bin/sh\nexec {GNU_TIME} -f "%M" -a -o "${FFMPEG_LOG_VARIABLE}" '
        f'{shlex.quote(real)} "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    os.environ["PATH"] = f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"
    return True


def ffmpeg_peak_mib(log_path: Path) -> float | None:
    """The largest peak resident size in a GNU time log, in MiB; None without a log."""
    try:
        lines = log_path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    kib = [int(line) for line in lines if line.strip().isdigit()]
    return max(kib) / 1024 if kib else None


def timed_episode(pipeline: Any, source: str, ffmpeg_log: Path) -> dict[str, Any]:
    """One make_episode with its stage timings, wall time and what came out."""
    os.environ[FFMPEG_LOG_VARIABLE] = str(ffmpeg_log)
    start = time.perf_counter()
    result = pipeline.make_episode(source)
    wall = time.perf_counter() - start
    stages = {stage: result.timings.get(stage, 0.0) for stage in STAGES}
    return {
        "stages": stages,
        "other": max(0.0, wall - sum(stages.values())),
        "total": wall,
        "duration": result.info.duration,
        "synthesized": result.synthesized,
        "cached": result.cached,
        "audio_bytes": result.info.audio_bytes,
        "warnings": result.warnings,
        "ffmpeg_peak_mib": ffmpeg_peak_mib(ffmpeg_log),
    }


def warm_up(workdir: Path) -> tuple[Any, dict[str, float]]:
    """Import audiocast, build a Pipeline on empty folders, script a tiny article, start the
    engine, measure the encoder's level change. Returns the pipeline and each step's seconds."""
    setup: dict[str, float] = {}
    start = time.perf_counter()
    from audiocast.config import load_settings
    from audiocast.pipeline import Pipeline

    setup["imports"] = time.perf_counter() - start
    start = time.perf_counter()
    settings = replace(
        load_settings(ROOT), episodes_dir=workdir / "episodes", cache_dir=workdir / "cache"
    )
    pipeline = Pipeline(settings)
    setup["pipeline"] = time.perf_counter() - start
    tiny = workdir / "tiny.md"
    tiny.write_text(
        '---\ntitle: "Проверка"\ndate: 2025-01-02T03:04:05+04:00\n---\n'
        "Первое предложение, 25 августа 2025 г. Второе: т. е. ещё 3 слова.\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    pipeline.script(pipeline.read(str(tiny)))
    setup["script_warmup"] = time.perf_counter() - start
    start = time.perf_counter()
    article_voice = pipeline.voice_for(pipeline.read(str(tiny)), None)
    engine = pipeline.engines.get(article_voice.engine)
    problem = engine.available()
    if problem:
        raise SystemExit(f"speech engine unavailable: {problem}")
    setup["engine_warmup"] = time.perf_counter() - start
    # the encoder's level change is measured once per install (kept in the cache folder), so
    # it belongs to setup, not to an episode
    from audiocast.episode.encode import codec_gain_db

    start = time.perf_counter()
    codec_gain_db(settings.bitrate_kbps, settings.cache_dir)
    setup["codec_probe"] = time.perf_counter() - start
    return pipeline, setup


def run_child(source: str, out: Path) -> None:
    """Measure SOURCE once cold and once warm in this process; write the record to OUT."""
    with tempfile.TemporaryDirectory(prefix="audiocast-bench-") as folder:
        workdir = Path(folder)
        shim = install_ffmpeg_shim(workdir)
        os.environ[FFMPEG_LOG_VARIABLE] = str(workdir / "ffmpeg-setup.log")
        pipeline, setup = warm_up(workdir)
        chars = pipeline.read(source).text_length
        after_setup = peak_mib(resource.RUSAGE_SELF)
        log(f"  setup {sum(setup.values()):.2f} s; cold run on {chars:,} characters")
        cold = timed_episode(pipeline, source, workdir / "ffmpeg-cold.log")
        cold["peak_self_mib"] = peak_mib(resource.RUSAGE_SELF)
        cold["rusage_children_mib"] = peak_mib(resource.RUSAGE_CHILDREN)
        log(f"  cold {cold['total']:.2f} s, {cold['duration']:.0f} s of audio; warm run")
        warm = timed_episode(pipeline, source, workdir / "ffmpeg-warm.log")
        warm["peak_self_mib_cumulative"] = peak_mib(resource.RUSAGE_SELF)
        log(f"  warm {warm['total']:.2f} s ({warm['cached']} sentences from the cache)")
    record = {
        "source": source,
        "chars": chars,
        "setup": setup,
        "peak_self_mib_after_setup": after_setup,
        "ffmpeg_shim": shim,
        "cold": cold,
        "warm": warm,
    }
    write_results(out, record)


# ---------------------------------------------------------------- the parent


def spawn(source: Path, folder: Path, label: str, run: int) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its record."""
    out = folder / f"{label}-{run}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--one", str(source)]
    log(f"{label}: run {run}/{RUNS}")
    subprocess.run([*command, "--out", str(out)], check=True, cwd=ROOT)
    return json.loads(out.read_text(encoding="utf-8"))


def share_percent(row: dict[str, Any]) -> float:
    """Percent of the wall time spent outside speech synthesis and MP3 encoding."""
    busy = row["stages"]["speech"] + row["stages"]["encode"]
    return 100.0 * (row["total"] - busy) / row["total"]


def median_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-stage, total and share medians of ROWS (cold or warm rows of several runs)."""
    return {
        "stages": {s: statistics.median(r["stages"][s] for r in rows) for s in STAGES},
        "other": statistics.median(r["other"] for r in rows),
        "total": statistics.median(r["total"] for r in rows),
        "share_percent": statistics.median(share_percent(r) for r in rows),
        "duration": statistics.median(r["duration"] for r in rows),
    }


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the cold and the warm runs of one article, worst peak memory, verdicts."""
    cold = median_row([r["cold"] for r in runs])
    cold["peak_self_mib"] = max(r["cold"]["peak_self_mib"] for r in runs)
    cold["peak_self_mib_after_setup"] = max(r["peak_self_mib_after_setup"] for r in runs)
    cold["ffmpeg_peak_mib"] = worst(r["cold"]["ffmpeg_peak_mib"] for r in runs)
    cold["rusage_children_mib"] = max(r["cold"]["rusage_children_mib"] for r in runs)
    return {
        "chars": runs[0]["chars"],
        "setup": {k: statistics.median(r["setup"][k] for r in runs) for k in runs[0]["setup"]},
        "cold": cold,
        "warm": median_row([r["warm"] for r in runs]),
        "durations_agree": len({r["cold"]["duration"] for r in runs}) == 1,
    }


def worst(values: Iterable[float | None]) -> float | None:
    """The largest of VALUES, or None when any is missing."""
    present = list(values)
    return None if None in present else max(present)


def verdicts(label: str, summary: dict[str, Any]) -> dict[str, bool | None]:
    """PASS (True) or FAIL (False) per target; None where a target does not apply."""
    cold = summary["cold"]
    memory = cold["peak_self_mib"] < PEAK_TARGET_MIB if label in PEAK_CHECKED else None
    return {"share": cold["share_percent"] < SHARE_TARGET_PERCENT, "memory": memory}


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    try:
        version = subprocess.run(
            ["ffmpeg", "-version"], capture_output=True, text=True, check=True
        ).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError) as exc:
        version = f"unavailable: {exc}"
    return {
        "nproc": os.cpu_count(),
        "nproc_usable": len(os.sched_getaffinity(0)),
        "python": sys.version.split()[0],
        "python_full": sys.version,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "ffmpeg": version,
    }


# ---------------------------------------------------------------- the table


def format_table(summaries: dict[str, dict[str, Any]]) -> str:
    """The per-article table: stage medians, total, share, peak memory and audio length."""
    columns = [*STAGES, "other", "total"]
    head = f"{'article':<14}{'run':<6}" + "".join(f"{c:>9}" for c in columns)
    head += f"{'share%':>8}{'peak MiB':>10}{'setup MiB':>11}{'ffmpeg MiB':>12}{'audio s':>9}"
    lines = [head, "-" * len(head)]
    for label, summary in summaries.items():
        name = f"{label} ({summary['chars'] // 1000}k)"
        for kind in ("cold", "warm"):
            row = summary[kind]
            cells = [row["stages"][s] for s in STAGES] + [row["other"], row["total"]]
            line = f"{name if kind == 'cold' else '':<14}{kind:<6}"
            line += "".join(f"{value:>9.3f}" for value in cells)
            line += f"{row['share_percent']:>8.1f}"
            if kind == "cold":
                line += f"{row['peak_self_mib']:>10.1f}{row['peak_self_mib_after_setup']:>11.1f}"
                line += f"{mib_cell(row['ffmpeg_peak_mib']):>12}"
            else:
                line += f"{'-':>10}{'-':>11}{'-':>12}"
            line += f"{row['duration']:>9.1f}"
            lines.append(line)
    lines.append(
        f"seconds, median of {RUNS} runs; other = make_episode wall time outside the stages; "
        "share% = (total - speech - encode) / total;\npeak MiB = ru_maxrss of the child "
        "after the cold run (worst of the runs), setup MiB = the same after setup, "
        "ffmpeg MiB = largest ffmpeg process"
    )
    return "\n".join(lines)


def mib_cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def format_verdicts(summaries: dict[str, dict[str, Any]], checks: dict[str, dict]) -> str:
    """One PASS/FAIL line per article and target."""
    lines = []
    for label, summary in summaries.items():
        cold = summary["cold"]
        share = "PASS" if checks[label]["share"] else "FAIL"
        lines.append(
            f"{label}: share outside speech+encode {cold['share_percent']:.1f} % "
            f"(target < {SHARE_TARGET_PERCENT:.0f} %): {share}"
        )
        memory = checks[label]["memory"]
        verdict = "n/a" if memory is None else ("PASS" if memory else "FAIL")
        lines.append(
            f"{label}: peak memory {cold['peak_self_mib']:.1f} MiB "
            f"(target < {PEAK_TARGET_MB:.0f} MB = {PEAK_TARGET_MIB:.1f} MiB"
            f"{'' if memory is not None else ', long article only'}): {verdict}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- output and main


def run_all() -> None:
    """All child runs, the table on stdout and the JSON record."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="audiocast-bench-") as folder:
        workdir = Path(folder)
        long_path, long_body_chars = write_long_article(workdir)
        log(f"long article: {long_body_chars:,} characters of Markdown body in {long_path}")
        sources = {"seed": SEED_HTML, "long": long_path}
        runs = {
            label: [spawn(path, workdir, label, run) for run in range(1, RUNS + 1)]
            for label, path in sources.items()
        }
    summaries = {label: summarize(records) for label, records in runs.items()}
    checks = {label: verdicts(label, summary) for label, summary in summaries.items()}
    print(format_table(summaries))
    print()
    print(format_verdicts(summaries, checks))
    wall = time.perf_counter() - started
    print(f"\nbenchmark wall time: {wall:.1f} s")
    record = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": wall,
        "machine": machine_info(),
        "targets": {
            "share_percent_below": SHARE_TARGET_PERCENT,
            "peak_self_mb_below": PEAK_TARGET_MB,
            "peak_applies_to": list(PEAK_CHECKED),
        },
        "articles": {
            "seed": {"source": str(SEED_HTML.relative_to(ROOT))},
            "long": {"source": "generated Markdown", "body_chars": long_body_chars},
        },
        "runs": runs,
        "medians": summaries,
        "verdicts": checks,
    }
    write_results(RESULTS, record)
    log(f"wrote {RESULTS}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", metavar="SOURCE", help="child mode: measure SOURCE once")
    parser.add_argument("--out", type=Path, help="child mode: where to write the record")
    args = parser.parse_args(argv)
    if args.one:
        if args.out is None:
            parser.error("--one needs --out")
        run_child(args.one, args.out)
    else:
        run_all()


if __name__ == "__main__":
    main()
