"""The desk's security against a real uvicorn: no way in without signing in (every route of the
app, enumerated, so a new one cannot be forgotten), guesses limited, cookies flagged, forms
forged from elsewhere refused, sessions ended by the server, and hostile text shown as text."""

from __future__ import annotations

import hashlib
import re
import sqlite3

import pytest
from starlette.requests import HTTPConnection
from starlette.routing import Mount, Route

from audiocast.desk.app import PUBLIC, PUBLIC_PREFIXES
from audiocast.desk.auth import ABSOLUTE_SECONDS, IDLE_SECONDS, MAX_FAILURES
from audiocast.desk.cookies import CookiePolicy
from tests.desk.conftest import HOSTILE_ERROR, client, page_token, sign_in, sign_in_token

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def concrete_paths(routes, prefix: str = ""):
    """(path to request, route path, methods) of every route, mounts walked into."""
    for route in routes:
        if isinstance(route, Mount):
            yield from concrete_paths(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            path = prefix + route.path
            concrete = path.replace("{episode_id}", "0123456789abcdef")
            concrete = re.sub(r"\{\w+:path\}", "site.css", concrete)
            concrete = concrete.replace("{job_id:int}", "1")
            assert "{" not in concrete, f"a parameter the test cannot fill: {path}"
            yield concrete, path, route.methods or {"GET"}
        else:
            raise AssertionError(f"a route of a kind the test does not know: {route!r}")


def test_every_route_refuses_an_anonymous_request(desk_site):
    opened = set()
    with client(desk_site) as web:
        for concrete, path, methods in concrete_paths(desk_site.app.routes):
            for method in sorted(set(methods) | {"GET", "POST"}):
                answer = web.request(method, concrete)
                public = concrete in PUBLIC or concrete.startswith(PUBLIC_PREFIXES)
                if public:
                    opened.add(path)
                    continue
                if path.startswith("/api/"):
                    assert answer.status_code == 401, (method, path)
                else:
                    assert answer.status_code == 303, (method, path, answer.status_code)
                    assert answer.headers["location"].startswith("/login/"), (method, path)
    # the only ways in without a session: the sign-in page and the static assets
    assert opened == {"/login/", "/static/{name:path}"}


def test_public_static_files_are_only_the_player_and_the_style_sheets(desk_site):
    with client(desk_site) as web:
        for name in ("site.css", "player.css", "player/main.js", "player/strings.js",
                     "desk/desk.css", "desk/desk.js"):  # fmt: skip
            answer = web.get(f"/static/{name}")
            assert answer.status_code == 200, name
        for path in ("/static/../articles/", "/static/.hidden", "/static/../../audiocast.toml",
                     f"/static/{desk_site.episodes['news']}/episode.mp3"):  # fmt: skip
            answer = web.get(path)
            assert answer.status_code in (303, 404), path
            assert "Статьи" not in answer.text and "show =" not in answer.text


def test_unknown_paths_and_the_media_need_a_session_too(desk_site):
    with client(desk_site) as web:
        for path in ("/nowhere", "/articles/../articles/", "/api/anything",
                     f"/media/{desk_site.episodes['news']}/episode.mp3"):  # fmt: skip
            answer = web.get(path)
            expected = 401 if path.startswith("/api/") else 303
            assert answer.status_code == expected, path


def test_a_wrong_password_says_so_and_the_sixth_try_is_refused(desk_site):
    with client(desk_site) as web:
        unknown = sign_in(web, "nobody", "whatever it is")
        assert unknown.status_code == 200 and "Неверное имя или пароль" in unknown.text
        for _ in range(MAX_FAILURES):
            answer = sign_in(web, "rita", "not her password")
            assert answer.status_code == 200
            assert "Неверное имя или пароль" in answer.text
            assert "audiocast_desk=" not in answer.headers.get("set-cookie", "")
        refused = sign_in(web, "rita")  # even the right password, now
        assert refused.status_code == 429
        assert "Слишком много неудачных попыток входа" in refused.text
        assert int(refused.headers["retry-after"]) > 0
        # another user from the same address is not locked out by rita's failures
        assert sign_in(web, "vera").status_code == 303


def test_the_session_cookie_is_httponly_samesite_and_expires(desk_site):
    with client(desk_site) as web:
        answer = sign_in(web, "anna")
    assert answer.status_code == 303 and answer.headers["location"] == "/articles/"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("audiocast_desk=")
    )
    flags = [flag.strip().lower() for flag in cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert f"max-age={ABSOLUTE_SECONDS}" in flags
    assert "secure" not in flags  # plain http on loopback: a Secure cookie would be dropped
    assert len(cookie.split(";")[0].split("=", 1)[1]) >= 40  # a random token, nothing else


def test_over_https_the_cookie_is_secure_and_host_only(desk_site):
    """Behind a reverse proxy on this machine that says https (X-Forwarded-Proto)."""
    https = {"X-Forwarded-Proto": "https"}
    with client(desk_site) as web:
        form = web.get("/login/", headers=https)
        assert "secure" in form.headers["set-cookie"].lower()
        token = page_token(form.text)
        answer = web.post(
            "/login/", headers=https | {"Cookie": f"audiocast_desk_signin={token}"},
            data={"csrf_token": token, "name": "anna", "password": "correct horse battery"},
        )  # fmt: skip
    assert answer.status_code == 303
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("__Host-"))
    assert "; secure" in cookie.lower() and "httponly" in cookie.lower()
    assert "domain=" not in cookie.lower()


@pytest.mark.parametrize(
    ("host", "scheme", "name", "can_sign_in"),
    [
        ("127.0.0.1", "http", "audiocast_desk", True),
        ("127.0.0.1", "https", "__Host-audiocast_desk", True),
        ("0.0.0.0", "https", "__Host-audiocast_desk", True),
        ("0.0.0.0", "http", "__Host-audiocast_desk", False),  # a password in the clear: no
        ("desk.example.com", "http", "__Host-audiocast_desk", False),
    ],
)
def test_the_cookie_policy_follows_the_address_and_the_scheme(host, scheme, name, can_sign_in):
    connection = HTTPConnection(
        {"type": "http", "scheme": scheme, "server": ("127.0.0.1", 8700), "path": "/",
         "headers": [(b"host", b"127.0.0.1:8700")]}
    )  # fmt: skip
    policy = CookiePolicy(host)
    assert policy.session_name(connection) == name
    assert policy.can_sign_in(connection) is can_sign_in


def test_a_form_without_its_token_or_from_elsewhere_is_refused(desk_site, anna):
    token = page_token(anna.get("/articles/").text)
    no_token = anna.post("/logout/", data={})
    assert no_token.status_code == 403 and "Запрос отклонён" in no_token.text
    wrong = anna.post("/logout/", data={"csrf_token": "x" * 43})
    assert wrong.status_code == 403
    elsewhere = anna.post(
        "/logout/", data={"csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 403
    referred = anna.post(
        "/logout/", data={"csrf_token": token}, headers={"Referer": "https://evil.example/x"}
    )
    assert referred.status_code == 403
    # still signed in after all that; the real form signs out
    assert anna.get("/articles/").status_code == 200
    own = desk_site.url.rstrip("/")
    out = anna.post("/logout/", data={"csrf_token": token}, headers={"Origin": own})
    assert out.status_code == 303 and out.headers["location"].startswith("/login/")
    assert anna.get("/articles/").status_code == 303


def test_the_sign_in_form_needs_its_own_token(desk_site):
    with client(desk_site) as web:
        sign_in_token(web)
        answer = web.post("/login/", data={"name": "anna", "password": "correct horse battery"})
        assert answer.status_code == 403
        other = web.post(
            "/login/",
            data={"csrf_token": "forged", "name": "anna", "password": "correct horse battery"},
        )
        assert other.status_code == 403


def test_an_oversized_form_is_refused_before_it_is_read(desk_site, anna):
    answer = anna.post("/logout/", content=b"a" * (1024 * 1024 + 10),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert answer.status_code == 413


@pytest.mark.parametrize("column", ["seen_at", "created_at"])
def test_the_server_ends_an_expired_session(desk_site, column):
    seconds = IDLE_SECONDS if column == "seen_at" else ABSOLUTE_SECONDS
    with client(desk_site) as web:
        assert sign_in(web, "vera").status_code == 303
        assert web.get("/articles/").status_code == 200
        token = web.cookies["audiocast_desk"]
        hashed = hashlib.sha256(token.encode()).hexdigest()
        with sqlite3.connect(desk_site.state_path) as db:
            db.execute(
                f"UPDATE desk_sessions SET {column} = {column} - ? WHERE token_hash = ?",
                (seconds + 5, hashed),
            )
        answer = web.get("/articles/")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login/")
        with sqlite3.connect(desk_site.state_path) as db:
            left = db.execute("SELECT count(*) FROM desk_sessions WHERE token_hash = ?", (hashed,))
            assert left.fetchone()[0] == 0  # the row is gone, not just ignored


def test_a_hostile_title_and_error_show_as_text(desk_site, anna):
    hostile = desk_site.episodes["hostile"]
    for path in ("/articles/", f"/articles/{hostile}/", "/articles/?q=script"):
        html = anna.get(path).text
        assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html, path
        assert "<script>window.pwned" not in html, path
    listing = anna.get("/articles/?status=failed").text
    assert "&lt;b&gt;источник&lt;/b&gt;" in listing and HOSTILE_ERROR not in listing


def test_bad_input_gets_a_message_never_a_traceback(desk_site, anna):
    answer = anna.get("/articles/?status=%3Cscript%3E&page=abc")
    assert answer.status_code == 200
    assert "Нет такого состояния: «&lt;script&gt;»" in answer.text
    assert "не число" in answer.text
    missing = anna.get("/articles/ffffffffffffffff/")
    assert missing.status_code == 404 and "Статья не найдена" in missing.text
    for answer in (missing, anna.get("/nowhere/"), anna.delete("/articles/")):
        assert "Traceback" not in answer.text


def test_a_failure_inside_is_a_plain_page_and_a_log_line(desk_site, anna, caplog):
    class Broken:
        def rows(self):
            raise RuntimeError("the store's disk went away")

    desk = desk_site.app.state.desk
    articles, desk.articles = desk.articles, Broken()
    try:
        answer = anna.get("/articles/")
    finally:
        desk.articles = articles
    assert answer.status_code == 500
    assert "На столе что-то сломалось" in answer.text
    assert "disk went away" not in answer.text and "Traceback" not in answer.text
    assert "the store's disk went away" in caplog.text


def test_every_answer_carries_the_security_headers(desk_site, anna):
    for answer in (anna.get("/articles/"), anna.get("/login/"), anna.get("/nowhere")):
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert anna.get("/articles/").headers["cache-control"] == "no-store"


def test_after_sign_in_the_next_page_is_this_desk_s_own(desk_site):
    for target, expected in (("/articles/?q=x", "/articles/?q=x"),
                             ("//evil.example/", "/articles/"),
                             ("https://evil.example/", "/articles/"),
                             ("/\\evil.example", "/articles/")):  # fmt: skip
        with client(desk_site) as web:
            data = {"csrf_token": sign_in_token(web), "name": "vera",
                    "password": "viewer password 1", "next": target}  # fmt: skip
            answer = web.post("/login/", data=data)
            assert answer.headers["location"] == expected, target
