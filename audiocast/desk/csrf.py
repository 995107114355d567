"""Cross-site request forgery: what makes a POST the desk's own.

Two checks, both required for every unsafe method (gate.py applies them before any endpoint):

1. The form's hidden field FIELD (or the header HEADER, for scripts) equals the session's own
   random token, compared in constant time. A signed-in session's token lives in its database
   row; the sign-in form, before there is a session, is checked against a random token in a
   short-lived cookie of its own (the double-submit pattern), which another site can neither
   read nor set.
2. The request's Origin (or, when a browser sends none, its Referer) is the desk's own origin.
   A request that carries neither is judged by the token alone: some privacy tools strip both.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SIGN_IN_COOKIE = "audiocast_desk_signin"  # the sign-in form's token, before any session
SIGN_IN_COOKIE_SECONDS = 3600


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_matches(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(own_origin: str, origin: str | None, referer: str | None) -> bool:
    """Whether ORIGIN (else REFERER) names OWN_ORIGIN ("http://127.0.0.1:8700"); True when
    the browser sent neither. An Origin of "null" (a sandboxed frame, a file) is not ours."""
    if origin:
        return origin.rstrip("/") == own_origin
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == own_origin
    return True
