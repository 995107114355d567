"""Piper: neural speech from a local voice model (a .onnx file and its .onnx.json config).

Nothing is downloaded at run time: a profile names the model file, and a missing file is an
error that says where Piper voices come from. A model is loaded once per engine (the pipeline
keeps one engine for the whole run) and then asked for every sentence.

Profile options ([engine_options]):
    model           path to the .onnx file; a relative path is read from the profile's folder
    config          path to the .onnx.json file (default: the model path + ".json")
    speaker         speaker id (a number) or name, for models with several speakers
    length_scale    > 1 speaks slower, < 1 faster (default: the model's own)
    noise_scale     generator noise (default: the model's own)
    noise_w         phoneme-length noise (default: the model's own)
    volume          multiplier for the samples (default 1.0)
    normalize_audio scale every sentence to full range, as the piper command does (default
                    false: the model's own level, so sentences keep their relative loudness
                    and the episode's loudness stage sets the level once)
    strip_stress    remove U+0301 stress marks before phonemization (default false: Piper's
                    phonemizer, espeak-ng, reads them as stress in Russian — за́мок and замо́к
                    come out differently — but misreads them in English)
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from audiocast.errors import EngineError
from audiocast.model import STRESS_MARK, Audio
from audiocast.speech.voices import VoiceProfile

if TYPE_CHECKING:
    from piper import PiperVoice, SynthesisConfig

VOICES_URL = "https://huggingface.co/rhasspy/piper-voices"
_FINGERPRINT_HEX = 16
# profile option → piper.SynthesisConfig field
_NUMBER_OPTIONS = {
    "length_scale": "length_scale",
    "noise_scale": "noise_scale",
    "noise_w": "noise_w_scale",
    "volume": "volume",
}
_BOOL_OPTIONS = ("normalize_audio", "strip_stress")
_KNOWN_OPTIONS = {"model", "config", "speaker", *_NUMBER_OPTIONS, *_BOOL_OPTIONS}


@dataclass(frozen=True)
class PiperSettings:
    """What a voice profile asks of Piper, checked."""

    model: Path
    config: Path
    speaker: int | str | None
    synthesis: dict[str, Any]  # keyword arguments for piper.SynthesisConfig, except speaker
    strip_stress: bool


def read_settings(voice: VoiceProfile) -> PiperSettings:
    """The profile's [engine_options] as PiperSettings; every wrong key is reported at once."""
    options = voice.options
    problems = [f"unknown option {key!r}" for key in sorted(set(options) - _KNOWN_OPTIONS)]
    for key in ("model", "config"):
        if key in options and not (isinstance(options[key], str) and options[key].strip()):
            problems.append(f"{key} must be a file path (a string)")
    if "model" not in options:
        problems.append('model is missing: model = "path/to/voice.onnx"')
    speaker = options.get("speaker")
    if speaker is not None and (isinstance(speaker, bool) or not isinstance(speaker, int | str)):
        problems.append("speaker must be a speaker id (a number) or a speaker name")
    for key in _NUMBER_OPTIONS:
        value = options.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(f"{key} must be a number")
    for key in _BOOL_OPTIONS:
        if not isinstance(options.get(key, False), bool):
            problems.append(f"{key} must be true or false")
    if problems:
        raise EngineError(f"{_describe(voice)}: {'; '.join(problems)}")
    model = _resolve(options["model"], voice)
    config = _resolve(options["config"], voice) if "config" in options else Path(f"{model}.json")
    synthesis: dict[str, Any] = {
        field: float(options[key]) for key, field in _NUMBER_OPTIONS.items() if key in options
    }
    synthesis["normalize_audio"] = options.get("normalize_audio", False)
    return PiperSettings(model, config, speaker, synthesis, options.get("strip_stress", False))


def _resolve(value: str, voice: VoiceProfile) -> Path:
    """A path from a profile: relative to the profile's folder, so a site's voices folder can
    carry its models next to the profiles."""
    path = Path(value).expanduser()
    if not path.is_absolute() and voice.path is not None:
        path = voice.path.parent / path
    # absolute but symlinks kept: the default config sits next to the name the profile gives
    return Path(os.path.abspath(path))


def _describe(voice: VoiceProfile) -> str:
    return f"voice {voice.name} ({voice.path})" if voice.path else f"voice {voice.name}"


def spoken_text(text: str, strip_stress: bool) -> str:
    """TEXT as Piper should get it: with or without the lexicon's stress marks (a precomposed
    letter such as é is one character of its own and stays)."""
    return text.replace(STRESS_MARK, "") if strip_stress else text


class PiperEngine:
    """Piper voices loaded on first use and kept, one per (model, config) for the engine's
    life. Loading is serialized by a lock; synthesis is not (onnxruntime sessions may be run
    from several threads, and piper locks its own phonemizer)."""

    name = "piper"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._voices: dict[tuple[Path, Path], PiperVoice] = {}
        self._fingerprints: dict[tuple, str] = {}  # (model, config) file states → hex

    def available(self) -> str | None:
        try:
            import piper  # noqa: F401
        except (ImportError, OSError) as exc:  # OSError: onnxruntime's shared library
            return f"piper-tts is not installed or does not load ({exc}): pip install piper-tts"
        return None

    def version(self, voice: VoiceProfile | None = None) -> str:
        """piper-tts's version; with VOICE, also a fingerprint of its model and config, so that
        a replaced model file does not reuse sentences spoken by the old one."""
        try:
            engine = f"piper-tts {package_version('piper-tts')}"
        except PackageNotFoundError as exc:
            raise EngineError("piper-tts is not installed: pip install piper-tts") from exc
        if voice is None:
            return engine
        settings = read_settings(voice)
        _require_files(settings, voice)
        return f"{engine}; model sha256 {self._fingerprint(settings.model, settings.config)}"

    def voice_problem(self, voice: VoiceProfile) -> str | None:
        """A profile with wrong options or missing model files, said before any work."""
        try:
            _require_files(read_settings(voice), voice)
        except EngineError as exc:
            return str(exc)
        return None

    def synthesize(self, text: str, voice: VoiceProfile) -> Audio:
        settings = read_settings(voice)
        piper_voice = self.load(settings, voice)
        syn_config = _synthesis_config(piper_voice, settings, voice)
        spoken = spoken_text(text, settings.strip_stress)
        try:
            chunks = [
                chunk.audio_int16_array for chunk in piper_voice.synthesize(spoken, syn_config)
            ]
        except Exception as exc:  # onnxruntime's errors derive from Exception alone
            raise EngineError(f"{_describe(voice)}: Piper failed on {text[:40]!r}: {exc}") from exc
        # piper yields one chunk per sentence its phonemizer finds; ours is one sentence, but an
        # abbreviation can split it, and the chunks join without a gap as in piper's own WAV
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return Audio(samples.astype(np.int16, copy=False), piper_voice.config.sample_rate)

    def load(self, settings: PiperSettings, voice: VoiceProfile) -> PiperVoice:
        """The loaded Piper voice for SETTINGS: loaded on first use, then kept."""
        key = (settings.model.resolve(), settings.config.resolve())  # one load per real file
        with self._lock:
            if key not in self._voices:
                self._voices[key] = _load_voice(settings, voice)
            return self._voices[key]

    def _fingerprint(self, model: Path, config: Path) -> str:
        """sha256 of model and config, computed once per file state (hashing a 60 MB model
        takes about 0.2 s: once per run, not once per script)."""
        key = (*_file_state(model), *_file_state(config))
        with self._lock:
            if key not in self._fingerprints:
                digest = hashlib.sha256()
                for path in (model, config):
                    with path.open("rb") as handle:
                        digest.update(hashlib.file_digest(handle, "sha256").digest())
                self._fingerprints[key] = digest.hexdigest()[:_FINGERPRINT_HEX]
            return self._fingerprints[key]


def _file_state(path: Path) -> tuple[Path, int, int]:
    """What tells a changed file from the same one without reading it."""
    stat = path.stat()
    return path, stat.st_size, stat.st_mtime_ns


def _require_files(settings: PiperSettings, voice: VoiceProfile) -> None:
    where = (
        f"Piper voices come from {VOICES_URL}: download the .onnx and its .onnx.json on a "
        "machine with internet and point model at it (nothing is downloaded at run time)"
    )
    if not settings.model.is_file():
        raise EngineError(f"{_describe(voice)}: Piper model not found: {settings.model}. {where}")
    if not settings.config.is_file():
        raise EngineError(
            f"{_describe(voice)}: Piper model config not found: {settings.config} "
            f"(each model needs its .onnx.json). {where}"
        )


def _load_voice(settings: PiperSettings, voice: VoiceProfile) -> PiperVoice:
    _require_files(settings, voice)
    try:
        from piper import PiperVoice
    except (ImportError, OSError) as exc:
        raise EngineError(f"piper-tts does not load ({exc}): pip install piper-tts") from exc
    try:
        return PiperVoice.load(settings.model, config_path=settings.config)
    except Exception as exc:  # a damaged model or config: onnxruntime, json or a missing key
        raise EngineError(
            f"{_describe(voice)}: cannot load Piper model {settings.model}: {exc}"
        ) from exc


def _synthesis_config(
    piper_voice: PiperVoice, settings: PiperSettings, voice: VoiceProfile
) -> SynthesisConfig:
    from piper import SynthesisConfig

    speaker_id = _speaker_id(piper_voice, settings.speaker, voice)
    return SynthesisConfig(speaker_id=speaker_id, **settings.synthesis)


def _speaker_id(
    piper_voice: PiperVoice, speaker: int | str | None, voice: VoiceProfile
) -> int | None:
    if speaker is None:
        return None
    config = piper_voice.config
    if isinstance(speaker, str):
        if speaker not in config.speaker_id_map:
            known = ", ".join(sorted(config.speaker_id_map)) or "none: one speaker"
            raise EngineError(f"{_describe(voice)}: no Piper speaker {speaker!r} (known: {known})")
        return config.speaker_id_map[speaker]
    if not 0 <= speaker < max(config.num_speakers, 1):
        raise EngineError(
            f"{_describe(voice)}: speaker {speaker} is out of range: the model has "
            f"{config.num_speakers} speaker(s), numbered from 0"
        )
    return speaker
