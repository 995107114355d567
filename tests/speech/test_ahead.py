"""Speaking while the script is written: takes land in the cache before synthesize_script asks,
and nothing it does can change what synthesize_script reports."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from audiocast.errors import EngineError
from audiocast.model import Article, Block, BlockKind, Script, Segment, SegmentKind
from audiocast.speech.ahead import SpeechAhead
from audiocast.speech.cache import SpeechCache
from audiocast.speech.synthesize import synthesize_script
from audiocast.speech.voices import load_voices
from tests.conftest import ARTICLES, CountingEspeak

SENTENCES = ["Первое предложение статьи.", "Второе предложение.", "Первое предложение статьи."]


def script_of(sentences: list[str]) -> Script:
    article = Article(
        source="test",
        title="Заголовок",
        published=datetime(2026, 11, 25, tzinfo=UTC),
        body=[Block(BlockKind.PARAGRAPH, "x")],
    )
    segments = [Segment(SegmentKind.SENTENCE, s, s, 0.35) for s in sentences]
    return Script(article=article, show="Шоу", language="ru", segments=segments)


def test_each_distinct_sentence_is_spoken_once_ahead_and_then_taken_from_the_cache(tmp_path):
    engine, voice = CountingEspeak(), load_voices()["ru-espeak"]
    cache = SpeechCache(tmp_path)
    with SpeechAhead(voice, engine, cache) as ahead:
        assert [ahead(s) for s in SENTENCES] == SENTENCES  # handed on unchanged
    assert ahead.spoken == 2 and len(engine.calls) == 2  # the repeat is not spoken twice
    result = synthesize_script(script_of(SENTENCES), voice, engine, cache)
    assert len(engine.calls) == 2  # nothing left to synthesize
    assert (result.synthesized, result.cached) == (0, 3)
    assert all(take.length > 0.5 * result.rate for take in result.takes)


class FailingOn(CountingEspeak):
    def __init__(self, bad: str):
        super().__init__()
        self.bad = bad

    def synthesize(self, text, voice):
        if text == self.bad:
            self.calls.append(text)
            raise EngineError(f"espeak-ng failed on {text[:20]!r}")
        return super().synthesize(text, voice)


def test_a_sentence_that_fails_ahead_is_reported_by_synthesize_script(tmp_path):
    engine, voice = FailingOn("Второе предложение."), load_voices()["ru-espeak"]
    cache = SpeechCache(tmp_path)
    with SpeechAhead(voice, engine, cache) as ahead:
        for sentence in SENTENCES:
            ahead(sentence)
    assert ahead.spoken == 1  # the first; the second failed quietly
    with pytest.raises(EngineError, match="failed on 'Второе"):
        synthesize_script(script_of(SENTENCES), voice, engine, cache)


def test_when_the_script_fails_what_is_still_queued_is_dropped(tmp_path):
    under_way, release = threading.Event(), threading.Event()

    class Slow(CountingEspeak):
        def synthesize(self, text, voice):
            under_way.set()
            release.wait(5)
            return super().synthesize(text, voice)

    engine, voice = Slow(), load_voices()["ru-espeak"]
    ahead = SpeechAhead(voice, engine, SpeechCache(tmp_path))
    with pytest.raises(ValueError, match="bad article"), ahead:
        for index in range(20):
            ahead(f"Предложение номер {index}.")
        assert under_way.wait(5)
        # the first sentence is under way when the script fails; it ends only after
        threading.Timer(0.3, release.set).start()
        raise ValueError("bad article")
    assert len(engine.calls) == 1 and ahead.spoken == 1


def test_a_pipeline_speaks_ahead_with_a_local_voice_only(pipeline, counting_engine):
    voices = pipeline.voices
    assert pipeline._speech_ahead(voices["ru-espeak"]) is not None
    assert pipeline._speech_ahead(voices["ru-google"]) is None  # network: its limits rule
    result = pipeline.make_episode(str(ARTICLES / "minval-baku-kiev.md"))
    # every sentence spoken once, and counted as spoken, not as found in the cache
    assert len(counting_engine.calls) == len(set(counting_engine.calls)) == result.synthesized
    assert result.cached == 0  # the cache was empty and the article repeats no sentence
