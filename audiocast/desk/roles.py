"""What a role may do: a viewer reads and listens; only an editor changes anything.

Every endpoint that changes something (voices, excludes, edits the lexicon, makes an edition,
starts a job) is wrapped in `editor_only`, so the rule is said once and a new action cannot
forget it; tests enumerate the app's unsafe routes and try each as a viewer. A page refuses
with a page; an /api/ endpoint with JSON, {"error": …} (api.py).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import cast

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Endpoint = Callable[[Request], Awaitable[Response] | Response]

VIEWER_REFUSED_TITLE = "Недостаточно прав"
VIEWER_REFUSED = "Эта учётная запись может читать и слушать, но не менять: нужна роль «редактор»."
API_PREFIX = "/api/"


def editor_only(endpoint: Endpoint) -> Endpoint:
    """ENDPOINT for editors; anyone else signed in gets a 403 page (JSON under /api/) saying
    why."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        user = getattr(request.state, "user", None)
        if user is None or not user.is_editor:
            if request.url.path.startswith(API_PREFIX):
                return JSONResponse({"error": f"{VIEWER_REFUSED_TITLE}: {VIEWER_REFUSED}"}, 403,
                                    headers={"Cache-Control": "no-store"})  # fmt: skip
            return request.app.state.desk.pages.error(
                request, 403, VIEWER_REFUSED_TITLE, VIEWER_REFUSED
            )
        if inspect.iscoroutinefunction(endpoint):
            return await cast(Callable[[Request], Awaitable[Response]], endpoint)(request)
        # a plain function runs in a worker thread, as Starlette runs it unwrapped
        return await run_in_threadpool(cast(Callable[[Request], Response], endpoint), request)

    guarded.editor_only = True  # type: ignore[attr-defined]  # found by the viewer test
    return guarded
