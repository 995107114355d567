"""The conventions of the desk's JSON API under /api/ (api.py has its endpoints): JSON in and
out. A request body is a JSON object of at most MAX_JSON bytes (gate.py refuses anything past
1 MiB before it is read); anything that makes no sense gets 400 and {"error": "one sentence"},
an unknown path 404, a known path with another method 405, and a failure inside 500 with no
details (those go to the server's log). Never a traceback, never HTML.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

API = "/api"
MAX_JSON = 64 * 1024  # bytes: every body of this API is a few fields
NO_STORE = {"Cache-Control": "no-store"}
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
log = logging.getLogger("audiocast.desk.api")

Handler = Callable[[Request], Awaitable[Response]]


class Problem(Exception):
    """A request the API refuses: STATUS and one sentence saying why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def answer(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status, headers=NO_STORE)


def refusal(status: int, message: str) -> JSONResponse:
    return answer({"error": message}, status)


def api_endpoint(endpoint: Handler) -> Handler:
    """ENDPOINT answering JSON whatever happens: a Problem as its status and message, anything
    else as a 500 that names nothing (the details go to the log)."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Problem as problem:
            return refusal(problem.status, problem.message)
        except Exception as exc:
            log.error("%s %s failed: %s: %s", request.method, request.url.path,
                      type(exc).__name__, exc)  # fmt: skip
            return refusal(500, "the desk failed inside; the details are in the server's log")

    return guarded


def desk_of(request: Request) -> Any:
    return request.app.state.desk


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object ({} for an empty body); a Problem otherwise."""
    body = await request.body()  # the gate has read it already, at most its own limit
    if len(body) > MAX_JSON:
        raise Problem(413, f"the request body is over {MAX_JSON} bytes")
    if not body.strip():
        return {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type != "application/json":
        raise Problem(415, "send the body as JSON (Content-Type: application/json)")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise Problem(400, "the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise Problem(400, "the body must be a JSON object")
    return value


def text_field(body: dict[str, Any], name: str, limit: int) -> str:
    """BODY's NAME as text ("" when absent or null)."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Problem(400, f"{name} must be a string")
    if len(value) > limit:
        raise Problem(400, f"{name} must be at most {limit} characters long")
    return value


def unknown_fields(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise Problem(400, f"unknown field {unknown[0][:40]!r} (allowed: {known})")


def iso(moment: datetime | float | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.isoformat(timespec="seconds")


def page_number(raw: str | None) -> int:
    if not raw:
        return 1
    if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0:
        return int(raw)
    raise Problem(400, f"page {raw[:20]!r} is not a positive whole number")


# -- anything else under /api/ ----------------------------------------------------------------


async def not_found(request: Request) -> Response:
    """404 JSON for a path the API does not have; 405 for one it has, with another method."""
    allowed: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.endpoint is not not_found:
            match, _ = route.matches({**request.scope, "method": "\0"})
            if match is not Match.NONE and route.path.startswith(API + "/"):
                allowed |= route.methods or set()
    if allowed:
        return JSONResponse({"error": f"{request.method} is not allowed here"}, 405,
                            headers=NO_STORE | {"Allow": ", ".join(sorted(allowed))})  # fmt: skip
    return refusal(404, f"no API endpoint {request.url.path[:200]!r}")


not_found.changes_nothing = True  # type: ignore[attr-defined]  # any method: it only says no
