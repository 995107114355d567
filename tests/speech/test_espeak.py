"""The real espeak-ng engine, in process."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from audiocast.errors import EngineError
from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.voices import VoiceProfile, load_voices

RU = VoiceProfile("ru-test", "espeak", "ru", options={"voice": "ru", "rate": 165})


def test_speaks_russian_as_16_bit_mono_speech():
    audio = EspeakEngine().synthesize("Баку и Киев переходят к делу.", RU)
    assert audio.rate == 22050
    assert audio.samples.dtype == np.int16
    # five words at 165 words a minute: between one and four seconds with espeak's padding
    assert 1.0 < audio.duration < 4.0
    assert np.abs(audio.samples.astype(np.int32)).max() > 3000  # not silence


def test_rate_option_changes_the_speed():
    engine = EspeakEngine()
    text = "Отношения между Азербайджаном и Украиной приобрели динамичный характер."
    slow = engine.synthesize(text, VoiceProfile("s", "espeak", "ru", options={"rate": 120}))
    fast = engine.synthesize(text, VoiceProfile("f", "espeak", "ru", options={"rate": 240}))
    assert fast.duration < slow.duration * 0.7


def test_no_process_is_started_per_sentence(monkeypatch):
    engine = EspeakEngine()
    engine.synthesize("Разогрев.", RU)

    def forbidden(*args, **kwargs):
        raise AssertionError("a process was started")

    monkeypatch.setattr(subprocess, "Popen", forbidden)
    for sentence in ("Первое предложение.", "Второе предложение.", "Третье."):
        assert engine.synthesize(sentence, RU).duration > 0.3


def test_bundled_profiles_speak_russian_and_azerbaijani():
    voices = load_voices()
    engine = EspeakEngine()
    assert engine.available() is None
    for name, text in (("ru-espeak", "Добрый день."), ("az-espeak", "Sabahınız xeyir.")):
        assert engine.synthesize(text, voices[name]).duration > 0.4


def test_unknown_espeak_voice_is_a_clear_error():
    voice = VoiceProfile("bad", "espeak", "xx", options={"voice": "no-such-voice"})
    with pytest.raises(EngineError, match="espeak-ng has no voice 'no-such-voice'"):
        EspeakEngine().synthesize("Текст.", voice)


def test_stress_mark_moves_espeaks_stress():
    from audiocast.speech.espeak import stress_phonemes

    # espeak-ng says «Ба́ку» by itself; the lexicon writes «Баку́»
    assert stress_phonemes("Баку\u0301", "b'Aku") == "[[bAk'u]]"
    assert stress_phonemes("за\u0301мок", "zam'ok") == "[[z'amok]]"
    assert stress_phonemes("обозрева\u0301тель", "VbVz@-r;iv'At;il") == "[[VbVz@-r;iv'At;il]]"
    # vowels that do not pair up, or a switch to another language: leave it to espeak
    assert stress_phonemes("Ба\u0301ку", "bAkuu") is None
    assert stress_phonemes("SO\u0301CAR", "(en)s'0kA@(ru)") is None


def test_stressed_text_is_spoken_differently():
    engine = EspeakEngine()

    def lengths(text: str) -> list[int]:
        return [len(engine.synthesize(text, RU).samples) for _ in range(3)]

    plain = lengths("Столица Азербайджана — Баку.")
    stressed = lengths("Столица Азербайджана — Баку\u0301.")
    jitter = max(max(plain) - min(plain), max(stressed) - min(stressed))  # espeak varies a bit
    assert abs(np.median(plain) - np.median(stressed)) > 5 * max(jitter, 10)
