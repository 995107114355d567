"""Google Translate's speech (gTTS), over the network.

gTTS builds the requests (its text splitting and the request format of Google's endpoint);
this engine sends them itself, because gTTS's own transport has no rate limit, no retries and
opens a new connection per request. A sentence's requests go out in order; several sentences
of an article are in flight at once: every request of every sentence goes through one pool
of `max_in_flight` connections, under one rate limit.
"""

from __future__ import annotations

import base64
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version as package_version

import numpy as np

from audiocast.errors import EngineError
from audiocast.model import STRESS_MARK, Audio
from audiocast.retry import (
    RateLimiter,
    RetryPolicy,
    TransientError,
    retry_after_seconds,
    with_retries,
)
from audiocast.speech.voices import VoiceProfile

_AUDIO_LINE = re.compile(r'jQ1olc","\[\\"(.*?)\\"]')
_MAX_CHARS = 100  # Google's limit per request (gTTS.GOOGLE_TTS_MAX_CHARS)
# where a long sentence may be cut, best first: a cut at a comma keeps the intonation natural
_BOUNDARIES = (re.compile(r"[.!?;:…]\s"), re.compile(r"(,|\s[—–-])\s"), re.compile(r"\s"))
DEFAULTS = {
    "tld": "com",
    "max_in_flight": 4,
    "requests_per_second": 10.0,
    "attempts": 5,
    "backoff_seconds": 0.5,
    "timeout_seconds": 15.0,
    "endpoint": "",  # another URL for Google's endpoint: a proxy, a mirror, a test double
}


class GttsEngine:
    name = "gtts"

    def __init__(self) -> None:
        self._limiters: dict[float, RateLimiter] = {}
        self._pools: dict[int, ThreadPoolExecutor] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def available(self) -> str | None:
        try:
            import gtts  # noqa: F401
            import requests  # noqa: F401
            import soundfile  # noqa: F401
        except ImportError as exc:
            return f"{exc.name} is not installed: pip install gtts soundfile"
        return None

    def version(self, voice: VoiceProfile | None = None) -> str:
        return f"gtts-{package_version('gtts')}"

    def languages(self) -> set[str]:
        from gtts.lang import tts_langs

        return set(tts_langs())

    def max_in_flight(self, voice: VoiceProfile) -> int:
        return max(1, int(self._option(voice, "max_in_flight")))

    def synthesize(self, text: str, voice: VoiceProfile) -> Audio:
        from gtts import gTTS

        language = str(voice.options.get("lang", voice.language))
        if language not in self.languages():
            raise EngineError(f"voice {voice.name}: gTTS does not speak {language!r}")
        spoken = text.replace(STRESS_MARK, "")  # Google places stress itself
        if not spoken.strip():
            return Audio(np.zeros(0, np.int16), 24_000)
        tts = gTTS(
            spoken,
            lang=language,
            tld=str(self._option(voice, "tld")),
            lang_check=False,
            tokenizer_func=request_chunks,
        )
        try:
            requests = tts._prepare_requests()  # gTTS's request format; sent by us, see above
        except AssertionError:  # nothing to say once gTTS drops the punctuation
            return Audio(np.zeros(0, np.int16), 24_000)
        # a long sentence is several requests; they go out together, in the shared pool
        pool = self._pool(self.max_in_flight(voice))
        pieces = list(pool.map(lambda request: self._fetch(request, voice), requests))
        return _decode(pieces, voice)

    def _fetch(self, request, voice: VoiceProfile) -> bytes:
        policy = RetryPolicy(
            attempts=int(self._option(voice, "attempts")),
            base_seconds=float(self._option(voice, "backoff_seconds")),
        )
        endpoint = str(self._option(voice, "endpoint")) or request.url
        limiter = self._limiter(float(self._option(voice, "requests_per_second")))
        timeout = float(self._option(voice, "timeout_seconds"))

        def attempt() -> bytes:
            limiter.wait()
            return self._post(endpoint, request, timeout)

        try:
            return with_retries(attempt, policy)
        except TransientError as exc:
            raise EngineError(f"voice {voice.name}: Google speech failed: {exc}") from exc

    def _post(self, url: str, request, timeout: float) -> bytes:
        import requests

        try:
            response = self._session().post(
                url, data=request.body, headers=dict(request.headers), timeout=timeout
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientError(f"cannot reach {url}: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientError(
                f"HTTP {response.status_code}",
                retry_after_seconds(response.headers.get("Retry-After", "")),
            )
        if response.status_code != 200:
            raise EngineError(f"Google speech answered HTTP {response.status_code}")
        match = _AUDIO_LINE.search(response.text)
        if match is None:
            raise EngineError("Google speech answered without audio")
        return base64.b64decode(match.group(1))

    def _session(self):
        import requests

        session = getattr(self._local, "session", None)
        if session is None:  # one keep-alive session per thread
            session = self._local.session = requests.Session()
        return session

    def _pool(self, size: int) -> ThreadPoolExecutor:
        """The connections: at most SIZE requests in flight, whichever sentences they serve."""
        with self._lock:
            if size not in self._pools:
                self._pools[size] = ThreadPoolExecutor(size, thread_name_prefix="gtts")
            return self._pools[size]

    def _limiter(self, per_second: float) -> RateLimiter:
        with self._lock:
            if per_second not in self._limiters:
                self._limiters[per_second] = RateLimiter(per_second)
            return self._limiters[per_second]

    @staticmethod
    def _option(voice: VoiceProfile, key: str):
        return voice.options.get(key, DEFAULTS[key])


def request_chunks(text: str) -> list[str]:
    """TEXT in as few pieces of at most 100 characters as it takes, each cut at the best
    boundary available: gTTS's own tokenizer cuts at every comma, which makes twice the
    requests and breaks the sentence's intonation into fragments."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > _MAX_CHARS:
        cut = _best_cut(rest[: _MAX_CHARS + 1])
        chunks.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        chunks.append(rest)
    return chunks


def _best_cut(window: str) -> int:
    for boundary in _BOUNDARIES:
        ends = [m.end() for m in boundary.finditer(window)]
        if ends and ends[-1] > len(window) // 3:  # a cut that leaves a useful piece
            return ends[-1]
    return len(window) - 1  # one very long word: cut it anyway


def _decode(pieces: list[bytes], voice: VoiceProfile) -> Audio:
    """MP3 parts → one int16 mono array, decoded in process (libsndfile): no ffmpeg start per
    sentence."""
    import soundfile

    arrays, rate = [], 24_000
    for piece in pieces:
        try:
            samples, rate = soundfile.read(io.BytesIO(piece), dtype="int16", always_2d=True)
        except (RuntimeError, soundfile.LibsndfileError) as exc:
            raise EngineError(f"voice {voice.name}: Google sent audio that is not MP3") from exc
        arrays.append(
            samples.mean(axis=1).astype(np.int16) if samples.shape[1] > 1 else samples[:, 0]
        )
    return Audio(np.concatenate(arrays) if arrays else np.zeros(0, np.int16), rate)
