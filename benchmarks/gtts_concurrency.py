"""gTTS engine against a local stand-in for Google's endpoint that answers after 300 ms.

Compares, for a ~10,000-character article:
  * baseline: the gtts package as its own CLI does it — gTTS(text=whole article).write_to_fp(),
    its requests one after another;
  * ours: audiocast's engine through synthesize_script: sentences in flight at once
    (max_in_flight = 4), under a configured requests-per-second limit, decoded in process.
Both hit the same fake (tests/fakes/google_tts.py: real MP3 bytes in Google's envelope). The
fake records each request's arrival; the busiest one-second window is checked against the
configured rate.

Targets: ours at least 4× faster than the baseline; never above the configured rate.
Prints a table; writes benchmarks/results/gtts_concurrency.json.

    .venv/bin/python benchmarks/gtts_concurrency.py
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from results_file import write_results  # noqa: E402 - benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audiocast.model import Article, Script, Segment, SegmentKind  # noqa: E402
from audiocast.script.sentences import split_sentences  # noqa: E402
from audiocast.speech.cache import SpeechCache  # noqa: E402
from audiocast.speech.espeak import EspeakEngine  # noqa: E402
from audiocast.speech.gtts_engine import GttsEngine  # noqa: E402
from audiocast.speech.synthesize import synthesize_script  # noqa: E402
from audiocast.speech.voices import VoiceProfile, load_voices  # noqa: E402
from tests.fakes.google_tts import FakeGoogle, encode_mp3  # noqa: E402

LATENCY = 0.3
IN_FLIGHT = 4
RATE = 15.0
TARGET_CHARS = 10_000
RESULTS = ROOT / "benchmarks" / "results" / "gtts_concurrency.json"


def article_text() -> str:
    """About 10,000 characters of the site's article: its paragraphs again and again, every
    sentence marked with its round so that no two are the same (the sentence cache would
    otherwise make repeats free)."""
    markdown = (ROOT / "tests/fixtures/articles/minval-baku-kiev.md").read_text(encoding="utf-8")
    body = markdown.split("---", 2)[2]
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
    text: list[str] = []
    round_ = 0
    while sum(len(p) for p in text) < TARGET_CHARS:
        round_ += 1
        for paragraph in paragraphs:
            marked = [f"{s[:-1]}, часть {round_}{s[-1]}" for s in split_sentences(paragraph)]
            text.append(" ".join(marked))
    return "\n\n".join(text)


def busiest_second(starts: list[float]) -> int:
    starts = sorted(starts)
    return max(sum(1 for t in starts[i:] if t < start + 1.0) for i, start in enumerate(starts))


def run_baseline(fake: FakeGoogle, text: str) -> dict:
    import gtts.tts

    real = gtts.tts._translate_url
    gtts.tts._translate_url = lambda tld="com", path="": fake.url  # the CLI's requests → fake
    try:
        start = time.perf_counter()
        gtts.tts.gTTS(text=text, lang="ru").write_to_fp(io.BytesIO())
        seconds = time.perf_counter() - start
    finally:
        gtts.tts._translate_url = real
    return {"seconds": seconds, "requests": len(fake.requests)}


def run_ours(fake: FakeGoogle, text: str) -> dict:
    sentences = [s for p in text.split("\n\n") for s in split_sentences(p)]
    article = Article("bench", "bench", [], datetime.now(UTC))
    script = Script(article, "bench", "ru", [
        Segment(SegmentKind.SENTENCE, s, s, 0.35) for s in sentences
    ])  # fmt: skip
    options = {"endpoint": fake.url, "max_in_flight": IN_FLIGHT, "requests_per_second": RATE}
    voice = VoiceProfile("ru-google", "gtts", "ru", options=options)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = synthesize_script(script, voice, GttsEngine(), SpeechCache(Path(folder)))
        seconds = time.perf_counter() - start
    busiest = busiest_second([r.start for r in fake.requests])
    return {
        "seconds": seconds,
        "requests": len(fake.requests),
        "sentences": len(sentences),
        "distinct_sentences": len(set(sentences)),
        "synthesized": result.synthesized,
        "max_in_flight_seen": fake.max_in_flight,
        "busiest_second_requests": busiest,
    }


def main() -> None:
    text = article_text()
    phrase = EspeakEngine().synthesize("Проверка связи.", load_voices()["ru-espeak"])
    mp3 = encode_mp3(phrase.samples, phrase.rate)
    print(f"article: {len(text):,} characters; fake answers after {LATENCY * 1000:.0f} ms",
          file=sys.stderr, flush=True)  # fmt: skip
    with FakeGoogle(latency=LATENCY, fixed_mp3=mp3) as fake:
        baseline = run_baseline(fake, text)
    with FakeGoogle(latency=LATENCY, fixed_mp3=mp3) as fake:
        ours = run_ours(fake, text)
    speedup = baseline["seconds"] / ours["seconds"]
    rate_ok = ours["busiest_second_requests"] <= RATE + 1  # +1: a window holds both ends
    print(f"{'':28}{'seconds':>9}{'requests':>10}")
    print(f"{'gtts, sequential (its CLI)':28}{baseline['seconds']:9.2f}{baseline['requests']:10}")
    print(f"{f'audiocast, {IN_FLIGHT} in flight':28}{ours['seconds']:9.2f}{ours['requests']:10}")
    print(f"speed-up {speedup:.1f}× (target ≥ 4×): {'PASS' if speedup >= 4 else 'FAIL'}")
    print(
        f"busiest second: {ours['busiest_second_requests']} requests, limit {RATE:g}/s: "
        f"{'PASS' if rate_ok else 'FAIL'}; most in flight seen by the server: "
        f"{ours['max_in_flight_seen']}"
    )
    record = {
        "date": datetime.now(UTC).isoformat(),
        "characters": len(text),
        "latency_seconds": LATENCY,
        "max_in_flight": IN_FLIGHT,
        "requests_per_second_limit": RATE,
        "baseline": baseline,
        "ours": ours,
        "speedup": speedup,
        "targets": {"speedup_at_least_4": speedup >= 4, "never_above_rate": rate_ok},
    }
    write_results(RESULTS, record)


if __name__ == "__main__":
    main()
