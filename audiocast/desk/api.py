"""The desk's JSON API under /api/: the same actions as the pages (the articles and their state,
voicing, excluding, jobs, the lexicon), for the WordPress side and scripts. docs/desk.md
("API") has each endpoint with an example.

Who may call: gate.py has already let through only a valid API token (`Authorization: Bearer`,
api_tokens.py) or a signed-in session (with its CSRF token on unsafe methods); the endpoint
finds the user in request.state.user. Everything that changes something is `editor_only`
(roles.py), which answers a viewer 403 JSON.

JSON in and out. A request body is a JSON object of at most MAX_JSON bytes (gate.py refuses
anything past 1 MiB before it is read); anything that makes no sense gets 400 and
{"error": "one sentence"}, an unknown path 404, a known path with another method 405, and a
failure inside 500 with no details (those go to the server's log). Never a traceback, never
HTML.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from audiocast.desk import articles as listing
from audiocast.desk import exclusions
from audiocast.desk.job_records import Job, JobError
from audiocast.desk.roles import editor_only
from audiocast.desk.store_view import episode_details
from audiocast.desk.voicing import FormProblem, article_voicing, jobs_of_form
from audiocast.episode import store as store_files
from audiocast.errors import AudiocastError

API = "/api"
MAX_JSON = 64 * 1024  # bytes: every body of this API is a few fields
RECENT_JOBS = 30  # GET /api/jobs without ?limit=
MAX_JOBS = 200
LEXICON_PAGE_SIZE = 100
NO_STORE = {"Cache-Control": "no-store"}
JOB_KINDS = ("build", "sync")  # POST /api/jobs; voicing: POST /api/articles/{id}/voice
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


def _desk(request: Request) -> Any:
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


def _text(body: dict[str, Any], name: str, limit: int) -> str:
    """BODY's NAME as text ("" when absent or null)."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Problem(400, f"{name} must be a string")
    if len(value) > limit:
        raise Problem(400, f"{name} must be at most {limit} characters long")
    return value


def _unknown_fields(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise Problem(400, f"unknown field {unknown[0][:40]!r} (allowed: {known})")


def _iso(moment: datetime | float | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.isoformat(timespec="seconds")


def _page_number(raw: str | None) -> int:
    if not raw:
        return 1
    if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0:
        return int(raw)
    raise Problem(400, f"page {raw[:20]!r} is not a positive whole number")


# -- articles ---------------------------------------------------------------------------------


def article_json(row: listing.ArticleRow) -> dict[str, Any]:
    """ROW as the list shows it: what the «Статьи» page says, as data."""
    episode = row.episode
    details = episode_details(episode) if episode is not None else None
    reason = row.error or next((item.reason for item in row.exclusions if item.reason), "")
    return {
        "id": episode.episode_id if episode is not None else None,
        "title": row.title,
        "status": row.status.value,
        "status_label": row.label,
        "reason": reason,
        "category": row.category,
        "source": row.source,
        "when": _iso(row.when),
        "duration": round(episode.duration, 3) if episode is not None else None,
        "voice": (details.voice or None) if details else None,
        "made_at": _iso(details.made) if details else None,
        "url": episode.url if episode is not None and episode.url else None,
        "audio": f"/media/{episode.episode_id}/{store_files.AUDIO_FILE}"
        if episode is not None and episode.has_audio
        else None,
        "excluded": [
            {"by": item.by, "user": item.user, "reason": item.reason, "at": _iso(item.when)}
            for item in row.exclusions
        ],
    }


@api_endpoint
async def article_list(request: Request) -> Response:
    return await run_in_threadpool(_article_list, request)


def _article_list(request: Request) -> Response:
    desk = _desk(request)
    query, problems = listing.parse_query(request.query_params)
    if problems:
        allowed = ", ".join(status.value for status in listing.Status)
        if request.query_params.get("status") and query.status is None:
            raise Problem(400, f"status {request.query_params['status'][:40]!r}: one of {allowed}")
        raise Problem(400, f"page {request.query_params.get('page', '')[:20]!r} is not a "
                      "positive whole number")  # fmt: skip
    snapshot, rows = desk.articles.rows()
    page = listing.list_page(listing.filtered(rows, query), query.page)
    return answer({
        "articles": [article_json(row) for row in page.rows],
        "page": page.number, "pages": page.pages, "total": page.total,
        "page_size": listing.PAGE_SIZE,
        "categories": listing.categories(rows),
        "store_problem": snapshot.problem or None,
    })  # fmt: skip


@api_endpoint
async def article(request: Request) -> Response:
    return await run_in_threadpool(_article, request)


def _article(request: Request) -> Response:
    desk = _desk(request)
    row = _row(request)
    assert row.episode is not None
    voicing = article_voicing(desk.settings, row.episode, episode_details(row.episode).voice)
    body = article_json(row) | {
        "language": row.episode.language,
        "published": _iso(row.episode.published),
        "voicing": {
            "possible": not voicing.reason,
            "reason": voicing.reason,
            "voices": [voice.name for voice in voicing.voices],
            "selected": voicing.selected or None,  # what the page preselects: its own voice
        },
    }
    return answer(body)


def _row(request: Request) -> listing.ArticleRow:
    episode_id = request.path_params["episode_id"]
    row = _desk(request).articles.row_of(episode_id)
    if row is None or row.episode is None:
        raise Problem(404, f"no episode {episode_id[:100]!r} in the store")
    return row


@editor_only
@api_endpoint
async def voice(request: Request) -> Response:
    body = await json_body(request)
    _unknown_fields(body, {"voice"})
    chosen = _text(body, "voice", 100).strip()
    return await run_in_threadpool(_voice, request, chosen)


def _voice(request: Request, chosen: str) -> Response:
    row = _row(request)
    assert row.episode is not None
    fields: dict[str, list[Any]] = {
        "kind": ["voice"], "episode": [row.episode.episode_id], "voice": [chosen] if chosen else []
    }  # fmt: skip
    ids = _enqueue(request, fields)
    return answer({"job": ids[0], "url": f"{API}/jobs/{ids[0]}"}, 202)


def _enqueue(request: Request, fields: dict[str, list[Any]]) -> list[int]:
    desk = _desk(request)
    try:
        jobs = jobs_of_form(desk.settings, fields, desk.store.snapshot().episodes)
        return [desk.jobs.enqueue(kind, arguments, request.state.user.name)
                for kind, arguments in jobs]  # fmt: skip
    except FormProblem as exc:
        raise Problem(400, str(exc)) from None
    except (JobError, AudiocastError) as exc:
        raise Problem(400, f"the job was not started: {exc}") from None


@editor_only
@api_endpoint
async def exclude(request: Request) -> Response:
    body = await json_body(request)
    _unknown_fields(body, {"reason"})
    reason = _text(body, "reason", exclusions.REASON_LIMIT)
    return await run_in_threadpool(_change, request, True, reason)


@editor_only
@api_endpoint
async def include(request: Request) -> Response:
    _unknown_fields(await json_body(request), set())
    return await run_in_threadpool(_change, request, False, "")


def _change(request: Request, out: bool, reason: str) -> Response:
    desk = _desk(request)
    episode_id = _row(request).episode.episode_id  # type: ignore[union-attr]  # _row: not None
    user = request.state.user.name
    try:
        if out:
            changed = exclusions.exclude(desk.settings, episode_id, user, reason)
        else:
            changed = exclusions.include(desk.settings, episode_id, user)
    except AudiocastError as exc:
        raise Problem(400, str(exc)) from None
    desk.articles.forget()
    row = _row(request)
    return answer({"changed": changed, "article": article_json(row)})


# -- jobs -------------------------------------------------------------------------------------


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "arguments": job.arguments,
        "requested_by": job.requested_by,
        "state": job.state,
        "finished": job.finished,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "episode": job.result,
        "restarts": job.restarts,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
    }


@editor_only
@api_endpoint
async def start_job(request: Request) -> Response:
    body = await json_body(request)
    _unknown_fields(body, {"kind"})
    kind = _text(body, "kind", 40)
    if kind not in JOB_KINDS:
        raise Problem(400, f"kind must be one of {', '.join(JOB_KINDS)} (voicing: POST "
                      f"{API}/articles/ID/voice)")  # fmt: skip
    ids = await run_in_threadpool(_enqueue, request, {"kind": [kind]})
    return answer({"job": ids[0], "url": f"{API}/jobs/{ids[0]}"}, 202)


@api_endpoint
async def job_list(request: Request) -> Response:
    raw = request.query_params.get("limit")
    limit = _page_number(raw) if raw else RECENT_JOBS
    jobs = await run_in_threadpool(_desk(request).jobs.recent_jobs, min(limit, MAX_JOBS))
    return answer({"jobs": [job_json(job) for job in jobs]})


@api_endpoint
async def job(request: Request) -> Response:
    job_id = request.path_params["job_id"]
    found = await run_in_threadpool(_desk(request).jobs.job, job_id)
    if found is None:
        raise Problem(404, f"no job {job_id}")
    return answer(job_json(found))


# -- the lexicon ------------------------------------------------------------------------------


@api_endpoint
async def lexicon(request: Request) -> Response:
    return await run_in_threadpool(_lexicon, request)


def _lexicon(request: Request) -> Response:
    from audiocast.desk import lexicon_views  # the page's own SiteLexicon, made on first use

    text = " ".join(request.query_params.get("q", "").split())[:100]
    number = _page_number(request.query_params.get("page"))
    contents = lexicon_views._lexicon(request).site.contents()
    needle = _searchable(text)
    entries = [
        entry for entry in contents.entries()
        if needle in _searchable(entry.written) or needle in _searchable(entry.spoken)
    ]  # fmt: skip
    pages = max(1, math.ceil(len(entries) / LEXICON_PAGE_SIZE))
    number = min(number, pages)
    shown = entries[(number - 1) * LEXICON_PAGE_SIZE : number * LEXICON_PAGE_SIZE]
    return answer({
        "entries": [
            {"written": e.written, "spoken": e.spoken, "site": not e.origin,
             "origin": e.origin or None, "overrides": e.overrides or None}
            for e in shown
        ],
        "page": number, "pages": pages, "total": len(entries),
        "problem": contents.problem,
    })  # fmt: skip


def _searchable(text: str) -> str:
    """As the «Словарь» page searches: case, «ё» and the stress mark "+" do not matter."""
    return listing.searchable(text.replace("+", ""))


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


def routes() -> list[Route]:
    return [
        Route(f"{API}/articles", article_list, methods=["GET"], name="api_articles"),
        Route(f"{API}/articles/{{episode_id}}", article, methods=["GET"], name="api_article"),
        Route(f"{API}/articles/{{episode_id}}/voice", voice, methods=["POST"]),
        Route(f"{API}/articles/{{episode_id}}/exclude", exclude, methods=["POST"]),
        Route(f"{API}/articles/{{episode_id}}/include", include, methods=["POST"]),
        Route(f"{API}/jobs", job_list, methods=["GET"], name="api_jobs"),
        Route(f"{API}/jobs", start_job, methods=["POST"], name="api_start_job"),
        Route(f"{API}/jobs/{{job_id:int}}", job, methods=["GET"], name="api_job"),
        Route(f"{API}/lexicon", lexicon, methods=["GET"], name="api_lexicon"),
        Route(f"{API}/{{path:path}}", not_found, methods=ALL_METHODS),  # last: JSON, not a page
    ]
