"""The desk's job and journal endpoints: POST /jobs/ starts jobs (editors only; the form's
contract is in voicing.py), «Задания» (GET /jobs/) lists the recent ones and follows them live
through GET /jobs/status.json (static/desk.js asks every second while one is unfinished; without
scripts, reloading the page shows the same), and «Журнал» (GET /journal/) says who did what.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from audiocast.desk import journal
from audiocast.desk.job_records import (
    KIND_LABELS,
    STATE_LABELS,
    Job,
    JobError,
    JobKind,
    JobState,
)
from audiocast.desk.roles import editor_only
from audiocast.desk.voicing import MAX_EPISODES, FormProblem, jobs_of_form
from audiocast.errors import AudiocastError
from audiocast.publish.catalogue import PublishedEpisode

JOBS_PATH = "/jobs/"
RECENT_JOBS = 30  # jobs on the «Задания» page
JOURNAL_PAGE_SIZE = 50
ACTION_LABELS = {
    journal.VOICED: "озвучено",
    journal.EDITION_MADE: "собран выпуск",
    journal.BUILT: "собран сайт",
    journal.SYNCED: "синхронизация",
    journal.EXCLUDED: "снято с сайта",
    journal.INCLUDED: "возвращено на сайт",
    journal.LEXICON_CHANGE: "изменён словарь",
    journal.PUBLISHED: "опубликовано",
    journal.ADDED: "добавлена статья",
}
# what a job's progress counts: a sync's articles, else the script's takes
_UNITS: dict[JobKind | None, str] = {JobKind.SYNC: "статей"}


# -- starting jobs ----------------------------------------------------------------------------


@editor_only
async def start_jobs(request: Request) -> Response:
    """The form of voicing.py's contract: one job per episode (or one build, one sync), then
    303 to «Задания»; a form that makes no sense gets the page with its message, status 400."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_EPISODES + 20)
    except HTTPException:  # more fields than any form of ours has (or a file): nothing read
        problem = f"Слишком много статей за раз. Можно не больше {MAX_EPISODES}."
        return await run_in_threadpool(_jobs_page, request, 400, problem)
    fields: dict[str, list[Any]] = {}
    for name, value in form.multi_items():
        fields.setdefault(name, []).append(value if not isinstance(value, UploadFile) else None)
    await form.close()
    return await run_in_threadpool(_start, request, fields)


def _start(request: Request, fields: dict[str, list[Any]]) -> Response:
    desk = request.app.state.desk
    try:
        jobs = jobs_of_form(desk.settings, fields, desk.store.snapshot().episodes)
        for kind, arguments in jobs:
            desk.jobs.enqueue(kind, arguments, request.state.user.name)
    except FormProblem as exc:
        return _jobs_page(request, 400, str(exc))
    except (JobError, AudiocastError) as exc:  # checked already: a store that changed meanwhile
        return _jobs_page(request, 400, f"Задание не начато: {exc}")
    return RedirectResponse(JOBS_PATH, 303)


# -- «Задания» --------------------------------------------------------------------------------


def jobs_page(request: Request) -> Response:
    return _jobs_page(request)


def jobs_status(request: Request) -> Response:
    """The recent jobs as the page's script updates them: every text made here, set as text."""
    desk = request.app.state.desk
    episodes = desk.store.snapshot().episodes
    views = [job_view(job, episodes) for job in desk.jobs.recent_jobs(RECENT_JOBS)]
    for view in views:
        del view["created"]  # a datetime; the page has it already
    body = {"jobs": views, "unfinished": any(not view["finished"] for view in views)}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _jobs_page(request: Request, status: int = 200, problem: str = "") -> Response:
    desk = request.app.state.desk
    episodes = desk.store.snapshot().episodes
    views = [job_view(job, episodes) for job in desk.jobs.recent_jobs(RECENT_JOBS)]
    return desk.pages.page(
        request, "jobs.html.j2", status, section="jobs", jobs=views, problem=problem,
        unfinished=any(not view["finished"] for view in views),
        can_sync=bool(desk.settings.sources), status_url=JOBS_PATH + "status.json",
    )  # fmt: skip


def job_view(job: Job, episodes: dict[str, PublishedEpisode]) -> dict[str, Any]:
    """What the page and its script show of JOB: texts only (the script sets them as text)."""
    kind = _kind(job.kind)
    episode_id = job.result or _episode_of(job)
    episode = episodes.get(episode_id) if episode_id else None
    subject = _subject(job, kind, episode)
    kind_label = KIND_LABELS[kind] if kind else job.kind
    link = None
    if job.state == "done" and episode is not None:
        link = {"href": f"/articles/{episode.episode_id}/", "text": "Открыть статью"}
    elif job.state == "done" and kind == JobKind.SYNC:
        link = {"href": "/articles/", "text": "К списку статей"}
    what = f"Задание №{job.id} ({kind_label}" + (f": «{subject}»)" if subject else ")")
    announce = ""
    if job.state == "done":
        announce = f"{what} готово."
    elif job.state == "failed":
        announce = f"{what} не выполнено: {job.message}"
    return {
        "id": job.id,
        "kind": job.kind,
        "kind_label": kind_label,
        "subject": subject,
        "who": job.requested_by,
        "created": datetime.fromtimestamp(job.created_at, UTC),
        "state": job.state,
        "state_label": _state_label(job.state),
        "finished": job.finished,
        "done": job.done,
        "total": job.total,
        "progress_text": _progress_text(job, kind),
        "message": "" if job.message == subject else job.message,  # a title said once
        "link": link,
        "announce": announce,
    }


def _kind(value: str) -> JobKind | None:
    try:
        return JobKind(value)
    except ValueError:
        return None


def _state_label(value: str) -> str:
    try:
        return STATE_LABELS[JobState(value)]
    except ValueError:
        return value


def _episode_of(job: Job) -> str | None:
    article = job.arguments.get("article")
    if isinstance(article, dict) and isinstance(article.get("episode"), str):
        return article["episode"]
    return None


def _subject(job: Job, kind: JobKind | None, episode: PublishedEpisode | None) -> str:
    if episode is not None:
        return episode.title
    article = job.arguments.get("article")
    if isinstance(article, str):
        return article
    if isinstance(article, dict) and article:
        return str(next(iter(article.values())))
    if kind == JobKind.EDITION:
        return str(job.arguments.get("edition") or "")
    return ""


def _progress_text(job: Job, kind: JobKind | None) -> str:
    unit = _UNITS.get(kind, "фрагментов")
    if job.state == "queued":
        return "ждёт очереди"
    if job.total:
        return f"{job.done} из {job.total} {unit}"
    if job.state in ("running", "waiting"):
        return "готовится"
    return ""


# -- «Журнал» ---------------------------------------------------------------------------------


def journal_page(request: Request) -> Response:
    desk = request.app.state.desk
    number, problem = _page_number(request.query_params.get("page"))
    total = desk.journal.count()
    pages = max(1, math.ceil(total / JOURNAL_PAGE_SIZE))
    number = min(number, pages)
    entries = desk.journal.entries(JOURNAL_PAGE_SIZE, (number - 1) * JOURNAL_PAGE_SIZE)
    episodes = desk.store.snapshot().episodes
    rows = [
        {
            "at": datetime.fromtimestamp(entry.at, UTC),
            "user": entry.user_name,
            "action": ACTION_LABELS.get(entry.action, entry.action),
            "subject": entry.subject,
            "href": f"/articles/{entry.subject}/" if entry.subject in episodes else "",
            "detail": entry.detail,
        }
        for entry in entries
    ]
    links = {
        "newer": _journal_link(number - 1) if number > 1 else "",
        "older": _journal_link(number + 1) if number < pages else "",
    }
    return desk.pages.page(
        request, "journal.html.j2", section="journal", rows=rows, problem=problem,
        number=number, pages=pages, total=total, links=links,
    )  # fmt: skip


def _page_number(raw: str | None) -> tuple[int, str]:
    if not raw:
        return 1, ""
    if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0:
        return int(raw), ""
    return 1, f"Номер страницы «{raw[:20]}» — не число. Показана первая."


def _journal_link(number: int) -> str:
    return "/journal/" + (f"?page={number}" if number > 1 else "")
