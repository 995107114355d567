"""eSpeak NG, driven in process through its C library: no process start per sentence.

The library comes from the `espeakng-loader` wheel (which ships the `ru` and `az` dictionaries),
or else from the system's libespeak-ng (Debian package `espeak-ng`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading

import numpy as np

from audiocast.errors import EngineError
from audiocast.model import STRESS_MARK, Audio
from audiocast.speech.voices import VoiceProfile

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_PHONEMES_IN_BRACKETS = 0x100  # [[...]] in the text are phoneme mnemonics
_STRESSED_WORD = re.compile(rf"\w*{STRESS_MARK}[\w{STRESS_MARK}]*")
_VOWEL_LETTERS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯaeəıiouöüAEƏIİOUÖÜ")
_VOWEL_PHONEMES = set("aAV@oO0uUiIyYeE83")
# Audio comes back through a Python callback, which must take the GIL each time; at the
# library's default of 60 ms a sentence is a hundred callbacks, each waiting for whichever
# thread holds the GIL (speech/ahead.py runs synthesis beside normalization). A long buffer
# makes it a callback or two per sentence.
_BUFFER_MS = 10_000
_PARAMETERS = {"rate": 1, "volume": 2, "pitch": 3, "range": 4, "wordgap": 7}
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Library:
    """libespeak-ng, initialized once. The C library keeps process-wide state (the current
    voice, the callback) and cannot safely be initialized twice, so every engine in the
    process shares this one handle and every call holds its lock."""

    def __init__(self, path: str, data_path: bytes | None):
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
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int
        ]  # fmt: skip
        self.rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, data_path, 0)
        if self.rate <= 0:
            raise EngineError(f"espeak-ng failed to start (data path {data_path!r})")
        self.lock = threading.Lock()
        self._configured: tuple[bytes, tuple[tuple[int, int], ...]] | None = None
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._collect)  # must live as long as the library
        lib.espeak_SetSynthCallback(self._callback)
        self.version = lib.espeak_Info(None).decode()
        self._lib = lib

    def synthesize(self, text: str, voice: VoiceProfile) -> np.ndarray:
        with self.lock:
            self._configure(voice)
            flags = _CHARS_UTF8
            if STRESS_MARK in text:
                text = _STRESSED_WORD.sub(lambda m: self._stressed(m.group(0)), text)
                flags |= _PHONEMES_IN_BRACKETS
            self._chunks = []
            data = text.encode("utf-8") + b"\0"
            status = self._lib.espeak_Synth(data, len(data), 0, 0, 0, flags, None, None)
            if status != 0:
                raise EngineError(f"espeak-ng failed on {text[:40]!r} (status {status})")
            pcm, self._chunks = b"".join(self._chunks), []
        return np.frombuffer(pcm, dtype=np.int16).copy()

    def phonemes(self, word: str) -> str:
        """espeak-ng's phoneme mnemonics for WORD in the current voice (lock held)."""
        buffer = ctypes.create_string_buffer(word.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        return (
            self._lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, 0) or b""
        ).decode()

    def _stressed(self, word: str) -> str:
        """WORD with a stress mark as [[phonemes]] stressed where the mark says; the bare word
        when its phonemes cannot be matched to its letters (espeak then stresses it itself)."""
        bare = word.replace(STRESS_MARK, "")
        return stress_phonemes(word, self.phonemes(bare)) or bare

    def _collect(self, wav, count, _events) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = go on synthesizing

    def _configure(self, voice: VoiceProfile) -> None:
        name = str(voice.options.get("voice", voice.language)).encode()
        parameters = tuple(
            (code, int(voice.options[key])) for key, code in _PARAMETERS.items()
            if key in voice.options
        )  # fmt: skip
        # choosing a voice loads its dictionary (3 ms, a fifth of a short sentence's making):
        # done again only when the voice or its parameters change
        if self._configured == (name, parameters):
            return
        self._configured = None
        if self._lib.espeak_SetVoiceByName(name) != 0:
            raise EngineError(f"voice {voice.name}: espeak-ng has no voice {name.decode()!r}")
        for code, value in parameters:
            self._lib.espeak_SetParameter(code, value, 0)
        self._configured = (name, parameters)


def stress_phonemes(word: str, phonemes: str) -> str | None:
    """`[[phonemes]]` of WORD with the primary stress moved to the vowel that carries the
    acute accent in WORD; None when the vowels of the spelling and of the phonemes do not
    pair up one to one (or espeak switched language for the word)."""
    target, vowels = None, 0
    for index, letter in enumerate(word):
        if letter in _VOWEL_LETTERS:
            if word[index + 1 : index + 2] == STRESS_MARK:
                target = vowels
            vowels += 1
    plain = phonemes.replace("'", "").replace(",", "").strip("_ ")
    if target is None or "(" in plain or not plain:
        return None
    # "@-" is a schwa espeak inserts between consonants; it has no letter of its own
    positions = [
        i for i, c in enumerate(plain) if c in _VOWEL_PHONEMES and plain[i : i + 2] != "@-"
    ]
    if len(positions) != vowels:
        return None
    at = positions[target]
    return f"[[{plain[:at]}'{plain[at:]}]]"


_shared: _Library | None = None
_shared_lock = threading.Lock()


def _library() -> _Library:
    global _shared
    with _shared_lock:
        if _shared is None:
            found = _find_library()
            if found is None:
                raise EngineError(
                    "espeak-ng library not found: pip install espeakng-loader, "
                    "or apt-get install espeak-ng"
                )
            _shared = _Library(*found)
        return _shared


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
    name = "espeak"

    def available(self) -> str | None:
        try:
            _library()
        except EngineError as exc:
            return str(exc)
        return None

    def version(self, voice: VoiceProfile | None = None) -> str:
        return _library().version

    def synthesize(self, text: str, voice: VoiceProfile) -> Audio:
        library = _library()
        return Audio(library.synthesize(text, voice), library.rate)
