"""Which voice speaks an article, and speaking its script: through the voice's fallback chain
when its engine is missing, cannot speak the language, or fails after its retries.

A `Speaker` holds what every episode of a run shares (the voice profiles, the engines, the
speech cache); which profile a site wants for a language is config's choice (Settings.voice_for),
this module checks and speaks it. It may also start speaking while the script is still being
written (speech/ahead.py): `ahead_of_script` runs it while the pipeline writes the script, and
`spoken_ahead` wires it into the script's normalizer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from audiocast.errors import ArticleError, EngineError
from audiocast.model import Article, Script
from audiocast.script.normalize import Normalizer
from audiocast.speech.ahead import SpeechAhead
from audiocast.speech.cache import SpeechCache
from audiocast.speech.engine import max_in_flight, voice_problem
from audiocast.speech.registry import EngineSet
from audiocast.speech.synthesize import SpeechResult, synthesize_script
from audiocast.speech.voices import VoiceProfile, find_voice
from audiocast.timings import timed


class Speaker:
    """VOICES (shared, not copied: a caller may add a profile to it), the ENGINES that speak
    them and the CACHE their takes are kept in."""

    def __init__(self, voices: dict[str, VoiceProfile], engines: EngineSet, cache: SpeechCache):
        self.voices = voices
        self.engines = engines
        self.cache = cache

    def voice_for(self, article: Article, name: str) -> VoiceProfile:
        """The profile NAME for ARTICLE, which must speak the article's language."""
        voice = find_voice(self.voices, name)
        if voice.language != article.language:
            raise ArticleError(
                article.source,
                f"article is in {article.language!r} but voice {voice.name} speaks "
                f"{voice.language!r}; choose another with --voice",
            )
        return voice

    def ahead(self, voice: VoiceProfile) -> SpeechAhead | None:
        """A SpeechAhead for VOICE when its engine speaks here and in this process; a network
        engine is left to synthesize_script, which keeps its requests within the limits."""
        try:
            engine = self.engines.get(voice.engine)
        except EngineError:
            return None  # speak() reports it, or falls back
        if voice_problem(engine, voice) is not None or max_in_flight(engine, voice) > 1:
            return None
        return SpeechAhead(voice, engine, self.cache)

    @contextmanager
    def ahead_of_script(
        self, voice: VoiceProfile, timings: dict[str, float]
    ) -> Iterator[SpeechAhead | None]:
        """A SpeechAhead for VOICE (None where it cannot be) to hand the script's sentences
        to while the block writes them; leaving the block waits for the last ones to be
        spoken, timed in TIMINGS as "speech"."""
        ahead = self.ahead(voice)
        with contextlib.ExitStack() as speaking:
            if ahead is not None:
                speaking.enter_context(ahead)
            yield ahead
            with timed(timings, "speech"):  # the sentences still being spoken
                speaking.close()

    def speak(
        self,
        script: Script,
        voice: VoiceProfile,
        on_take: Callable[[], None] | None = None,
        ahead: SpeechAhead | None = None,
    ) -> tuple[SpeechResult, VoiceProfile]:
        """SCRIPT's takes and the voice that spoke them: VOICE, or the first of its fallback
        chain that can; each one passed over is named in a warning on the article. None left
        is an ArticleError naming the profiles that do speak the language here.

        What AHEAD, a SpeechAhead that spoke while SCRIPT was written, put in the cache was
        made for this episode: it counts as synthesized, not as found in the cache."""
        article = script.article
        failures: list[str] = []
        for candidate in self._fallback_chain(voice):
            engine = self.engines.get(candidate.engine)
            problem = voice_problem(engine, candidate)
            if problem is None:
                try:
                    result = synthesize_script(script, candidate, engine, self.cache, on_take)
                except EngineError as exc:
                    problem = str(exc)
                else:
                    if failures:
                        article.warnings.append(
                            f"{article.source}: {'; '.join(failures)}; spoken by {candidate.name}"
                        )
                    return _made_ahead(result, ahead), candidate
            failures.append(f"voice {candidate.name}: {problem}")
        speakers = self._profiles_speaking(voice.language)
        hint = f" (voice profiles for {voice.language!r}: {speakers})" if speakers else ""
        raise ArticleError(article.source, "; ".join(failures) + hint)

    def _fallback_chain(self, voice: VoiceProfile) -> list[VoiceProfile]:
        """VOICE, then its fallback, then that one's, until one repeats or there is none."""
        chain = [voice]
        while chain[-1].fallback and chain[-1].fallback not in [v.name for v in chain]:
            chain.append(find_voice(self.voices, chain[-1].fallback))
        return chain

    def _profiles_speaking(self, language: str) -> str:
        """The names of the profiles that speak LANGUAGE here, for the error that has none."""
        names = []
        for profile in sorted(self.voices.values(), key=lambda v: v.name):
            try:
                engine = self.engines.get(profile.engine)
            except EngineError:
                continue
            if profile.language == language and voice_problem(engine, profile) is None:
                names.append(profile.name)
        return ", ".join(names)


def spoken_ahead(normalizer: Normalizer, ahead: SpeechAhead) -> Normalizer:
    """NORMALIZER, handing each sentence it writes to AHEAD to be spoken at once."""
    return lambda written: ahead(normalizer(written))


def _made_ahead(result: SpeechResult, ahead: SpeechAhead | None) -> SpeechResult:
    moved = min(ahead.spoken, result.cached) if ahead is not None else 0
    result.synthesized, result.cached = result.synthesized + moved, result.cached - moved
    return result
