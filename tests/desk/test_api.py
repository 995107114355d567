"""The desk's JSON API (/api/) against a real uvicorn: tokens made, listed and revoked through
the CLI; no way in without a valid token or session (every /api/ route of the app,
enumerated); a viewer reads but cannot change; an editor voices (the job followed to its end),
excludes and includes; bearer requests need no CSRF token but a session's do; a token never
opens a page; bad input gets one JSON sentence, never a traceback or HTML."""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import Route

from audiocast.cli import main
from audiocast.desk.api_tokens import MAX_TOKEN_FAILURES, PREFIX
from audiocast.desk.commands import add_token
from audiocast.desk.roles import VIEWER_REFUSED
from tests.desk.conftest import (
    HOSTILE_TITLE,
    DeskSite,
    page_token,
    run_cli,
    serving_site,
    sign_in,
)

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[DeskSite]:
    with serving_site(tmp_path_factory.mktemp("api-site"), warm_up=False) as site:
        yield site


@pytest.fixture(autouse=True)
def no_failures(site) -> None:
    """Each test starts with no failed attempts counted against this (loopback) address."""
    with sqlite3.connect(site.state_path) as db:
        db.execute("DELETE FROM desk_sign_in_failures")


@pytest.fixture(scope="module")
def tokens(site) -> dict[str, str]:
    return {name: add_token(site.settings, name, "tests")[0] for name in ("anna", "vera")}


def api(site: DeskSite, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=site.url, headers=headers, follow_redirects=False, timeout=30)


def cli(site: DeskSite, *arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--site", str(site.root), "desk", "token", *arguments])
    return code, out.getvalue(), err.getvalue()


def error_of(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, (answer.status_code, answer.text)
    assert answer.headers["content-type"] == "application/json", answer.headers
    assert "Traceback" not in answer.text
    body = answer.json()
    assert isinstance(body["error"], str) and body["error"]
    return body["error"]


def api_routes(site: DeskSite) -> list[tuple[str, set[str]]]:
    found = []
    for route in site.app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/"):
            path = route.path.replace("{episode_id}", site.episodes["news"])
            path = path.replace("{job_id:int}", "1").replace("{path:path}", "nowhere")
            assert "{" not in path, f"a parameter the test cannot fill: {route.path}"
            found.append((path, set(route.methods or {"GET"})))
    return found


def test_a_token_made_by_the_cli_works_is_listed_without_its_secret_and_revoked(site):
    code, out, err = cli(site, "add", "anna", "--label", "WordPress minval.az")
    assert code == 0 and "shown only now" in err
    token = out.strip()
    assert re.fullmatch(PREFIX + r"[A-Za-z0-9_-]{43,}", token)
    with api(site, token) as web:
        assert web.get("/api/articles").status_code == 200
    code, out, _ = cli(site, "list")
    assert code == 0 and token not in out and token[len(PREFIX) :] not in out
    line = next(line for line in out.splitlines() if "WordPress minval.az" in line)
    token_id, user, _, _, last_used = line.split("\t")
    assert user == "anna" and last_used != "-"
    with sqlite3.connect(site.state_path) as db:  # only its hash is kept
        dump = "\n".join(db.iterdump())
    assert token not in dump and token[len(PREFIX) :] not in dump
    assert cli(site, "list", "vera")[1].count("WordPress") == 0
    assert cli(site, "revoke", token_id)[0] == 0
    with api(site, token) as web:
        refused = web.get("/api/articles")
    assert "revoked" in error_of(refused, 401)
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert cli(site, "revoke", token_id)[0] != 0  # gone already: one line, status not 0


def test_removing_a_user_revokes_their_tokens(site):
    assert run_cli("--site", str(site.root), "desk", "user", "add", "olga",
                   stdin="olga's password 1\n") == 0  # fmt: skip
    token = add_token(site.settings, "olga")[0]
    with api(site, token) as web:
        assert web.get("/api/jobs").status_code == 200
        assert run_cli("--site", str(site.root), "desk", "user", "remove", "olga") == 0
        error_of(web.get("/api/jobs"), 401)
    assert "olga" not in cli(site, "list")[1]


def test_every_api_route_refuses_no_token_and_a_wrong_one(site):
    routes = api_routes(site)
    assert {path for path, _ in routes} >= {"/api/articles", "/api/jobs", "/api/lexicon"}
    with api(site) as nobody, api(site, PREFIX + "x" * 43) as wrong, api(site, "") as empty:
        for path, methods in routes:
            with sqlite3.connect(site.state_path) as db:  # each route within the 30 wrong tokens
                db.execute("DELETE FROM desk_sign_in_failures")
            for method in sorted(methods | {"GET", "POST"}):
                for web in (nobody, wrong, empty):
                    answer = web.request(method, path, json={})
                    if method == "HEAD":  # no body to read
                        assert answer.status_code == 401, path
                    else:
                        error_of(answer, 401)
                    assert answer.headers["www-authenticate"].startswith("Bearer"), path


def test_failed_tokens_are_limited_per_address(site, tokens):
    with api(site, PREFIX + "guess") as guess, api(site, tokens["anna"]) as anna:
        for _ in range(MAX_TOKEN_FAILURES):
            error_of(guess.get("/api/jobs"), 401)
        limited = anna.get("/api/jobs")  # even a good token, from this address, now
        error_of(limited, 429)
        assert int(limited.headers["retry-after"]) > 0


def test_a_viewer_reads_but_cannot_change(site, tokens):
    news = site.episodes["news"]
    jobs_before = len(site.app.state.desk.jobs.recent_jobs(1000))
    with api(site, tokens["vera"]) as vera:
        for path in ("/api/articles", f"/api/articles/{news}", "/api/jobs", "/api/lexicon"):
            assert vera.get(path).status_code == 200, path
        for path, body in ((f"/api/articles/{news}/voice", {}),
                           (f"/api/articles/{news}/exclude", {"reason": "x"}),
                           (f"/api/articles/{news}/include", {}),
                           ("/api/jobs", {"kind": "build"})):  # fmt: skip
            assert VIEWER_REFUSED in error_of(vera.post(path, json=body), 403), path
        assert vera.get(f"/api/articles/{news}").json()["status"] == "voiced"
    assert len(site.app.state.desk.jobs.recent_jobs(1000)) == jobs_before


def test_an_editor_voices_an_article_and_follows_the_job(site, tokens):
    news = site.episodes["news"]
    with api(site, tokens["anna"]) as anna:
        article = anna.get(f"/api/articles/{news}").json()
        assert article["voicing"]["possible"] and "ru-espeak" in article["voicing"]["voices"]
        started = anna.post(f"/api/articles/{news}/voice", json={"voice": "ru-espeak"})
        assert started.status_code == 202, started.text
        job_id = started.json()["job"]
        assert started.json()["url"] == f"/api/jobs/{job_id}"
        deadline = time.monotonic() + 60
        while not (job := anna.get(f"/api/jobs/{job_id}").json())["finished"]:
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job["state"] == "done", job
        assert job["kind"] == "voice" and job["requested_by"] == "anna"
        assert job["episode"] == news  # the same GUID: the episode keeps its id
        assert any(j["id"] == job_id for j in anna.get("/api/jobs").json()["jobs"])
        again = anna.get(f"/api/articles/{news}").json()
        assert again["voice"] == "ru-espeak" and again["made_at"]


def test_an_editor_excludes_and_includes_an_article(site, tokens):
    hostile = site.episodes["hostile"]
    with api(site, tokens["anna"]) as anna:
        out = anna.post(f"/api/articles/{hostile}/exclude", json={"reason": "<b>дубль</b>"})
        assert out.status_code == 200, out.text
        assert out.json()["changed"] is True
        article = out.json()["article"]
        assert article["status"] == "excluded" and article["reason"] == "<b>дубль</b>"
        assert article["excluded"][0]["user"] == "anna"
        listed = anna.get("/api/articles", params={"status": "excluded"}).json()
        assert [row["id"] for row in listed["articles"]] == [hostile]
        back = anna.post(f"/api/articles/{hostile}/include")  # no body at all: fine
        assert back.status_code == 200 and back.json()["article"]["status"] == "voiced"
        assert anna.post(f"/api/articles/{hostile}/include", json={}).json()["changed"] is False


def test_bearer_requests_need_no_csrf_but_a_session_does(site, tokens):
    hostile = site.episodes["hostile"]
    with api(site, tokens["anna"]) as bearer:  # no Origin, no CSRF token: none needed
        assert bearer.post(f"/api/articles/{hostile}/include", json={}).status_code == 200
    with api(site) as session:
        assert sign_in(session, "anna").status_code == 303
        assert session.get("/api/jobs").status_code == 200  # a signed-in session may read
        origin = {"Origin": site.url.rstrip("/")}
        forged = session.post(f"/api/articles/{hostile}/include", json={}, headers=origin)
        assert "Запрос отклонён" in error_of(forged, 403)
        token = page_token(session.get("/articles/").text)
        own = session.post(f"/api/articles/{hostile}/include", json={},
                           headers=origin | {"X-CSRF-Token": token})  # fmt: skip
        assert own.status_code == 200, own.text


def test_a_token_never_opens_a_page(site, tokens):
    with api(site, tokens["anna"]) as anna:
        for method, path in (("GET", "/articles/"), ("GET", "/jobs/status.json"),
                             ("GET", f"/articles/{site.episodes['news']}/"),
                             ("POST", "/jobs/")):  # fmt: skip
            answer = anna.request(method, path, data={"kind": "build"})
            assert answer.status_code == 303, (method, path)
            assert answer.headers["location"].startswith("/login/"), (method, path)


def test_bad_input_gets_one_json_sentence(site, tokens):
    news = site.episodes["news"]
    voice = f"/api/articles/{news}/voice"
    with api(site, tokens["anna"]) as anna:
        json_type = {"Content-Type": "application/json"}
        assert "not valid JSON" in error_of(anna.post(voice, content=b"{nope", headers=json_type),
                                            400)  # fmt: skip
        assert "JSON object" in error_of(anna.post(voice, json=["ru-espeak"]), 400)
        assert "voice must be a string" in error_of(anna.post(voice, json={"voice": 1}), 400)
        assert "unknown field 'voices'" in error_of(anna.post(voice, json={"voices": "x"}), 400)
        assert "Нет такого голоса" in error_of(anna.post(voice, json={"voice": "nobody"}), 400)
        error_of(anna.post(voice, content=b"voice=x", headers={"Content-Type": "text/plain"}),
                 415)  # fmt: skip
        error_of(anna.post(voice, content=b" " * (100 * 1024), headers=json_type), 413)
        error_of(anna.post(voice, content=b"a" * (1024 * 1024 + 10), headers=json_type), 413)
        assert "kind must be one of build, sync" in error_of(
            anna.post("/api/jobs", json={"kind": "publish"}), 400
        )
        error_of(anna.post("/api/jobs", json={"kind": "sync"}), 400)  # the site has no sources
        assert "status '<script>'" in error_of(anna.get("/api/articles?status=<script>"), 400)
        error_of(anna.get("/api/articles?page=abc"), 400)
        error_of(anna.get("/api/articles/ffffffffffffffff"), 404)
        error_of(anna.post("/api/articles/ffffffffffffffff/exclude", json={}), 404)
        error_of(anna.get("/api/jobs/999999"), 404)
        error_of(anna.get("/api/nowhere"), 404)
        not_allowed = anna.delete("/api/articles")
        error_of(not_allowed, 405)
        assert "GET" in not_allowed.headers["allow"]


def test_a_hostile_title_is_a_json_string(site, tokens):
    with api(site, tokens["vera"]) as vera:
        answer = vera.get("/api/articles", params={"q": "script"})
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    assert [row["title"] for row in answer.json()["articles"]] == [HOSTILE_TITLE]


def test_the_list_and_the_lexicon_answer_like_their_pages(site, tokens):
    with api(site, tokens["vera"]) as vera:
        listed = vera.get("/api/articles").json()
        assert listed["total"] == 5 and listed["page"] == 1  # 4 of sync's, 1 made by hand
        statuses = {row["title"]: row["status"] for row in listed["articles"]}
        assert statuses["Ожидающая ёлка"] == "pending" and statuses["Снятая статья"] == "removed"
        failed = next(row for row in listed["articles"] if row["status"] == "failed")
        assert "<script>window.pwned = 2</script>" in failed["reason"]
        assert [r["title"] for r in vera.get("/api/articles?q=ЁЛКА").json()["articles"]] == [
            "Ожидающая ёлка"
        ]
        lexicon = vera.get("/api/lexicon").json()
        assert lexicon["total"] > 0 and lexicon["entries"][0]["written"]
        word = lexicon["entries"][0]["written"]
        found = vera.get("/api/lexicon", params={"q": word}).json()["entries"]
        assert any(entry["written"] == word for entry in found)


def test_a_failure_inside_is_a_json_500_and_a_log_line(site, tokens, caplog):
    class Broken:
        def rows(self):
            raise RuntimeError("the store's disk went away")

    desk = site.app.state.desk
    articles, desk.articles = desk.articles, Broken()
    try:
        with api(site, tokens["vera"]) as vera:
            answer = vera.get("/api/articles")
    finally:
        desk.articles = articles
    assert "disk went away" not in error_of(answer, 500)
    assert "the store's disk went away" in caplog.text


# -- the lexicon, written through the API -----------------------------------------------------


def lexicon_version(web: httpx.Client) -> str:
    answer = web.get("/api/lexicon")
    assert answer.status_code == 200
    return answer.json()["version"]


def test_an_editor_adds_changes_and_deletes_a_lexicon_entry(site, tokens):
    from audiocast.desk.journal import LEXICON_CHANGE, Journal

    with api(site, tokens["anna"]) as anna:
        added = anna.post("/api/lexicon", json={"written": "Гасанов", "spoken": "Гас+анов",
                                                "version": lexicon_version(anna)})  # fmt: skip
        assert added.status_code == 200, added.text
        body = added.json()
        assert body["action"] == "saved" and body["file"] == "lexicon.toml"
        assert body["entry"] == {"written": "Гасанов", "spoken": "Гас+анов", "site": True,
                                 "origin": None, "overrides": None}  # fmt: skip
        assert [item["id"] for item in body["articles"]] == [site.episodes["news"]]
        path = site.root / "lexicon.toml"
        assert '"Гасанов" = "Гас+анов"' in path.read_text(encoding="utf-8")
        assert 'lexicon = "lexicon.toml"' in (site.root / "audiocast.toml").read_text("utf-8")
        assert body["version"] == lexicon_version(anna) != "absent"
        inode = path.stat().st_ino
        changed = anna.post("/api/lexicon", json={
            "written": "Гасанов", "spoken": "Хас+анов", "original": "Гасанов",
            "version": body["version"],
        })  # fmt: skip
        assert changed.status_code == 200, changed.text
        # written atomically: a new file renamed over the old one, nothing left beside it
        assert path.stat().st_ino != inode
        assert [p.name for p in path.parent.iterdir() if p.name.startswith("lexicon")] == [
            "lexicon.toml"
        ]
        assert path.read_text(encoding="utf-8").count("Гасанов") == 1
        found = anna.get("/api/lexicon", params={"q": "гасанов"}).json()["entries"]
        assert [(e["written"], e["spoken"]) for e in found] == [("Гасанов", "Хас+анов")]
        entry = Journal.of(site.settings).entries(1)[0]
        assert (entry.user_name, entry.action, entry.subject) == ("anna", LEXICON_CHANGE, "Гасанов")
        assert "было «Гас+анов»" in entry.detail
        deleted = anna.post("/api/lexicon/delete", json={
            "written": "Гасанов", "version": changed.json()["version"]})  # fmt: skip
        assert deleted.status_code == 200, deleted.text
        assert deleted.json()["action"] == "deleted" and deleted.json()["entry"] is None
        assert deleted.json()["spoken"] == "Хас+анов"
        assert "Гасанов" not in path.read_text(encoding="utf-8")
        assert Journal.of(site.settings).entries(1)[0].detail.startswith("удалено «Гасанов»")


def test_a_lexicon_write_refused_says_why(site, tokens):
    with api(site, tokens["anna"]) as anna, api(site, tokens["vera"]) as vera:
        version = lexicon_version(anna)
        before = (site.root / "lexicon.toml").read_bytes()
        bad = anna.post("/api/lexicon", json={"written": "Баку", "spoken": "Бак+",
                                              "version": version})  # fmt: skip
        message = error_of(bad, 400)
        assert message.startswith("Знак «+» отмечает ударение")
        assert "'+' marks stress" in message  # the loader's own words
        assert "Напишите слово" in error_of(
            anna.post("/api/lexicon", json={"written": " ", "spoken": "а", "version": version}),
            400,
        )
        stale = anna.post("/api/lexicon", json={"written": "Баку", "spoken": "Бак+у",
                                                "version": "0" * 32})  # fmt: skip
        assert "Словарь изменился" in error_of(stale, 409)
        assert "Записи «Нигде» в словаре сайта нет" in error_of(
            anna.post("/api/lexicon/delete", json={"written": "Нигде", "version": version}), 409
        )
        assert "version is required" in error_of(
            anna.post("/api/lexicon", json={"written": "Баку", "spoken": "Бак+у"}), 400
        )
        assert "unknown field 'note'" in error_of(
            anna.post("/api/lexicon", json={"written": "Баку", "spoken": "Бак+у", "note": "x",
                                            "version": version}), 400)  # fmt: skip
        assert "spoken must be a string" in error_of(
            anna.post("/api/lexicon", json={"written": "Баку", "spoken": 1, "version": version}),
            400,
        )
        for path in ("/api/lexicon", "/api/lexicon/delete"):
            refused = vera.post(path, json={"written": "Баку", "spoken": "Бак+у",
                                            "version": version})  # fmt: skip
            assert VIEWER_REFUSED in error_of(refused, 403), path
        assert (site.root / "lexicon.toml").read_bytes() == before  # nothing written


def test_a_lexicon_sample_through_the_api(site, tokens):
    with api(site, tokens["vera"]) as vera:  # listening changes nothing: a viewer may
        made = vera.post("/api/lexicon/sample", json={"written": "Дубае", "spoken": "Дуб+ае",
                                                      "sentence": "Выставка в Дубае."})  # fmt: skip
        assert made.status_code == 200, made.text
        body = made.json()
        assert "Дуба\u0301е" in body["spoken"] and body["sentence"] == "Выставка в Дубае."
        assert body["audio"].startswith("/api/lexicon/sample?key=")
        audio = vera.get(body["audio"])
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
        assert audio.content[:4] == b"RIFF" and len(audio.content) > 10_000
        assert "отмечает ударение" in error_of(
            vera.post("/api/lexicon/sample", json={"written": "Баку", "spoken": "Бак+"}), 400
        )
        error_of(vera.get("/api/lexicon/sample", params={"key": "0" * 64}), 404)


# -- a WordPress source's failures (the plugin's column «Аудио») ----------------------------------


def test_failures_maps_a_sources_failed_post_ids_to_their_reasons(site, tokens):
    from audiocast.state import SyncState

    state = SyncState(site.state_path)
    try:
        for post_id in ("77", "78", "79", "80"):
            identity = f"site-id:minval:{post_id}"
            state.seen(identity, "minval", f"Пост {post_id}", f"https://minval.az/?p={post_id}",
                       "Политика", "2026-01-30T09:00:00+00:00", "hash-" + post_id)  # fmt: skip
        state.seen("site-id:other:77", "other", "Чужой", "https://other.az/?p=77", "Политика",
                   "2026-01-30T09:00:00+00:00", "hash-other")  # fmt: skip
        state.failed("site-id:minval:77", "<b>сбой</b> синтеза")
        state.failed("site-id:other:77", "чужой сбой")
        state.made("site-id:minval:78", "hash-78", "0000000000000078")  # not in the store
        state.failed("site-id:minval:80", "исключённая")
        state.exclude("0000000000000080", "site-id:minval:80", "editor", title="Пост 80")
    finally:
        state.close()
    with api(site, tokens["vera"]) as web:  # a viewer may read it
        answer = web.get("/api/failures", params={"source": "minval"})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "source": "minval",
            "failures": {
                "77": "<b>сбой</b> синтеза",  # as data: the plugin escapes it
                "78": "выпуска 0000000000000078 нет в хранилище",
            },  # 79 is pending, 80 excluded, the other source's 77 is not minval's
        }
        assert "no-store" in answer.headers["cache-control"]
        assert "source" in error_of(web.get("/api/failures"), 400)
        assert "source" in error_of(web.get("/api/failures?source=a:b"), 400)
    with api(site) as web:
        error_of(web.get("/api/failures", params={"source": "minval"}), 401)
