"""A site for the desk: two real episodes (one with a hostile title and a sum of money to be
read out), sync's records of a pending, a failed and a removed article, users made through the
CLI, and the desk itself under a real uvicorn on a free loopback port, once per session."""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from audiocast.cli import main
from audiocast.config import Settings, load_settings
from audiocast.desk.app import create_app
from audiocast.desk.server import bind, make_server, url_of
from audiocast.pipeline import Pipeline
from audiocast.state import STATE_FILE, SyncState
from tests.conftest import ARTICLES

HOSTILE_TITLE = '<script>window.pwned = 1</script> Заявление «Азерхимии» & "кавычки"'
HOSTILE_ERROR = "<b>источник</b> ответил 500 <script>window.pwned = 2</script>"
PASSWORDS = {"anna": "correct horse battery", "vera": "viewer password 1", "rita": "rate limit me!"}
ROLES = {"anna": "editor", "vera": "viewer", "rita": "editor"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class DeskSite:
    settings: Settings
    root: Path
    url: str  # http://127.0.0.1:PORT/
    app: object
    episodes: dict[str, str]  # "news" | "hostile" → episode id

    @property
    def state_path(self) -> Path:
        return self.settings.episodes_dir / STATE_FILE


def write_site(root: Path) -> Settings:
    (root / "audiocast.toml").write_text(
        'show = "Minval Politika"\nepisodes_dir = "episodes"\ncache_dir = "cache"\n'
        'timezone = "Asia/Baku"\n',
        encoding="utf-8",
    )
    return load_settings(root)


def hostile_article(root: Path) -> Path:
    path = root / "hostile.json"
    article = {
        "title": HOSTILE_TITLE,
        "date": "2026-01-29T10:00:00+04:00",
        "category": "Политика",
        "url": "https://minval.az/news/130002",
        "body": ["Компания заплатила $380 за тонну."],
    }
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    return path


def record_sync(path: Path, news_episode: str) -> None:
    """What a sync would have written: the news article made, others pending, failed, removed."""
    state = SyncState(path)
    try:
        rows = [
            ("site-id:1", "Азербайджанская продукция", "Экономика", "2026-01-28T15:01:00+00:00"),
            ("site-id:2", "Ожидающая ёлка", "Общество", "2026-01-30T08:00:00+00:00"),
            ("site-id:3", "Статья со сбоем", "Политика", "2026-01-30T09:00:00+00:00"),
            ("site-id:4", "Снятая статья", "Политика", "2026-01-27T09:00:00+00:00"),
        ]
        for identity, title, category, modified in rows:
            state.seen(identity, "minval", title, "https://minval.az/" + identity[-1],
                       category, modified, "hash-" + identity)  # fmt: skip
        state.made("site-id:1", "hash-site-id:1", news_episode)
        state.failed("site-id:3", HOSTILE_ERROR)
        state.removed("site-id:4")
    finally:
        state.close()


def run_cli(*arguments: str, stdin: str = "") -> int:
    """`audiocast ARGUMENTS` in this process, with STDIN as standard input (not a terminal)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        old, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            return main(list(arguments))
        finally:
            sys.stdin = old


@contextlib.contextmanager
def running(app) -> Iterator[str]:
    """APP under a real uvicorn on a free loopback port, in a thread; its URL."""
    sock = bind("127.0.0.1", 0)
    server = make_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the desk did not start"
        time.sleep(0.02)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def make_site(root: Path, users=("anna", "vera")) -> tuple[Settings, dict[str, str]]:
    """A site in ROOT with two real episodes (a news article and one with a hostile title),
    a sync record for the news one, and USERS signed up through the CLI."""
    settings = write_site(root)
    pipeline = Pipeline(settings)
    news = pipeline.make_episode(str(ARTICLES / "short-news.json")).folder.name
    hostile = pipeline.make_episode(str(hostile_article(root))).folder.name
    record_sync(settings.episodes_dir / STATE_FILE, news)
    for name in users:
        code = run_cli("--site", str(root), "desk", "user", "add", name, "--role", ROLES[name],
                       stdin=PASSWORDS[name] + "\n")  # fmt: skip
        assert code == 0
    return settings, {"news": news, "hostile": hostile}


@contextlib.contextmanager
def serving_site(root: Path, **options) -> Iterator[DeskSite]:
    """make_site(ROOT) served by a real uvicorn on loopback until the block ends; OPTIONS go
    to create_app."""
    settings, episodes = make_site(root)
    app = create_app(settings, **options)
    with running(app) as url:
        yield DeskSite(settings, root, url, app, episodes)


@pytest.fixture(scope="session")
def desk_site(tmp_path_factory) -> Iterator[DeskSite]:
    with serving_site(tmp_path_factory.mktemp("desk-site")) as site:
        yield site


def client(site: DeskSite) -> httpx.Client:
    return httpx.Client(base_url=site.url, follow_redirects=False, timeout=30)


def sign_in_token(web: httpx.Client) -> str:
    page = web.get("/login/")
    assert page.status_code == 200
    found = TOKEN.search(page.text)
    assert found
    return found.group(1)


def sign_in(web: httpx.Client, name: str, password: str | None = None) -> httpx.Response:
    token = sign_in_token(web)
    data = {"csrf_token": token, "name": name, "password": password or PASSWORDS[name]}
    return web.post("/login/", data=data)


@pytest.fixture
def anna(desk_site) -> Iterator[httpx.Client]:
    """A client signed in as the editor anna."""
    with client(desk_site) as web:
        assert sign_in(web, "anna").status_code == 303
        yield web


def page_token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no form token on the page"
    return found.group(1)
