"""`audiocast serve`: public/ over HTTP on this machine, for a preview.

Answers Range requests (206 with Content-Range) so that seeking in the audio works: browsers
ask for audio in ranges and will not seek in a file served whole. Folder URLs are served by
their index.html; hidden files (the build manifest, temporary files) are not served.
"""

from __future__ import annotations

import contextlib
import re
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server for FOLDER; port 0 picks a free port (server.server_address tells which)."""
    handler = partial(RangeRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(first, last) byte of a single-range header; None to serve the whole file (no header,
    several ranges or one we do not understand: RFC 9110 lets a server ignore Range);
    "unsatisfiable" for a range outside the file."""
    match = _RANGE.match(header.strip()) if header else None
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if start >= size or start > end:
        return "unsatisfiable"
    return start, end


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """Static files with Range support, folder index pages, no listings, no hidden files."""

    # keep-alive: a browser seeking in audio sends many range requests; every response here
    # carries a Content-Length, which HTTP/1.1 needs
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args) -> None:
        pass  # a preview server: requests are not worth a line each

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-cache")
        # the player embedded on another site fetches episode.json from here
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def _respond(self, body: bool) -> None:
        path = self._local_path()
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", urlsplit(self.path).path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = path / "index.html"
            if not path.is_file():
                self.send_error(HTTPStatus.NOT_FOUND, "not found")
                return
        # the browser stops reading when it seeks: nothing to do about that
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send_file(path, body)

    def _local_path(self) -> Path | None:
        parts = [p for p in unquote(urlsplit(self.path).path).split("/") if p]
        if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
            return None  # hidden files, "..", and tricks with separators
        path = Path(self.directory, *parts)
        return path if path.exists() else None

    def _send_file(self, path: Path, body: bool) -> None:
        size = path.stat().st_size
        wanted = parse_range(self.headers.get("Range", ""), size)
        if wanted == "unsatisfiable":
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        first, last = wanted if wanted else (0, size - 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
        self.send_header("Content-Type", _TYPES.get(path.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(last - first + 1))
        if wanted:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        self.end_headers()
        if body:
            _copy_range(path, first, last - first + 1, self.wfile)


def _copy_range(path: Path, start: int, length: int, out) -> None:
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                break
            out.write(chunk)
            length -= len(chunk)


__all__ = ["RangeRequestHandler", "make_server", "parse_range", "server_url"]
