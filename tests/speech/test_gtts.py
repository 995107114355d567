"""The gTTS engine against a local stand-in for Google's endpoint (tests/fakes/google_tts.py):
real MP3 bytes in Google's envelope, slowness, failures and retries at the HTTP boundary."""

from __future__ import annotations

import dataclasses
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from audiocast.errors import ArticleError, EngineError
from audiocast.model import Article, Script, Segment, SegmentKind
from audiocast.pipeline import Pipeline
from audiocast.speech.cache import SpeechCache
from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.gtts_engine import GttsEngine
from audiocast.speech.registry import EngineSet
from audiocast.speech.synthesize import synthesize_script
from audiocast.speech.voices import VoiceProfile, load_voices
from tests.conftest import ARTICLES
from tests.fakes.google_tts import FakeGoogle, encode_mp3

QUICK = {"backoff_seconds": 0.01, "requests_per_second": 100}


def google(url: str, **options) -> VoiceProfile:
    return VoiceProfile("ru-google", "gtts", "ru", options={"endpoint": url, **QUICK, **options})


def test_speaks_what_google_returns():
    text = "Баку и Киев переходят к делу."
    with FakeGoogle() as fake:
        audio = GttsEngine().synthesize(text, google(fake.url))
    assert [(r.text, r.language) for r in fake.requests] == [(text, "ru")]
    assert audio.rate == 24000
    assert 1.0 < audio.duration < 4.0
    assert abs(audio.samples.astype(int)).max() > 3000


@pytest.fixture(scope="module")
def phrase_mp3() -> bytes:
    """One real MP3 for answers whose content does not matter: the fake then spends no time
    making audio, and the test measures the engine."""
    audio = EspeakEngine().synthesize("Проверка связи.", load_voices()["ru-espeak"])
    return encode_mp3(audio.samples, audio.rate)


def test_sentences_go_out_concurrently_but_never_more_than_configured(phrase_mp3):
    sentences = [f"Предложение номер {n} из двенадцати." for n in range(12)]
    engine = GttsEngine()
    with FakeGoogle(latency=0.3, fixed_mp3=phrase_mp3) as fake:
        voice = google(fake.url, max_in_flight=4)
        start = time.monotonic()
        _synthesize_all(engine, voice, sentences)
        elapsed = time.monotonic() - start
    assert fake.max_in_flight == 4
    assert elapsed < 12 * 0.3 / 2.5  # sequentially it takes 3.6 s


def test_request_rate_is_never_above_the_limit(phrase_mp3):
    sentences = [f"Короткая фраза {n}." for n in range(10)]
    with FakeGoogle(fixed_mp3=phrase_mp3) as fake:
        _synthesize_all(GttsEngine(), google(fake.url, requests_per_second=5), sentences)
    starts = sorted(r.start for r in fake.requests)  # as the server saw them
    # 5 a second: never more than 5 in any second Google sees (one more allowed for the
    # server's own clock, which stamps a request late when its thread waits for a core)
    most_in_a_second = max(sum(t <= u < t + 1 for u in starts) for t in starts)
    assert most_in_a_second <= 6, starts
    assert starts[-1] - starts[0] >= 9 * 0.2 - 0.05  # one every 0.2 s on the whole


@pytest.mark.parametrize("failure", [503, 429, 500, "drop"])
def test_transient_failures_are_retried(failure):
    with FakeGoogle(script=[failure, failure]) as fake:
        audio = GttsEngine().synthesize("Повторная попытка.", google(fake.url))
    assert len(fake.requests) == 3
    assert audio.duration > 0.5


def test_slow_answers_time_out_and_are_retried():
    with FakeGoogle(latency=0.5) as fake:
        voice = google(fake.url, timeout_seconds=0.1, attempts=2)
        with pytest.raises(EngineError, match=r"ReadTimeout.*after 2 attempts"):
            GttsEngine().synthesize("Медленно.", voice)
    assert len(fake.requests) == 2


def test_after_the_last_retry_the_error_is_clear():
    with FakeGoogle(then=503) as fake, pytest.raises(EngineError) as caught:
        GttsEngine().synthesize("Не выйдет.", google(fake.url, attempts=3))
    assert len(fake.requests) == 3
    assert str(caught.value) == (
        "voice ru-google: Google speech failed: HTTP 503 (after 3 attempts)"
    )


def test_client_errors_are_not_retried():
    with FakeGoogle(then=403) as fake, pytest.raises(EngineError, match="HTTP 403"):
        GttsEngine().synthesize("Запрещено.", google(fake.url))
    assert len(fake.requests) == 1


def test_a_failing_article_publishes_nothing(settings):
    with FakeGoogle(then=503) as fake:
        pipeline = _pipeline_with(settings, google(fake.url, attempts=2))
        with pytest.raises(ArticleError) as caught:
            pipeline.make_episode(str(ARTICLES / "short-news.json"), "ru-google")
    message = str(caught.value)
    assert message.startswith(str(ARTICLES / "short-news.json") + ": voice ru-google:")
    assert "HTTP 503 (after 2 attempts)" in message
    assert not settings.episodes_dir.exists() or not any(settings.episodes_dir.iterdir())


def test_fallback_voice_speaks_when_google_fails_and_metadata_says_so(settings):
    with FakeGoogle(then="drop") as fake:
        voice = dataclasses.replace(google(fake.url, attempts=2), fallback="ru-espeak")
        result = _pipeline_with(settings, voice).make_episode(
            str(ARTICLES / "short-news.json"), "ru-google"
        )
    assert result.info.voice == "ru-espeak"
    assert any("spoken by ru-espeak" in warning for warning in result.warnings)
    assert (result.folder / "episode.mp3").stat().st_size > 10_000


def test_whole_episode_through_google(settings):
    with FakeGoogle() as fake:
        result = _pipeline_with(settings, google(fake.url)).make_episode(
            str(ARTICLES / "short-news.json"), "ru-google"
        )
    assert result.info.voice == "ru-google"
    spoken = {r.text for r in fake.requests}
    assert any("то есть практически весь спектр" in text for text in spoken)


def test_azerbaijani_is_refused_with_the_voices_that_can(settings, tmp_path):
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "az-google.toml").write_text('engine = "gtts"\nlanguage = "az"\n')
    pipeline = Pipeline(dataclasses.replace(settings, voices_dir=voices))
    with pytest.raises(ArticleError) as caught:
        pipeline.make_episode(str(ARTICLES / "azerbaijani.md"), "az-google")
    assert "voice az-google: gtts does not speak 'az'" in str(caught.value)
    assert "(voice profiles for 'az': az-espeak)" in str(caught.value)


def _synthesize_all(engine, voice, sentences):
    """The sentences as one script through synthesize_script, the way an article goes."""
    article = Article("x", "x", [], datetime.now(UTC))
    segments = [Segment(SegmentKind.SENTENCE, s, s, 0.3) for s in sentences]
    with tempfile.TemporaryDirectory() as folder:
        cache = SpeechCache(Path(folder))
        return synthesize_script(Script(article, "show", "ru", segments), voice, engine, cache)


def _pipeline_with(settings, voice: VoiceProfile) -> Pipeline:
    pipeline = Pipeline(settings, EngineSet())
    pipeline.voices[voice.name] = voice
    return pipeline


def test_long_sentences_are_cut_at_the_best_boundary_in_100_character_requests():
    from audiocast.speech.gtts_engine import request_chunks

    sentence = (
        "Отношения между Азербайджаном и Украиной в последние месяцы приобрели отчетливо "
        "динамичный характер, демонстрируя выход за рамки традиционных дипломатических "
        "формальностей."
    )
    chunks = request_chunks(sentence)
    assert chunks == [sentence[:100], sentence[101:]]
    assert chunks[0].endswith("характер,")
    assert all(len(c) <= 100 for c in request_chunks("слово " * 80))
    assert request_chunks("А" * 250) == ["А" * 100, "А" * 100, "А" * 50]
    with FakeGoogle() as fake:
        GttsEngine().synthesize(sentence, google(fake.url))
    assert sorted(r.text for r in fake.requests) == sorted(chunks)
