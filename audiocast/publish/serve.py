"""`audiocast serve`: public/ over HTTP on this machine, for a preview.

Answers Range requests (206 with Content-Range) so that seeking in the audio works: browsers
ask for audio in ranges and will not seek in a file served whole. Folder URLs are served by
their index.html; hidden files (the build manifest, temporary files) are not served.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
from enum import Enum
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from audiocast.errors import AudiocastError

_CHUNK = 64 * 1024
# (both used with fullmatch: a `$` would also match before a trailing newline)
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
# a byte position that int() can take: at most 18 digits after any leading zeros (RFC 9110
# allows those). A longer one is past the end of any file there can be: it counts as _PAST_ALL
_POSITION = re.compile(r"0*(\d{1,18})")
_PAST_ALL = 10**18
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
    """A server for FOLDER; port 0 picks a free port (server.server_address tells which).
    Raises AudiocastError, on one line, for a port out of range or an address it cannot take
    (busy, not this machine's, a host name that does not resolve)."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise AudiocastError(f"port {port} is not a port (0–65535)")
    handler = partial(RangeRequestHandler, directory=str(folder))
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except (OSError, OverflowError) as exc:  # socket.gaierror is an OSError
        if isinstance(exc, socket.gaierror) and exc.strerror:
            reason = exc.strerror  # its number means nothing to anyone
        else:
            reason = " ".join(str(exc).split())
        raise AudiocastError(f"cannot serve on {host}:{port}: {reason}") from exc
    server.daemon_threads = True
    return server


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    name = host.decode() if isinstance(host, bytes) else host  # bytes only for Unix sockets
    return f"http://{name}:{port}/"


class Unsatisfiable(Enum):
    """A range outside the file: answered 416."""

    RANGE = "unsatisfiable"


UNSATISFIABLE = Unsatisfiable.RANGE


def parse_range(header: str, size: int) -> tuple[int, int] | None | Unsatisfiable:
    """(first, last) byte of a single-range header; None to serve the whole file (no header,
    several ranges or one we do not understand: RFC 9110 lets a server ignore Range);
    UNSATISFIABLE for a range outside the file (also one starting at a position too long to
    be a number: past the end of any file)."""
    match = _RANGE.fullmatch(header.strip()) if header else None
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        length = _position(last)
        if length == 0 or size == 0:
            return UNSATISFIABLE
        return max(0, size - length), size - 1
    start = _position(first)
    end = size - 1 if last == "" else min(_position(last), size - 1)
    if start >= size or start > end:
        return UNSATISFIABLE
    return start, end


def _position(digits: str) -> int:
    match = _POSITION.fullmatch(digits)
    return int(match.group(1)) if match else _PAST_ALL


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
        if path is not None and _is_dir(path):
            if not urlsplit(self.path).path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", urlsplit(self.path).path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = path / "index.html"
        handle = _open_file(path) if path is not None else None
        if path is None or handle is None:
            self.send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        # the browser stops reading when it seeks: nothing to do about that
        with handle, contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send_file(handle, path.suffix, body)

    def _local_path(self) -> Path | None:
        """What the URL names in the folder, or None: not there, hidden, or a name the system
        refuses (a part over 255 bytes, say)."""
        parts = [p for p in unquote(urlsplit(self.path).path).split("/") if p]
        if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
            return None  # hidden files, "..", and tricks with separators
        path = Path(self.directory, *parts)
        try:
            return path if path.exists() else None
        except OSError:
            return None

    def _send_file(self, handle: BinaryIO, suffix: str, body: bool) -> None:
        status = os.fstat(handle.fileno())  # the file opened, not a second look-up by name
        size = status.st_size
        wanted = parse_range(self.headers.get("Range", ""), size)
        if isinstance(wanted, Unsatisfiable):
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        first, last = wanted if wanted else (0, size - 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
        self.send_header("Content-Type", _TYPES.get(suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(last - first + 1))
        if wanted:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Last-Modified", self.date_time_string(int(status.st_mtime)))
        self.end_headers()
        if body:
            _copy_range(handle, first, last - first + 1, self.wfile)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _open_file(path: Path) -> BinaryIO | None:
    """PATH opened for reading if it is a file that can be read, else None."""
    try:
        return open(path, "rb") if path.is_file() else None  # the caller closes it
    except OSError:
        return None


def _copy_range(handle: BinaryIO, start: int, length: int, out) -> None:
    handle.seek(start)
    while length > 0:
        chunk = handle.read(min(_CHUNK, length))
        if not chunk:
            break
        out.write(chunk)
        length -= len(chunk)


__all__ = ["UNSATISFIABLE", "RangeRequestHandler", "make_server", "parse_range", "server_url"]
