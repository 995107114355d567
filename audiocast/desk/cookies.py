"""The desk's cookies and their flags.

The session cookie is HttpOnly (no script reads it), SameSite=Lax and Path=/, with a Max-Age of
the absolute session length (the server ends sessions sooner: auth.py). It is Secure whenever
the desk is reached over https (a reverse proxy that says so: uvicorn trusts X-Forwarded-Proto
from the addresses in FORWARDED_ALLOW_IPS, loopback by default) or listens on an address other
than loopback; then it is named with the __Host- prefix, which browsers accept only from a
secure origin, for the whole host and no Domain, so no sibling subdomain can plant one.

Lax rather than Strict: a desk link followed from the newsroom's chat or WordPress arrives with
the session (Strict would show the sign-in page to a signed-in editor). Lax still withholds the
cookie from another site's POST, and every unsafe request needs the session's CSRF token and a
same-origin Origin besides (csrf.py); a GET changes nothing.

The sign-in form's own token cookie is SameSite=Strict and limited to /login/.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from audiocast.desk import csrf
from audiocast.desk.auth import ABSOLUTE_SECONDS

if TYPE_CHECKING:  # `audiocast desk user …` loads no web machinery (is_loopback is all it needs)
    from starlette.requests import HTTPConnection
    from starlette.responses import Response

SESSION = "audiocast_desk"
SECURE_SESSION = "__Host-audiocast_desk"
SIGN_IN_PATH = "/login/"


def is_loopback(host: str) -> bool:
    """Whether HOST (an address or "localhost") is this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


class CookiePolicy:
    """How the session cookie is named and flagged for a desk listening on BIND_HOST."""

    def __init__(self, bind_host: str):
        self.network = not is_loopback(bind_host)

    def secure(self, connection: HTTPConnection) -> bool:
        return self.network or connection.url.scheme == "https"

    def can_sign_in(self, connection: HTTPConnection) -> bool:
        """False when the cookie must be Secure but the request came over plain http: the
        browser would drop it, and the password crossed the network in the clear."""
        return not self.network or connection.url.scheme == "https"

    def session_name(self, connection: HTTPConnection) -> str:
        return SECURE_SESSION if self.secure(connection) else SESSION

    def session_token(self, connection: HTTPConnection) -> str:
        return connection.cookies.get(self.session_name(connection), "")

    def set_session(self, response: Response, connection: HTTPConnection, token: str) -> None:
        response.set_cookie(
            self.session_name(connection), token, max_age=ABSOLUTE_SECONDS, path="/",
            secure=self.secure(connection), httponly=True, samesite="lax",
        )  # fmt: skip

    def clear_session(self, response: Response, connection: HTTPConnection) -> None:
        response.delete_cookie(
            self.session_name(connection), path="/", secure=self.secure(connection),
            httponly=True, samesite="lax",
        )  # fmt: skip

    def set_sign_in_token(self, response: Response, connection: HTTPConnection, token: str):
        response.set_cookie(
            csrf.SIGN_IN_COOKIE, token, max_age=csrf.SIGN_IN_COOKIE_SECONDS, path=SIGN_IN_PATH,
            secure=self.secure(connection), httponly=True, samesite="strict",
        )  # fmt: skip
