"""A stand-in for Google Translate's speech endpoint, on 127.0.0.1, for tests and benchmarks.

It answers the POSTs that gTTS prepares the way Google does: a `)]}'` guard line, then the
batchexecute envelope holding the base64 of a real MP3 (24 kHz mono, made by espeak-ng and
LAME from the requested text). It can be slow, fail with HTTP errors, or drop connections, and
it records every request (time, text, language) and the most requests it had in flight.
"""

from __future__ import annotations

import base64
import json
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.voices import VoiceProfile

_VOICE = VoiceProfile("fake", "espeak", "ru", options={"voice": "ru", "rate": 170})


@dataclass
class Recorded:
    start: float
    text: str
    language: str


@dataclass
class FakeGoogle:
    latency: float = 0.0  # seconds before answering
    # what to do with the requests in order: "ok", an HTTP status such as 503, or "drop";
    # after the script runs out, `then` applies to every request
    script: list = field(default_factory=list)
    then: object = "ok"
    fixed_mp3: bytes | None = None  # answer every request with this, instead of the text
    requests: list[Recorded] = field(default_factory=list)
    max_in_flight: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._mp3: dict[str, bytes] = {}
        self._engine = EspeakEngine()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/batchexecute"

    def __enter__(self) -> FakeGoogle:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_action(self):
        with self._lock:
            index = len(self.requests) - 1
            return self.script[index] if index < len(self.script) else self.then

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        text, language = _parse_request(body)
        with self._lock:
            self.requests.append(Recorded(time.monotonic(), text, language))
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            time.sleep(self.latency)
            action = self._next_action()
            if action == "drop":
                handler.close_connection = True
                handler.connection.close()
                return
            if action != "ok":
                handler.send_response(int(action))
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            payload = _envelope(self.fixed_mp3 or self._mp3_for(text))
            try:
                handler.send_response(200)
                handler.send_header("Content-Type", "application/json; charset=utf-8")
                handler.send_header("Content-Length", str(len(payload)))
                handler.end_headers()
                handler.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                handler.close_connection = True  # the client gave up waiting: a time-out test
        finally:
            with self._lock:
                self._in_flight -= 1

    def _mp3_for(self, text: str) -> bytes:
        with self._lock:
            if text in self._mp3:
                return self._mp3[text]
        audio = self._engine.synthesize(text, _VOICE)
        mp3 = encode_mp3(audio.samples, audio.rate)
        with self._lock:
            self._mp3[text] = mp3
        return mp3

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - the http.server name
                fake._answer(self)

            def log_message(self, *args):
                pass

        return Handler


def encode_mp3(samples: np.ndarray, rate: int) -> bytes:
    """Real MP3 bytes as Google sends them: 24 kHz mono, 32 kbit/s."""
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
         "-ar", "24000", "-ac", "1", "-b:a", "32k", "-f", "mp3", "pipe:1"],
        input=samples.astype(np.int16).tobytes(), capture_output=True, check=True,
    ).stdout  # fmt: skip


def _parse_request(body: bytes) -> tuple[str, str]:
    """gTTS sends f.req=[[["jQ1olc", "[text, lang, speed, \\"null\\"]", null, "generic"]]]."""
    form = urllib.parse.parse_qs(body.decode())
    rpc = json.loads(form["f.req"][0])
    text, language, *_ = json.loads(rpc[0][0][1])
    return text, language


def _envelope(mp3: bytes) -> bytes:
    audio = base64.b64encode(mp3).decode()
    inner = json.dumps([audio], separators=(",", ":"))
    line = json.dumps(
        [["wrb.fr", "jQ1olc", inner, None, None, None, "generic"]], separators=(",", ":")
    )
    return f")]}}'\n\n{len(line)}\n{line}\n".encode()
