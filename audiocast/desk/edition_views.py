"""«Подборки»: an editor picks the store's voiced articles for an audio edition, puts them in
order, reads the intro's headlines as the edition will say them, and makes and publishes it.

GET /editions/ is the page (a viewer may look). Its state is all in the query string: the
edition, the picked episode ids in order (`picked`, repeated), and the search of the articles
to pick from (`q`, `category`, `page`). Without scripts, «Добавить», «Выше», «Ниже» and
«Убрать» are buttons of that GET form (`add=<id>`, `move=up|down|remove:<id>`): the desk
answers 303 to the page in the new order, at the moved article. With scripts
(static/desk/editions.js) the same buttons, and drag and drop, change the list in place and
the preview is asked again from GET /editions/preview.json.

POST /editions/ (editors only, CSRF as every form) queues an edition job with the picked
articles in that order (job_arguments.py), then a build job that publishes it, and leads to
«Задания»; a list that cannot be made gets the page again with one Russian sentence, status
400, and nothing queued.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from audiocast.config import Edition
from audiocast.desk import articles as listing
from audiocast.desk.edition_picking import (
    MAX_PICKED_FIELDS,
    PickProblem,
    checked_pick,
    chosen_edition,
    edition_choice,
    edition_language,
    is_pickable,
    moved,
    pick_problem,
    picked_ids,
    picked_rows,
    preview,
)
from audiocast.desk.job_records import JobError
from audiocast.desk.jobs_views import JOBS_PATH
from audiocast.desk.roles import editor_only
from audiocast.errors import AudiocastError

EDITIONS_PATH = "/editions/"
PREVIEW_PATH = "/editions/preview.json"
CANDIDATES_PAGE = 20  # articles to pick from, a page


# -- the page ---------------------------------------------------------------------------------


def editions_page(request: Request) -> Response:
    """The page; with `add` or `move`, the list changed and 303 back to the page."""
    params = request.query_params
    ids = picked_ids(params.getlist("picked")[:MAX_PICKED_FIELDS])
    if "add" in params or "move" in params:
        return _changed(request, ids)
    return _page(request, ids)


def _changed(request: Request, ids: list[str]) -> Response:
    params = request.query_params
    desk = request.app.state.desk
    target = params.get("add", "")
    if "add" in params and target not in ids:
        try:
            _check_addition(desk, params.get("edition", ""), ids, target)
        except PickProblem as exc:
            return _page(request, ids, 400, str(exc))
        ids = [*ids, target]
    elif "move" in params:
        ids, target = moved(ids, params.get("move", ""))
    url = page_url(params.get("edition", ""), ids, params.get("q", ""), params.get("category", ""))
    return RedirectResponse(url + (f"#picked-{target}" if target in ids else "#picked"), 303)


def _check_addition(desk: Any, slug: str, ids: list[str], target: str) -> None:
    """A PickProblem when TARGET cannot be added to IDS (which already hold an edition's
    worth, or it cannot go into the edition)."""
    edition = chosen_edition(desk.settings, slug)
    language = edition_language(desk.settings, edition)
    problem = pick_problem(desk.articles.row_of(target), target, language)
    if problem:
        raise PickProblem(problem)
    if len(ids) >= edition.max_articles:
        raise PickProblem(f"В подборке уже {len(ids)} из {edition.max_articles} статей: "
                          "уберите одну, чтобы добавить другую.")  # fmt: skip


def page_url(edition: str, ids: list[str], text: str = "", category: str = "") -> str:
    """The page with this state (empty values left out)."""
    values = [("edition", edition), ("q", text), ("category", category)]
    values += [("picked", value) for value in ids]
    query = urlencode([(name, value) for name, value in values if value])
    return EDITIONS_PATH + ("?" + query if query else "")


def _page(
    request: Request, ids: list[str], status: int = 200, problem: str = "", slug: str = ""
) -> Response:
    """The page for IDS; PROBLEM said first. The edition is SLUG's, else the query's."""
    desk = request.app.state.desk
    settings = desk.settings
    params = request.query_params
    problems = [problem] if problem else []
    choice = edition_choice(settings)
    try:
        edition = chosen_edition(settings, slug or params.get("edition", ""))
        language = edition_language(settings, edition)
    except PickProblem as exc:
        if str(exc) not in problems:
            problems.append(str(exc))
        edition, language = choice.editions[0], ""
    query, query_problems = listing.parse_query(params)
    problems += query_problems
    snapshot, rows = desk.articles.rows()
    if snapshot.problem:
        problems.insert(0, f"Хранилище выпусков не прочитать: {snapshot.problem}")
    # with a PROBLEM already said, one sentence is enough: the articles it names go unsaid
    picked = _picked_rows(desk, ids, language, [] if problem else problems)
    if len(picked) > edition.max_articles:
        problems.append(f"Слишком много статей: {len(picked)}. В подборку «{edition.title}» "
                        f"входит не больше {edition.max_articles}.")  # fmt: skip
    # searched by the article's own title, the one its chapter will have
    pickable = [replace(row, title=row.episode.title) for row in rows
                if row.episode and language and is_pickable(row, language)]  # fmt: skip
    chosen = {row.episode.episode_id for row in picked if row.episode}
    offered = [row for row in listing.filtered(pickable, query)
               if row.episode and row.episode.episode_id not in chosen]  # fmt: skip
    page = listing.list_page(offered, query.page, CANDIDATES_PAGE)
    ids = [row.episode.episode_id for row in picked if row.episode]
    return desk.pages.page(
        request, "editions.html.j2", status, section="editions",
        choice=choice, edition=edition, query=query, problems=problems,
        picked=[_row_view(row) for row in picked], ids=ids,
        candidates=[_row_view(row) for row in page.rows], page=page,
        categories=listing.categories(pickable),
        preview=preview(settings, edition, picked[: edition.max_articles]),
        links=_candidate_links(edition, ids, query, page), preview_url=PREVIEW_PATH,
    )  # fmt: skip


def _picked_rows(
    desk: Any, ids: list[str], language: str, problems: list[str]
) -> list[listing.ArticleRow]:
    """The rows of IDS that can be picked; each that cannot is left out, said in PROBLEMS."""
    rows = []
    for value in ids:
        row = desk.articles.row_of(value)
        problem = pick_problem(row, value, language) if language else "—"
        if problem:
            if language:
                problems.append(problem + " Она убрана из списка.")
            continue
        rows.append(row)
    return rows


def _row_view(row: listing.ArticleRow) -> dict[str, Any]:
    assert row.episode is not None
    return {
        "id": row.episode.episode_id,
        "title": row.episode.title,  # the article's own, which its chapter is named after
        "category": row.category,
        "published": row.episode.published,
        "duration": row.episode.duration,
    }


def _candidate_links(
    edition: Edition, ids: list[str], query: listing.Query, page: listing.ListPage
) -> dict[str, str]:
    base = page_url(edition.slug, ids, query.text, query.category)
    joiner = "&" if "?" in base else "?"

    def link(number: int) -> str:
        return base + (f"{joiner}page={number}" if number > 1 else "") + "#candidates"

    return {
        "newer": link(page.number - 1) if page.number > 1 else "",
        "older": link(page.number + 1) if page.number < page.pages else "",
    }


# -- the preview, for the page's script ---------------------------------------------------------


def preview_json(request: Request) -> Response:
    """The intro of the edition made of `picked` (in order), as the page shows it: texts only
    (the script sets them as text), or {"error": …}, status 400."""
    desk = request.app.state.desk
    params = request.query_params
    ids = picked_ids(params.getlist("picked")[:MAX_PICKED_FIELDS])
    headers = {"Cache-Control": "no-store"}
    try:
        edition = chosen_edition(desk.settings, params.get("edition", ""))
        language = edition_language(desk.settings, edition)
        rows = picked_rows(ids, desk.articles.row_of, language)
    except PickProblem as exc:
        return JSONResponse({"error": str(exc)}, 400, headers=headers)
    shown_rows = rows[: edition.max_articles]
    return JSONResponse(asdict(preview(desk.settings, edition, shown_rows)), headers=headers)


# -- making it --------------------------------------------------------------------------------


@editor_only
async def make_edition(request: Request) -> Response:
    """The edition job, then the build; 303 to «Задания». Bad input: the page, status 400."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_PICKED_FIELDS + 10)
    except HTTPException:  # more fields than the page ever sends (or a file): nothing read
        return await run_in_threadpool(
            _page, request, [], 400, "Слишком много статей за раз: столько в подборку не войдёт."
        )
    fields: dict[str, list[Any]] = {}
    for name, value in form.multi_items():
        fields.setdefault(name, []).append(None if isinstance(value, UploadFile) else value)
    await form.close()
    return await run_in_threadpool(_make, request, fields)


def _make(request: Request, fields: dict[str, list[Any]]) -> Response:
    desk = request.app.state.desk
    ids = picked_ids(fields.get("picked", []))
    slugs = [value for value in fields.get("edition", []) if isinstance(value, str) and value]
    slug = slugs[0] if len(slugs) == 1 else ""
    try:
        if len(slugs) > 1:
            raise PickProblem("Выберите одну подборку.")
        edition = chosen_edition(desk.settings, slug)
        language = edition_language(desk.settings, edition)
        rows = {value: desk.articles.row_of(value) for value in ids}
        checked_pick(ids, {k: v for k, v in rows.items() if v is not None}, edition, language)
        _enqueue(desk, edition, ids, request.state.user.name)
    except PickProblem as exc:
        return _page(request, ids, 400, str(exc), slug)
    except (JobError, AudiocastError) as exc:  # checked already: a store that changed meanwhile
        return _page(request, ids, 400, f"Подборка не начата: {exc}", slug)
    return RedirectResponse(JOBS_PATH, 303)


def _enqueue(desk: Any, edition: Edition, ids: list[str], user: str) -> None:
    """The edition job (its articles in order), then the build that publishes it."""
    articles = [{"episode": value} for value in ids]
    arguments = {"edition": edition.slug, "articles": articles, "at": None, "voice": None}
    desk.jobs.enqueue("edition", arguments, user)
    desk.jobs.enqueue("build", {}, user)
