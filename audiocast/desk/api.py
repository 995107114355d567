"""The desk's JSON API under /api/: the same actions as the pages (the articles and their state,
voicing, excluding, jobs, the lexicon), for the WordPress side and scripts. docs/desk.md
("API") has each endpoint with an example.

Who may call: gate.py has already let through only a valid API token (`Authorization: Bearer`,
api_tokens.py) or a signed-in session (with its CSRF token on unsafe methods); the endpoint
finds the user in request.state.user. Everything that changes something is `editor_only`
(roles.py), which answers a viewer 403 JSON.

JSON in and out as api_json.py says; the lexicon's endpoints are in api_lexicon.py, adding an
article in adding.py.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from audiocast.desk import adding, exclusions
from audiocast.desk import articles as listing
from audiocast.desk.api_json import (
    ALL_METHODS,
    API,
    Problem,
    answer,
    api_endpoint,
    desk_of,
    iso,
    json_body,
    not_found,
    page_number,
    text_field,
    unknown_fields,
)  # fmt: skip
from audiocast.desk.api_lexicon import (
    LEXICON_SAMPLE,
    lexicon,
    lexicon_delete,
    lexicon_sample,
    lexicon_sample_audio,
    lexicon_save,
)  # fmt: skip
from audiocast.desk.job_records import Job, JobError
from audiocast.desk.roles import editor_only
from audiocast.desk.store_view import episode_details
from audiocast.desk.voicing import FormProblem, article_voicing, jobs_of_form
from audiocast.episode import store as store_files
from audiocast.errors import AudiocastError
from audiocast.model import SITE_ID_PREFIX
from audiocast.state import read_exclusions

RECENT_JOBS = 30  # GET /api/jobs without ?limit=
MAX_JOBS = 200
JOB_KINDS = ("build", "sync")  # POST /api/jobs; voicing: POST /api/articles/{id}/voice


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
        "when": iso(row.when),
        "duration": round(episode.duration, 3) if episode is not None else None,
        "voice": (details.voice or None) if details else None,
        "made_at": iso(details.made) if details else None,
        "url": episode.url if episode is not None and episode.url else None,
        "audio": f"/media/{episode.episode_id}/{store_files.AUDIO_FILE}"
        if episode is not None and episode.has_audio
        else None,
        "excluded": [
            {"by": item.by, "user": item.user, "reason": item.reason, "at": iso(item.when)}
            for item in row.exclusions
        ],
    }


@api_endpoint
async def article_list(request: Request) -> Response:
    return await run_in_threadpool(_article_list, request)


def _article_list(request: Request) -> Response:
    desk = desk_of(request)
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
    desk = desk_of(request)
    row = _row(request)
    assert row.episode is not None
    voicing = article_voicing(desk.settings, row.episode, episode_details(row.episode).voice)
    body = article_json(row) | {
        "language": row.episode.language,
        "published": iso(row.episode.published),
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
    row = desk_of(request).articles.row_of(episode_id)
    if row is None or row.episode is None:
        raise Problem(404, f"no episode {episode_id[:100]!r} in the store")
    return row


@editor_only
@api_endpoint
async def voice(request: Request) -> Response:
    body = await json_body(request)
    unknown_fields(body, {"voice"})
    chosen = text_field(body, "voice", 100).strip()
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
    desk = desk_of(request)
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
    unknown_fields(body, {"reason"})
    reason = text_field(body, "reason", exclusions.REASON_LIMIT)
    return await run_in_threadpool(_change, request, True, reason)


@editor_only
@api_endpoint
async def include(request: Request) -> Response:
    unknown_fields(await json_body(request), set())
    return await run_in_threadpool(_change, request, False, "")


def _change(request: Request, out: bool, reason: str) -> Response:
    desk = desk_of(request)
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


# -- a site's failures -----------------------------------------------------------------------

MAX_FAILURES = 2000  # GET /api/failures: the newest this many, a map the plugin keeps whole
SOURCE_NAME = 64  # characters: a [[sources]] name the plugin's settings accept


@api_endpoint
async def failures(request: Request) -> Response:
    """The failed posts of one WordPress source, by post id: what the plugin's column «Аудио»
    and panel say «ошибка» of, in one small request per refresh (the article list has no post
    ids, and fifty rows a page)."""
    source = request.query_params.get("source", "")
    if not source or len(source) > SOURCE_NAME or ":" in source:
        raise Problem(400, "source must name one of the site's sources (?source=minval)")
    found = await run_in_threadpool(_failures, request, source)
    return answer({"source": source, "failures": found})


def _failures(request: Request, source: str) -> dict[str, str]:
    """Post id → why it failed, as the «Статьи» list says «ошибка»: sync failed it, or made
    an episode the store does not have (or cannot read); an excluded post is not failed."""
    desk = desk_of(request)
    prefix = f"{SITE_ID_PREFIX}{source}:"
    snapshot = desk.store.snapshot()
    excluded = read_exclusions(desk.articles.state_path)
    states = [state for state in listing.sync_states(desk.articles.state_path)
              if state.source == source and state.identity.startswith(prefix)]  # fmt: skip
    found: dict[str, str] = {}
    for state in sorted(states, key=lambda state: state.updated_at, reverse=True):
        episode = snapshot.episodes.get(state.episode_id or "")
        status, reason = listing.state_status(state, episode, snapshot.broken)
        failed = status is listing.Status.FAILED
        if failed and not excluded.covers(state.episode_id, state.identity):
            found[state.identity.removeprefix(prefix)] = reason
            if len(found) >= MAX_FAILURES:
                break
    return found


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
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
    }


@editor_only
@api_endpoint
async def start_job(request: Request) -> Response:
    body = await json_body(request)
    unknown_fields(body, {"kind"})
    kind = text_field(body, "kind", 40)
    if kind not in JOB_KINDS:
        raise Problem(400, f"kind must be one of {', '.join(JOB_KINDS)} (voicing: POST "
                      f"{API}/articles/ID/voice)")  # fmt: skip
    ids = await run_in_threadpool(_enqueue, request, {"kind": [kind]})
    return answer({"job": ids[0], "url": f"{API}/jobs/{ids[0]}"}, 202)


@api_endpoint
async def job_list(request: Request) -> Response:
    raw = request.query_params.get("limit")
    limit = page_number(raw) if raw else RECENT_JOBS
    jobs = await run_in_threadpool(desk_of(request).jobs.recent_jobs, min(limit, MAX_JOBS))
    return answer({"jobs": [job_json(job) for job in jobs]})


@api_endpoint
async def job(request: Request) -> Response:
    job_id = request.path_params["job_id"]
    found = await run_in_threadpool(desk_of(request).jobs.job, job_id)
    if found is None:
        raise Problem(404, f"no job {job_id}")
    return answer(job_json(found))


# -- the lexicon ------------------------------------------------------------------------------


def routes() -> list[Route]:
    return [
        Route(f"{API}/articles", article_list, methods=["GET"], name="api_articles"),
        Route(f"{API}/articles", adding.add_api, methods=["POST"], name="api_add_article"),
        Route(f"{API}/articles/{{episode_id}}", article, methods=["GET"], name="api_article"),
        Route(f"{API}/articles/{{episode_id}}/voice", voice, methods=["POST"]),
        Route(f"{API}/articles/{{episode_id}}/exclude", exclude, methods=["POST"]),
        Route(f"{API}/articles/{{episode_id}}/include", include, methods=["POST"]),
        Route(f"{API}/failures", failures, methods=["GET"], name="api_failures"),
        Route(f"{API}/jobs", job_list, methods=["GET"], name="api_jobs"),
        Route(f"{API}/jobs", start_job, methods=["POST"], name="api_start_job"),
        Route(f"{API}/jobs/{{job_id:int}}", job, methods=["GET"], name="api_job"),
        Route(f"{API}/lexicon", lexicon, methods=["GET"], name="api_lexicon"),
        Route(f"{API}/lexicon", lexicon_save, methods=["POST"], name="api_lexicon_save"),
        Route(f"{API}/lexicon/delete", lexicon_delete, methods=["POST"]),
        Route(LEXICON_SAMPLE, lexicon_sample, methods=["POST"], name="api_lexicon_sample"),
        Route(LEXICON_SAMPLE, lexicon_sample_audio, methods=["GET"]),
        Route(f"{API}/{{path:path}}", not_found, methods=ALL_METHODS),  # last: JSON, not a page
    ]
