"""The desk under uvicorn: the socket is bound here, before uvicorn starts, so that a busy or
wrong address is one line (not a uvicorn traceback) and port 0 gives the real port to print.

uvicorn reads X-Forwarded-Proto and X-Forwarded-For only from the addresses in the environment
variable FORWARDED_ALLOW_IPS (loopback by default): a reverse proxy on this machine is
believed, a client that sends the headers itself is not.
"""

from __future__ import annotations

import socket

import uvicorn

from audiocast.errors import AudiocastError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8700


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on HOST:PORT (0: any free port), or AudiocastError on one line."""
    if isinstance(port, bool) or not 0 <= port <= 65535:
        raise AudiocastError(f"--port {port}: not a port (0–65535)")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as exc:
        raise AudiocastError(f"cannot serve on {host}:{port}: {_reason(exc)}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise AudiocastError(f"cannot serve on {host}:{port}: {_reason(exc)}") from exc
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def make_server(app, *, log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server for APP, quiet but for warnings and errors (the desk logs its own)."""
    config = uvicorn.Config(
        app, log_level=log_level, access_log=False, proxy_headers=True, server_header=False,
        lifespan="on",
    )  # fmt: skip
    return uvicorn.Server(config)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__
