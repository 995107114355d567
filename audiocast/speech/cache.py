"""A content-addressed store of synthesized sentences.

The key is sha256 of (engine, engine version, voice language and options, spoken text): the
same sentence in the same voice is synthesized once, whichever article or run asks for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import wave
from pathlib import Path

import numpy as np

from audiocast.model import Audio
from audiocast.speech.voices import VoiceProfile


class SpeechCache:
    def __init__(self, folder: Path):
        self.folder = folder

    @staticmethod
    def key(engine_name: str, engine_version: str, voice: VoiceProfile, text: str) -> str:
        identity = [engine_name, engine_version, voice.language, voice.options, text]
        blob = json.dumps(identity, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Audio | None:
        """The cached audio, or None when there is none (or it is damaged)."""
        try:
            with wave.open(str(self._path(key)), "rb") as reader:
                frames = reader.readframes(reader.getnframes())
                return Audio(np.frombuffer(frames, dtype=np.int16), reader.getframerate())
        except (FileNotFoundError, wave.Error, EOFError):
            return None

    def shape(self, key: str) -> tuple[int, int] | None:
        """(samples, rate) of a cached entry from its header alone, or None when there is no
        usable entry: a missing or damaged one is synthesized again."""
        try:
            with wave.open(str(self._path(key)), "rb") as reader:
                if reader.getsampwidth() != 2 or reader.getnchannels() != 1:
                    return None
                return reader.getnframes(), reader.getframerate()
        except (FileNotFoundError, wave.Error, EOFError):
            return None

    def samples(self, key: str) -> np.ndarray:
        audio = self.get(key)
        if audio is None:
            raise FileNotFoundError(f"speech cache entry {key} vanished during the run")
        return audio.samples

    def put(self, key: str, audio: Audio) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as writer:
                writer.setnchannels(1)
                writer.setsampwidth(2)
                writer.setframerate(audio.rate)
                writer.writeframes(audio.samples.astype(np.int16).tobytes())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
