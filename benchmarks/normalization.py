"""Throughput of the Russian text rules (benchmark c of issue 3): sentences per second.

What is measured
    Two corpora, normalized sentence by sentence as `build_script` does:

    * table: the written sentences of tests/fixtures/normalization/ru_news.tsv (news sentences
      full of numbers, money, dates, acronyms and Latin names: the hard case);
    * article: the body of the seed article (tests/fixtures/articles/minval-baku-kiev.html,
      the site's page), split into sentences: the ordinary case.

    Setup (importing ru-normalizr, loading its dictionaries, reading and compiling the
    lexicon) is timed once and not counted in throughput. Then each corpus is normalized once
    cold (ru-normalizr's per-word caches empty for its words) and five more times warm; the
    figure is the median of the warm passes, the cold pass is reported beside it. For
    comparison, ru-normalizr alone (its default options, no lexicon, none of our rules) runs
    on the same sentences.

Usage
    .venv/bin/python benchmarks/normalization.py

Prints a table; writes benchmarks/results/normalization.json (atomically).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results_file import write_results  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audiocast.config import Settings  # noqa: E402
from audiocast.ingest import read_article  # noqa: E402
from audiocast.model import BlockKind  # noqa: E402
from audiocast.script.normalize import Normalizers  # noqa: E402
from audiocast.script.sentences import split_sentences  # noqa: E402

TABLE = ROOT / "tests" / "fixtures" / "normalization" / "ru_news.tsv"
ARTICLE = ROOT / "tests" / "fixtures" / "articles" / "minval-baku-kiev.html"
RESULTS = ROOT / "benchmarks" / "results" / "normalization.json"
WARM_PASSES = 5


def table_sentences() -> list[str]:
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[1] for line in lines if line.strip() and not line.startswith("#")]


def article_sentences() -> list[str]:
    article = read_article(str(ARTICLE), Settings(root=ROOT, timezone="Asia/Baku"))
    sentences = [article.title]
    for block in article.body:
        if block.kind is BlockKind.HEADING:
            sentences.append(block.text)
        else:
            sentences += split_sentences(block.text)
    return sentences


def passes(normalize: Callable[[str], str], sentences: list[str]) -> dict[str, Any]:
    """One cold pass, then WARM_PASSES warm ones; seconds per pass."""
    times = []
    for _ in range(1 + WARM_PASSES):
        start = time.perf_counter()
        for sentence in sentences:
            normalize(sentence)
        times.append(time.perf_counter() - start)
    cold, warm = times[0], statistics.median(times[1:])
    characters = sum(map(len, sentences))
    return {
        "sentences": len(sentences),
        "characters": characters,
        "cold_seconds": round(cold, 4),
        "warm_seconds_median": round(warm, 4),
        "sentences_per_second": round(len(sentences) / warm, 1),
        "sentences_per_second_cold": round(len(sentences) / cold, 1),
        "characters_per_second": round(characters / warm),
        "ms_per_sentence": round(1000 * warm / len(sentences), 3),
    }


def machine_info() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def main() -> None:
    corpora = {"table": table_sentences(), "article": article_sentences()}

    start = time.perf_counter()
    ours = Normalizers().for_language("ru")
    ours("Разогрев: 5 мая.")  # ru-normalizr loads its dictionaries on first use
    setup_seconds = time.perf_counter() - start

    from ru_normalizr import Normalizer as RuNormalizr

    alone = RuNormalizr().normalize
    alone("Разогрев: 5 мая.")

    results: dict[str, Any] = {}
    for name, sentences in corpora.items():
        results[name] = {"audiocast": passes(ours, sentences), "ru_normalizr_alone": None}
    for name, sentences in corpora.items():
        results[name]["ru_normalizr_alone"] = passes(alone, sentences)

    record = {
        "benchmark": "normalization",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "setup_seconds": round(setup_seconds, 3),
        "warm_passes": WARM_PASSES,
        "corpora": results,
    }
    write_results(RESULTS, record)
    print(format_table(record))
    print(f"written: {RESULTS.relative_to(ROOT)}")


def format_table(record: dict[str, Any]) -> str:
    lines = [
        f"setup (import, dictionaries, lexicon): {record['setup_seconds'] * 1000:.0f} ms",
        "",
        f"{'corpus':<9} {'normalizer':<20} {'sentences':>9} {'chars':>7} {'sent/s':>8} "
        f"{'cold sent/s':>11} {'ms/sent':>8} {'whole':>9}",
    ]
    for corpus, by_normalizer in record["corpora"].items():
        for normalizer, row in by_normalizer.items():
            lines.append(
                f"{corpus:<9} {normalizer:<20} {row['sentences']:>9} {row['characters']:>7} "
                f"{row['sentences_per_second']:>8.0f} {row['sentences_per_second_cold']:>11.0f} "
                f"{row['ms_per_sentence']:>8.2f} {row['warm_seconds_median'] * 1000:>7.0f} ms"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
