"""eSpeak NG, driven in process through its C library: no process start per sentence.

The library comes from the `espeakng-loader` wheel (which ships the `ru` and `az` dictionaries),
or else from the system's libespeak-ng (Debian package `espeak-ng`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

import numpy as np

from audiocast.errors import EngineError
from audiocast.speech.engine import Audio
from audiocast.speech.voices import VoiceProfile

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_PARAMETERS = {"rate": 1, "volume": 2, "pitch": 3, "range": 4, "wordgap": 7}
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def _find_library() -> tuple[str, bytes | None] | None:
    """(library path, data path or None for the library's own default), or None."""
    try:
        import espeakng_loader
    except ImportError:
        espeakng_loader = None
    if espeakng_loader is not None:
        return espeakng_loader.get_library_path(), espeakng_loader.get_data_path().encode()
    system = ctypes.util.find_library("espeak-ng")
    return (system, None) if system else None


class EspeakEngine:
    """One initialized libespeak-ng per engine. The library keeps process-wide state (the
    current voice, the callback), so calls are serialized by a lock."""

    name = "espeak"

    def __init__(self) -> None:
        self._lib = None
        self._rate = 0
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._collect)  # kept alive as long as the engine

    def available(self) -> str | None:
        try:
            self._load()
        except EngineError as exc:
            return str(exc)
        return None

    def version(self) -> str:
        lib = self._load()
        return lib.espeak_Info(None).decode()

    def synthesize(self, text: str, voice: VoiceProfile) -> Audio:
        lib = self._load()
        with self._lock:
            self._configure(lib, voice)
            self._chunks = []
            data = text.encode("utf-8") + b"\0"
            status = lib.espeak_Synth(data, len(data), 0, 0, 0, _CHARS_UTF8, None, None)
            if status != 0:
                raise EngineError(f"espeak-ng failed on {text[:40]!r} (status {status})")
            pcm = b"".join(self._chunks)
            self._chunks = []
        return Audio(np.frombuffer(pcm, dtype=np.int16).copy(), self._rate)

    def _collect(self, wav, count, _events) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = go on synthesizing

    def _configure(self, lib, voice: VoiceProfile) -> None:
        name = str(voice.options.get("voice", voice.language)).encode()
        if lib.espeak_SetVoiceByName(name) != 0:
            raise EngineError(f"voice {voice.name}: espeak-ng has no voice {name.decode()!r}")
        for key, code in _PARAMETERS.items():
            if key in voice.options:
                lib.espeak_SetParameter(code, int(voice.options[key]), 0)

    def _load(self):
        if self._lib is not None:
            return self._lib
        found = _find_library()
        if found is None:
            raise EngineError(
                "espeak-ng library not found: pip install espeakng-loader, "
                "or apt-get install espeak-ng"
            )
        path, data_path = found
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            raise EngineError(f"cannot load espeak-ng from {path}: {exc}") from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Info.restype = ctypes.c_char_p
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if rate <= 0:
            raise EngineError(f"espeak-ng failed to start (data path {data_path!r})")
        lib.espeak_SetSynthCallback(self._callback)
        self._lib, self._rate = lib, rate
        return lib
