"""The desk's one voice: a sentence spoken through the shared speech cache, for the lexicon's
«Послушать» (lexicon_samples.py) and for an article's sentence played alone
(sentence_audio.py).

The cache is the pipeline's own (settings.cache_dir/speech, keyed as speech/synthesize.py keys
every take), so a sentence an episode has voiced, or the desk has spoken before, is read back
and never synthesized again; and what the desk speaks, the next voicing finds there. A voice
is taken with its fallback chain as a run takes it (speech/speaking.py): the first profile of
the chain whose engine speaks here.

Synthesis is the costly part (a network engine's request, a Piper model's second), so the
desk does one at a time, whoever asks: a request that waits past SYNTHESIS_WAIT seconds is
refused (503) rather than piling up. Reading the cache needs no turn.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audiocast.desk.lexicon_entry import Refused
from audiocast.errors import AudiocastError, ConfigError

if TYPE_CHECKING:
    from starlette.datastructures import State

    from audiocast.config import Settings
    from audiocast.model import Audio
    from audiocast.speech.cache import SpeechCache
    from audiocast.speech.engine import Engine
    from audiocast.speech.registry import EngineSet
    from audiocast.speech.voices import VoiceProfile

SYNTHESIS_WAIT = 20.0  # seconds a request may wait for the desk's one synthesis at a time
_made = threading.Lock()


@dataclass(frozen=True)
class Voice:
    """A profile that speaks here and its engine (the first of a fallback chain that does)."""

    profile: VoiceProfile
    engine: Engine

    @property
    def name(self) -> str:
        return self.profile.name


@dataclass(frozen=True)
class Spoken:
    key: str  # the speech cache's key of the sentence in this voice
    audio: Audio
    cached: bool  # read from the cache, not synthesized


class DeskSpeech:
    """Sentences spoken for SETTINGS' site by the desk; safe from any thread. SYNTHESIZED
    counts the sentences its engines were asked for (the rest came from the cache)."""

    def __init__(self, settings: Settings, engines: EngineSet | None = None):
        self.settings = settings
        self._engines = engines
        self._voices: dict[str, VoiceProfile] | None = None
        self._chosen: dict[str, Voice] = {}
        self._choosing = threading.Lock()
        self._synthesis = threading.Lock()  # one synthesis at a time, for the whole desk
        self.synthesized = 0

    @property
    def cache(self) -> SpeechCache:
        from audiocast.speech.cache import SpeechCache

        return SpeechCache(self.settings.cache_dir / "speech")

    def site_voice(self, language: str) -> Voice:
        """The site's voice for LANGUAGE (or the first of its fallbacks that speaks here)."""
        return self.voice(self.settings.voice_for(language))

    def voice(self, name: str) -> Voice:
        """The profile NAME, or the first of its fallback chain that speaks here; Refused
        (503) when none does or NAME is no profile of the site."""
        with self._choosing:
            if name not in self._chosen:
                self._chosen[name] = self._choose(name)
            return self._chosen[name]

    def key(self, text: str, voice: Voice) -> str:
        """TEXT's key in the speech cache, as every run keys its takes."""
        engine = voice.engine
        return self.cache.key(engine.name, engine.version(voice.profile), voice.profile, text)

    def speak(self, text: str, voice: Voice) -> Spoken:
        """TEXT in VOICE: from the cache, else synthesized (one at a time) and kept there."""
        cache = self.cache
        try:
            key = self.key(text, voice)
            audio = cache.get(key)
            if audio is not None:
                return Spoken(key, audio, True)
            if not self._synthesis.acquire(timeout=SYNTHESIS_WAIT):
                raise Refused("Голос занят другими фразами: попробуйте через минуту.", "", "", 503)
            try:
                audio = cache.get(key)  # spoken while this one waited its turn
                if audio is not None:
                    return Spoken(key, audio, True)
                from audiocast.speech.synthesize import synthesize_sentence

                audio = synthesize_sentence(text, voice.profile, voice.engine)
                self.synthesized += 1
                cache.put(key, audio)
            finally:
                self._synthesis.release()
        except AudiocastError as exc:
            message = f"Голос {voice.name} не смог произнести фразу."
            raise Refused(message, "", str(exc), 503) from None
        return Spoken(key, audio, False)

    # -- inside _choosing --------------------------------------------------------------------

    def _profiles(self) -> dict[str, VoiceProfile]:
        if self._voices is None:
            from audiocast.speech.voices import load_voices

            try:
                self._voices = load_voices(self.settings.voices_dir)
            except ConfigError as exc:
                raise Refused("Голоса сайта не прочитать.", "", str(exc), 503) from None
        return self._voices

    def _choose(self, name: str) -> Voice:
        from audiocast.speech.engine import voice_problem
        from audiocast.speech.registry import EngineSet
        from audiocast.speech.voices import find_voice

        voices = self._profiles()
        try:
            wanted = find_voice(voices, name)
        except ConfigError as exc:
            raise Refused(f"Голоса «{name}» у сайта нет.", "", str(exc), 503) from None
        if self._engines is None:
            self._engines = EngineSet()
        problems = []
        seen: set[str] = set()
        candidate: VoiceProfile | None = wanted
        while candidate is not None and candidate.name not in seen:
            seen.add(candidate.name)
            try:
                engine = self._engines.get(candidate.engine)
                problem = voice_problem(engine, candidate)
            except AudiocastError as exc:
                problem = str(exc)
            if problem is None:
                return Voice(candidate, engine)
            problems.append(f"voice {candidate.name}: {problem}")
            candidate = voices.get(candidate.fallback) if candidate.fallback else None
        raise Refused(f"Голос {wanted.name} здесь не звучит.", "", "; ".join(problems), 503)


def desk_speech(state: State) -> DeskSpeech:
    """The app's one DeskSpeech (STATE: app.state, with its `desk`), made on first use."""
    with _made:
        speech = getattr(state, "desk_speech", None)
        if speech is None:
            speech = state.desk_speech = DeskSpeech(state.desk.settings)
        return speech
