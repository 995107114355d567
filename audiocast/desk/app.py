"""The desk as an ASGI app (Starlette): its routes, the gate every request passes, the pages
that say what went wrong, and the security headers on every answer.

create_app() is what `audiocast desk` serves (server.py) and what the tests start under a real
uvicorn. PUBLIC and PUBLIC_PREFIXES are the only ways in without a session: the sign-in page,
and the static assets, which are the public site's own style sheet and player (the same files
public/static/ serves to anyone) and the desk's style sheet; they hold no data.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from audiocast.config import Settings
from audiocast.desk import (
    adding,
    api,
    exclusion_views,
    jobs_views,
    lexicon_views,
    sentence_audio,
    views,
)
from audiocast.desk.accounts import AccountStore
from audiocast.desk.articles import ArticleIndex
from audiocast.desk.auth import Accounts
from audiocast.desk.cookies import SIGN_IN_PATH, CookiePolicy
from audiocast.desk.edition_views import editions_page, make_edition, preview_json
from audiocast.desk.gate import Gate
from audiocast.desk.jobs import DeskJobs, JobRunner
from audiocast.desk.render import STATIC_PREFIX, TEMPLATE_FOLDER, DeskPages
from audiocast.desk.script_view import Scripts
from audiocast.desk.store_view import StoreView
from audiocast.publish.pages import SitePages
from audiocast.resources import bundled_dir
from audiocast.state import STATE_FILE

if TYPE_CHECKING:
    from audiocast.speech.registry import EngineSet

PUBLIC = (SIGN_IN_PATH,)
PUBLIC_PREFIXES = (STATIC_PREFIX,)
DESK_STATIC = "desk"  # /static/desk/…: the desk's own files, from templates/desk/static/
JOBS_STOP_SECONDS = 20.0  # at shutdown, the job in hand has this long to finish (else: rerun)
log = logging.getLogger("audiocast.desk")

# every answer: no framing (clickjacking), no sniffing, no referrer to other sites, and only
# the desk's own scripts, styles, audio and connections (an injected <script> would not run)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def routes() -> list[Route]:
    return [
        Route("/", views.home, name="home"),
        Route("/articles/", views.article_list, name="articles"),
        Route(adding.ADD_PATH, adding.add_form, methods=["GET"], name="add_article_form"),
        Route(adding.ADD_PATH, adding.add, methods=["POST"], name="add_article"),
        Route("/articles/{episode_id}/", views.article, name="article"),
        Route("/articles/{episode_id}/exclude", exclusion_views.exclude, methods=["POST"]),
        Route("/articles/{episode_id}/include", exclusion_views.include, methods=["POST"]),
        Route("/articles/{episode_id}/sentence.mp3", sentence_audio.sentence, name="sentence"),
        Route("/jobs/", jobs_views.jobs_page, methods=["GET"], name="jobs"),
        Route("/jobs/", jobs_views.start_jobs, methods=["POST"], name="start_jobs"),
        Route("/jobs/status.json", jobs_views.jobs_status, name="jobs_status"),
        Route("/journal/", jobs_views.journal_page, name="journal"),
        Route("/editions/", editions_page, methods=["GET"], name="editions"),
        Route("/editions/", make_edition, methods=["POST"], name="make_edition"),
        Route("/editions/preview.json", preview_json, name="edition_preview"),
        Route(SIGN_IN_PATH, views.sign_in_form, methods=["GET"], name="sign_in_form"),
        Route(SIGN_IN_PATH, views.sign_in, methods=["POST"], name="sign_in"),
        Route("/logout/", views.sign_out, methods=["POST"], name="sign_out"),
        Route("/media/{episode_id}/episode.mp3", views.audio, name="audio"),
        Route("/lexicon/", lexicon_views.lexicon_page, name="lexicon"),
        Route("/lexicon/save", lexicon_views.save, methods=["POST"], name="lexicon_save"),
        Route("/lexicon/delete", lexicon_views.delete, methods=["POST"], name="lexicon_delete"),
        Route("/lexicon/sample", lexicon_views.sample, methods=["POST"], name="lexicon_sample"),
        Route("/lexicon/sample", lexicon_views.sample_audio, methods=["GET"], name="sample_audio"),
        *api.routes(),
        Route(STATIC_PREFIX + "{name:path}", views.static, name="static"),
    ]


def create_app(
    settings: Settings,
    bind_host: str = "127.0.0.1",
    *,
    warm_up: bool = True,
    run_jobs: bool = True,
    queue_url: str | None = None,
    engines: EngineSet | None = None,
):
    """The desk for SETTINGS' site, listening on BIND_HOST (which decides the cookies' Secure
    flag: cookies.py). WARM_UP makes the script pipeline in the background at start. RUN_JOBS
    runs the site's job consumer (job_runner.py) while the app runs: off, jobs are only queued
    (they wait for a desk that runs them). QUEUE_URL: huey's queue (job_queue.make_huey);
    ENGINES: the jobs' speech engines (tests; default: the real ones)."""
    site_pages = SitePages(settings.templates_dir, settings.show, settings.language)
    pages = DeskPages(
        settings.templates_dir, settings.show, settings.zone, site_pages.player_modules
    )
    accounts = Accounts(AccountStore(settings.episodes_dir / STATE_FILE))
    cookies = CookiePolicy(bind_host)
    scripts = Scripts(settings)
    store = StoreView(settings.episodes_dir, settings.cache_dir)
    jobs = DeskJobs(settings, queue_url=queue_url, engines=engines)
    runner = JobRunner(settings, jobs=jobs)
    desk = views.DeskContext(
        settings, accounts, cookies, pages, store,
        ArticleIndex(store, settings.episodes_dir / STATE_FILE), scripts,
        _static_files(settings.templates_dir, site_pages), jobs, jobs.journal,
    )  # fmt: skip

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm_up:  # the store's first reading and the normalizer: not while an editor waits
            threading.Thread(target=_warm, args=(desk,), daemon=True).start()
        if run_jobs:
            runner.start()  # returns at once: it consumes once it is the site's one consumer
        try:
            yield
        finally:
            if run_jobs:  # the job in hand may finish (JOBS_STOP_SECONDS); the loop is not held
                await run_in_threadpool(runner.stop, JOBS_STOP_SECONDS)

    app = Starlette(
        routes=routes(),
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.desk = desk
    app.state.job_runner = runner
    app.add_middleware(Gate, accounts=accounts, cookies=cookies, public=PUBLIC,
                       public_prefixes=PUBLIC_PREFIXES, refuse=pages.error)  # fmt: skip
    app.add_middleware(SecurityHeaders)
    return app


def _warm(desk: views.DeskContext) -> None:
    try:
        desk.articles.rows()
        desk.scripts.warm_up()
    except Exception:  # the page that needs it says what is wrong when it is opened
        log.exception("the desk could not get ready ahead of its first page")


def _static_files(site_templates: Path | None, site_pages: SitePages) -> dict[str, Path | bytes]:
    files: dict[str, Path | bytes] = dict(site_pages.static_files())
    files.update(site_pages.generated_static())
    for folder in (bundled_dir("templates"), site_templates):  # the site's own file wins
        static = folder / TEMPLATE_FOLDER / "static" if folder else None
        if static and static.is_dir():
            for path in sorted(static.rglob("*")):
                name = path.relative_to(static).as_posix()
                if path.is_file() and not any(p.startswith(".") for p in name.split("/")):
                    files[f"{DESK_STATIC}/{name}"] = path
    return files


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {404: "Страница не найдена", 405: "Так нельзя"}
    messages = {
        404: "По этому адресу у стола ничего нет.",
        405: "Этот адрес так не открывается: вернитесь к списку статей.",
    }
    status = exc.status_code
    title = titles.get(status, "Запрос не выполнен")
    message = messages.get(status, "Стол не может ответить на такой запрос.")
    return request.app.state.desk.pages.error(request, status, title, message)


def _server_error(request: Request, exc: Exception) -> Response:
    """What went wrong goes to the log (stderr); the page says only that it did."""
    log.error("%s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    message = "На столе что-то сломалось. Подробности записаны в журнал сервера."
    try:
        return request.app.state.desk.pages.error(request, 500, "Ошибка стола", message)
    except Exception:  # the error page itself failed: plain words will do
        return PlainTextResponse(message, 500, headers={"Cache-Control": "no-store"})


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every answer, errors and redirects included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


__all__ = ["PUBLIC", "PUBLIC_PREFIXES", "create_app", "routes"]
