"""The desk's endpoints. gate.py has already refused whoever may not be here: an endpoint finds
the signed-in user in request.state.user.

Page endpoints are plain functions: Starlette runs them in its thread pool, so reading SQLite
(which may wait for a sync's write) and the store never holds up the event loop.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from jinja2.utils import htmlsafe_json_dumps
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from audiocast.config import Settings
from audiocast.desk import articles as listing
from audiocast.desk import csrf
from audiocast.desk.auth import FAILURE_WINDOW, Accounts
from audiocast.desk.cookies import SIGN_IN_PATH, CookiePolicy
from audiocast.desk.jobs import DeskJobs
from audiocast.desk.journal import Journal
from audiocast.desk.render import DeskPages
from audiocast.desk.script_view import Scripts
from audiocast.desk.store_view import StoreView, episode_details
from audiocast.desk.voicing import article_voicing
from audiocast.episode import store as store_files
from audiocast.publish.pages import linkable

ARTICLES_PATH = "/articles/"
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@dataclass
class DeskContext:
    """What every endpoint shares, made once by app.create_app."""

    settings: Settings
    accounts: Accounts
    cookies: CookiePolicy
    pages: DeskPages
    store: StoreView
    articles: listing.ArticleIndex
    scripts: Scripts
    static: dict[str, Path | bytes]  # name under /static/ → its file, or bytes made at start
    jobs: DeskJobs  # jobs.enqueue(kind, arguments, user.name): jobs.py
    journal: Journal  # journal.record(user.name, action, subject, detail): journal.py


def _desk(request: Request) -> DeskContext:
    return request.app.state.desk


# -- the articles -----------------------------------------------------------------------------


def home(request: Request) -> Response:
    return RedirectResponse(ARTICLES_PATH, 303)


def article_list(request: Request) -> Response:
    desk = _desk(request)
    query, problems = listing.parse_query(request.query_params)
    snapshot, rows = desk.articles.rows()
    page = listing.list_page(listing.filtered(rows, query), query.page)
    if snapshot.problem:
        problems.insert(0, f"Хранилище выпусков не прочитать: {snapshot.problem}")
    return desk.pages.page(
        request, "articles.html.j2", section="articles",
        query=query, problems=problems, page=page,
        rows=[_row_view(row, desk) for row in page.rows],
        categories=listing.categories(rows),
        statuses=listing.STATUS_LABELS,
        links=_page_links(query, page),
    )  # fmt: skip


def article_not_found(request: Request) -> Response:
    """The page for an article address whose episode the store does not hold."""
    return _desk(request).pages.error(
        request, 404, "Статья не найдена",
        "Такого выпуска в хранилище нет: он удалён или адрес набран с ошибкой.",
    )  # fmt: skip


def article(request: Request) -> Response:
    desk = _desk(request)
    row = desk.articles.row_of(request.path_params["episode_id"])
    if row is None or row.episode is None:
        return article_not_found(request)
    script = desk.scripts.for_episode(row.episode.folder)
    view = _row_view(row, desk)
    voicing = None  # the «Озвучить» form: editors only (POST /jobs/ refuses anyone else)
    if request.state.user.is_editor:
        voicing = article_voicing(desk.settings, row.episode, view["episode"]["voice"])
    return desk.pages.page(
        request, "article.html.j2", section="articles",
        view=view, script=script, voicing=voicing,
    )  # fmt: skip


def _row_view(row: listing.ArticleRow, desk: DeskContext) -> dict:
    view: dict = {"row": row, "episode": None}
    episode = row.episode
    if episode is not None:
        details = episode_details(episode)
        item = {
            "id": episode.episode_id,
            "title": episode.title,
            "show": desk.settings.show,
            "src": f"/media/{episode.episode_id}/{store_files.AUDIO_FILE}",
            "page": f"{ARTICLES_PATH}{episode.episode_id}/",
            "cover": "",
            "duration": round(episode.duration, 3),
        }
        view["episode"] = {
            "id": episode.episode_id,
            "href": item["page"],
            "duration": episode.duration,
            "voice": details.voice,
            "made": details.made,
            "published": episode.published,
            "url": linkable(episode.url),
            # in a single-quoted attribute; autoescaping would spoil the JSON
            "item_json": htmlsafe_json_dumps(item, sort_keys=True, ensure_ascii=False),
        }
    return view


def _page_links(query: listing.Query, page: listing.ListPage) -> dict[str, str]:
    base = {"q": query.text, "category": query.category, "status": query.status or ""}
    base = {key: value for key, value in base.items() if value}

    def link(number: int) -> str:
        values = base | ({"page": str(number)} if number > 1 else {})
        return ARTICLES_PATH + ("?" + urlencode(values) if values else "")

    return {
        "newer": link(page.number - 1) if page.number > 1 else "",
        "older": link(page.number + 1) if page.number < page.pages else "",
    }


# -- signing in and out -----------------------------------------------------------------------


def sign_in_form(request: Request) -> Response:
    if request.state.user is not None:
        return RedirectResponse(_next(request.query_params.get("next")), 303)
    message = "Вы вышли." if request.query_params.get("out") else ""
    return _sign_in_page(request, notice=message)


async def sign_in(request: Request) -> Response:
    desk = _desk(request)
    form = await request.form()
    name = str(form.get("name", "")).strip().lower()  # names are lower-case (auth.check_name)
    password = str(form.get("password", ""))
    target = _next(str(form.get("next", "")))
    if not desk.cookies.can_sign_in(request):
        return _sign_in_page(request, 400, name, target, error=(
            "Вход по незащищённому соединению закрыт: откройте стол по https "
            "(через обратный прокси) или на этом компьютере."
        ))  # fmt: skip
    if not name or not password:
        return _sign_in_page(request, 400, name, target, error="Введите имя и пароль.")
    address = request.client.host if request.client else ""
    result = await run_in_threadpool(desk.accounts.sign_in, name, password, address)
    if result.refused == "limited":
        minutes = FAILURE_WINDOW // 60
        response = _sign_in_page(request, 429, name, target, error=(
            f"Слишком много неудачных попыток входа. Попробуйте снова через {minutes} минут."
        ))  # fmt: skip
        response.headers["Retry-After"] = str(FAILURE_WINDOW)
        return response
    if result.token is None:
        return _sign_in_page(request, 200, name, target, error="Неверное имя или пароль.")
    response = RedirectResponse(target, 303)
    desk.cookies.set_session(response, request, result.token)
    response.delete_cookie(csrf.SIGN_IN_COOKIE, path=SIGN_IN_PATH)
    return response


def sign_out(request: Request) -> Response:
    desk = _desk(request)
    desk.accounts.sign_out(request.state.user)
    response = RedirectResponse(SIGN_IN_PATH + "?out=1", 303)
    desk.cookies.clear_session(response, request)
    return response


def _sign_in_page(
    request: Request, status: int = 200, name: str = "", target: str = "", **values
) -> Response:
    """The sign-in form with a fresh token of its own (csrf.py: before any session)."""
    desk = _desk(request)
    token = csrf.new_token()
    response = desk.pages.page(
        request, "sign_in.html.j2", status, csrf_token=token, name=name,
        next=target or _next(request.query_params.get("next")),
        error=values.get("error", ""), notice=values.get("notice", ""),
    )  # fmt: skip
    desk.cookies.set_sign_in_token(response, request, token)
    return response


def _next(target: str | None) -> str:
    """Where to go after signing in: a path of this desk, never another site ("//evil",
    "/\\evil" and "https://…" lead to the articles instead)."""
    if (
        not target
        or len(target) > 2000
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\r\n\\")
    ):
        return ARTICLES_PATH
    return target


# -- files ------------------------------------------------------------------------------------


def audio(request: Request) -> Response:
    desk = _desk(request)
    episode = desk.store.snapshot().episodes.get(request.path_params["episode_id"])
    if episode is None or not os.path.isfile(episode.folder / store_files.AUDIO_FILE):
        return desk.pages.error(request, 404, "Нет такого выпуска", "Этого аудио в хранилище нет.")
    return FileResponse(
        episode.folder / store_files.AUDIO_FILE, media_type="audio/mpeg",
        headers={"Cache-Control": "private, no-cache"},
    )  # fmt: skip


def static(request: Request) -> Response:
    """The site's style sheet and player (the same files public/static/ serves to anyone) and
    the desk's own style sheet; anything else under /static/ is 404."""
    desk = _desk(request)
    name = request.path_params["name"]
    found = desk.static.get(name)
    media_type = _TYPES.get(Path(name).suffix) or mimetypes.guess_type(name)[0] or "text/plain"
    headers = {"Cache-Control": "no-cache"}  # revalidated: an upgrade shows at once
    if found is None:
        return desk.pages.error(request, 404, "Файл не найден", "Такого файла у стола нет.")
    if isinstance(found, bytes):
        return Response(found, media_type=media_type, headers=headers)
    return FileResponse(found, media_type=media_type, headers=headers)
