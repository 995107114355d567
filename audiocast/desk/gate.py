"""The one place every request passes: no session, no page; no token, no change.

An ASGI middleware around the whole app, so that a route added later cannot forget the checks:

- A request to anything but PUBLIC paths needs a valid session (auth.Accounts.session): a page
  request without one is sent to the sign-in page (303), an /api/ request gets 401.
- Every unsafe method (anything but GET, HEAD, OPTIONS) needs the CSRF token and a same-origin
  Origin or Referer (csrf.py), the sign-in form included; its body is read here (at most
  MAX_BODY bytes, or MAX_UPLOAD_BODY on the UPLOAD_PATHS that take an article file: 413 past
  that, at once when Content-Length says so), checked, then handed on to the endpoint
  unchanged.
- A websocket (none yet: a later live page) needs a session and an Origin of our own, or is
  closed before it opens.
- An /api/ request may instead carry `Authorization: Bearer <token>`, a user's API token
  (api_tokens.py); never a page. A valid token stands for its user with the user's role, and
  needs no CSRF token: it is a header a browser never adds by itself, and no cookie is involved,
  so there is nothing another site could forge. A token that is not valid gets 401 JSON with
  `WWW-Authenticate: Bearer`, and too many of those from one address get 429. A cookie-session
  request to /api/ is checked like any other, CSRF included. Every refusal of an /api/ request
  is JSON: {"error": "..."}.

The signed-in user is left in request.state.user (None on a public path without a session).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from audiocast.desk import csrf
from audiocast.desk.api_tokens import TokenStore
from audiocast.desk.auth import FAILURE_WINDOW, Accounts, SignedIn
from audiocast.desk.cookies import SIGN_IN_PATH, CookiePolicy

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_BODY = 1024 * 1024
MAX_UPLOAD = 8 * 1024 * 1024  # an article file added on the desk (adding.py)
MAX_UPLOAD_BODY = MAX_UPLOAD + 64 * 1024  # the file and the form around it
UPLOAD_TOO_BIG = f"Файл больше {MAX_UPLOAD // (1024 * 1024)} МБ: такую статью стол не принимает."
UPLOAD_PATHS = frozenset({"/articles/add", "/api/articles"})
API_PREFIX = "/api/"

Refuse = Callable[[HTTPConnection, int, str, str], Response]


class Gate:
    def __init__(
        self,
        app: ASGIApp,
        accounts: Accounts,
        cookies: CookiePolicy,
        public: tuple[str, ...],
        public_prefixes: tuple[str, ...],
        refuse: Refuse,
        tokens: TokenStore | None = None,
    ):
        """PUBLIC: paths open without a session; PUBLIC_PREFIXES: folders whose every path is
        (the static assets); REFUSE renders the page that says no (status, title, message)."""
        self.app = app
        self.accounts = accounts
        self.cookies = cookies
        self.public = public
        self.public_prefixes = public_prefixes
        self.page_refuse = refuse
        self.tokens = tokens or TokenStore(accounts.store.path)  # API tokens: the same file

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        bearer = _bearer(connection) if scope["type"] == "http" else None
        user: SignedIn | None
        if bearer is not None:  # /api/ only: a page never takes a token
            address = connection.client.host if connection.client else ""
            found = await run_in_threadpool(self.tokens.authenticate, bearer, address)
            if found.user is None:
                await _token_refused(found.refused)(scope, receive, send)
                return
            user = found.user
        else:
            token = self.cookies.session_token(connection)
            user = await run_in_threadpool(self.accounts.session, token) if token else None
        scope.setdefault("state", {})["user"] = user
        scope["state"]["bearer"] = bearer is not None
        if scope["type"] == "websocket":  # a later live page: the same session, and our origin
            if user is None or not csrf.same_origin(
                _own_origin(connection), connection.headers.get("origin"), None
            ):
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if user is None and not self.is_public(path):
            await self._anonymous(connection)(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS:
            limit = body_limit(path)
            too_long = _declared_length(connection) > limit  # refused before a byte is read
            body = None if too_long else await _read_body(receive, limit)
            if body is None:
                refusal: Response | None = self.refuse(
                    connection, 413, "Слишком большой запрос", _too_big(path)
                )
            elif bearer is not None:  # a token, no cookie: nothing to forge, no CSRF
                refusal = None
            else:
                refusal = await self._unsafe(scope, body, self._expected_token(connection))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            receive = _replay(body or b"", receive)
        await self.app(scope, receive, send)

    def refuse(self, connection: HTTPConnection, status: int, title: str, message: str) -> Response:
        """The page that says no; for /api/, JSON: {"error": ...}."""
        if connection.url.path.startswith(API_PREFIX):
            return JSONResponse({"error": f"{title}: {message}"}, status,
                                headers={"Cache-Control": "no-store"})  # fmt: skip
        return self.page_refuse(connection, status, title, message)

    def is_public(self, path: str) -> bool:
        return path in self.public or path.startswith(self.public_prefixes)

    def _anonymous(self, connection: HTTPConnection) -> Response:
        path = connection.url.path
        if path.startswith(API_PREFIX):
            return JSONResponse(
                {"error": "sign-in required: an API token (Authorization: Bearer …) or a session"},
                401, headers={"WWW-Authenticate": 'Bearer realm="audiocast desk"'},
            )  # fmt: skip
        target = SIGN_IN_PATH
        if connection.scope["method"] == "GET" and path != "/":
            query = f"?{connection.url.query}" if connection.url.query else ""
            target += "?next=" + quote(path + query, safe="")
        return RedirectResponse(target, 303)

    def _expected_token(self, connection: HTTPConnection) -> str | None:
        """The session's token; on a public form (sign-in), before any session, the token of
        the form's own cookie."""
        if self.is_public(connection.url.path):
            return connection.cookies.get(csrf.SIGN_IN_COOKIE)
        user = connection.scope["state"]["user"]
        return user.csrf_token if user else None

    async def _unsafe(self, scope: Scope, body: bytes, expected: str | None) -> Response | None:
        """The refusal for an unsafe request that is not the desk's own; None when it is."""
        connection = HTTPConnection(scope)
        headers = connection.headers
        own = _own_origin(connection)
        if not csrf.same_origin(own, headers.get("origin"), headers.get("referer")):
            return self._forged(connection)
        given = headers.get(csrf.HEADER) or await _form_token(scope, body)
        if not csrf.token_matches(expected, given):
            return self._forged(connection)
        return None

    def _forged(self, connection: HTTPConnection) -> Response:
        return self.refuse(
            connection, 403, "Запрос отклонён",
            "Форма пришла без действительного ключа защиты или с чужого сайта. Обновите "
            "страницу и отправьте форму ещё раз.",
        )  # fmt: skip


def _bearer(connection: HTTPConnection) -> str | None:
    """The token of an /api/ request's `Authorization: Bearer …` (None: no such header, or
    not an /api/ path; "" for a Bearer header with nothing in it, which is refused)."""
    if not connection.url.path.startswith(API_PREFIX):
        return None
    scheme, _, token = connection.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def _token_refused(why: str | None) -> Response:
    if why == "limited":
        return JSONResponse(
            {"error": "too many invalid API tokens from this address: try again later"}, 429,
            headers={"Retry-After": str(FAILURE_WINDOW), "Cache-Control": "no-store"},
        )  # fmt: skip
    return JSONResponse(
        {"error": "invalid or revoked API token"}, 401,
        headers={"WWW-Authenticate": 'Bearer realm="audiocast desk", error="invalid_token"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


def _own_origin(connection: HTTPConnection) -> str:
    """The origin the browser reached the desk at: https behind a proxy that says so."""
    scheme = {"ws": "http", "wss": "https"}.get(connection.url.scheme, connection.url.scheme)
    return f"{scheme}://{connection.headers.get('host', '')}"


def body_limit(path: str) -> int:
    """The bytes an unsafe request to PATH may send: a file of an article takes more than any
    form."""
    return MAX_UPLOAD_BODY if path in UPLOAD_PATHS else MAX_BODY


def _too_big(path: str) -> str:
    if path in UPLOAD_PATHS:
        return UPLOAD_TOO_BIG
    return "Форма больше, чем принимает стол."


def _declared_length(connection: HTTPConnection) -> int:
    """The request's Content-Length (0 when it has none: a chunked body is counted as read)."""
    value = connection.headers.get("content-length", "")
    return int(value) if value.isdigit() else 0


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None past LIMIT bytes (read no further)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _form_token(scope: Scope, body: bytes) -> str | None:
    """The token field of a form body (urlencoded or multipart)."""
    content_type = HTTPConnection(scope).headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    request = Request(scope, _replay(body, None))
    try:
        form = await request.form()
    except Exception:  # a malformed body: python-multipart's own errors vary by version
        return None
    value = form.get(csrf.FIELD)
    await form.close()
    return value if isinstance(value, str) else None


def _replay(body: bytes, receive: Receive | None) -> Receive:
    """A receive() that gives BODY once, then waits on the real one (for the disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if receive is None:
            return {"type": "http.disconnect"}
        return await receive()

    return replay
