"""«Исключить из подкаста» and «Вернуть в подкаст» on an article's page (the form:
templates/desk/_exclusion.html.j2; what they do: exclusions.py).

Editors only (roles.editor_only); the gate has checked the form's CSRF token and origin before
either runs. Each answers 303 back to the article's page, which then says where it stands:
nothing to show once, nothing lost on a reload.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from audiocast.desk import exclusions
from audiocast.desk.roles import editor_only

ARTICLES_PATH = "/articles/"


@editor_only
async def exclude(request: Request) -> Response:
    form = await request.form()
    reason = str(form.get("reason", ""))
    return await run_in_threadpool(_change, request, True, reason)


@editor_only
async def include(request: Request) -> Response:
    return await run_in_threadpool(_change, request, False, "")


def _change(request: Request, out: bool, reason: str) -> Response:
    desk = request.app.state.desk
    episode_id = request.path_params["episode_id"]
    row = desk.articles.row_of(episode_id)
    if row is None or row.episode is None:
        return desk.pages.error(
            request, 404, "Статья не найдена",
            "Такого выпуска в хранилище нет: он удалён или адрес набран с ошибкой.",
        )  # fmt: skip
    user = request.state.user.name
    if out:
        exclusions.exclude(desk.settings, episode_id, user, reason)
    else:
        exclusions.include(desk.settings, episode_id, user)
    desk.articles.forget()  # the page it goes back to says so at once
    return RedirectResponse(f"{ARTICLES_PATH}{episode_id}/", 303)
