"""Voicing from the desk, «Задания» and «Журнал» against a real uvicorn (and real Chromium): an
editor re-voices an article and watches the job finish live, then plays the new episode; a
viewer cannot start anything (every unsafe route of the app, enumerated, refuses a viewer); a
form without its token is refused; bad forms get a message in Russian; a job survives a
restart of the desk. The desk runs on sites of this module's own, so the shared desk_site keeps
its episodes as the other tests expect them."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import expect
from starlette.routing import Mount, Route

from audiocast.desk.app import PUBLIC, create_app
from audiocast.desk.jobs import QUEUED, STOPPED_MESSAGE, WAITING
from audiocast.desk.journal import VOICED, Journal
from audiocast.desk.roles import VIEWER_REFUSED, VIEWER_REFUSED_TITLE
from audiocast.desk.voicing import MAX_EPISODES
from audiocast.episode.store import EpisodeStore
from audiocast.sync import SyncLock
from tests.desk.conftest import (
    HOSTILE_TITLE,
    DeskSite,
    make_site,
    page_token,
    running,
    serving_site,
    sign_in,
)
from tests.desk.test_browser import (
    NO_SIDEWAYS_SCROLL,
    PHONE,
    open_page,
    sign_in_with_the_keyboard,
)
from tests.publish.test_browser import PLAYING

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
NOT_FOR_EDITORS_ONLY = {"/login/", "/logout/"}  # signing in and out: anyone's
NEWS_TITLE = "Азербайджанская продукция"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[DeskSite]:
    with serving_site(tmp_path_factory.mktemp("jobs-site"), warm_up=False) as site:
        yield site


@contextlib.contextmanager
def signed_in(url: str, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, follow_redirects=False, timeout=30) as web:
        assert sign_in(web, name).status_code == 303
        yield web


def post_jobs(web: httpx.Client, data: dict | list, token: str | None = None) -> httpx.Response:
    """POST /jobs/ with the session's token (taken from a page unless given)."""
    token = token or page_token(web.get("/jobs/").text)
    fields = list(data.items()) if isinstance(data, dict) else list(data)
    headers = {"Origin": str(web.base_url).rstrip("/"),
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    return web.post("/jobs/", content=urlencode([("csrf_token", token), *fields]), headers=headers)


def job_count(site: DeskSite) -> int:
    return len(site.app.state.desk.jobs.recent_jobs(10_000))


def wait_until_finished(web: httpx.Client, timeout: float = 90) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        status = web.get("/jobs/status.json")
        assert status.status_code == 200 and status.headers["cache-control"] == "no-store"
        body = status.json()
        if not body["unfinished"]:
            return body["jobs"]
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def test_an_editor_revoices_watches_the_job_live_and_plays_the_new_episode(browser, site):
    url, hostile = site.url, site.episodes["hostile"]
    audio = site.settings.episodes_dir / hostile / "episode.mp3"
    made_before = os.stat(audio).st_mtime_ns
    context, page, problems = open_page(browser)
    try:
        sign_in_with_the_keyboard(page, url)
        page.goto(url + f"articles/{hostile}/")
        expect(page.get_by_label("Голос")).to_have_value("ru-espeak")  # the episode's own
        options = page.locator("#voice-profile option").all_inner_texts()
        assert options and all(o.startswith("ru-") for o in options)  # its language's only
        page.evaluate("window.marker = 'same document'")
        with SyncLock(site.settings.episodes_dir):  # a sync at work: the job waits, visibly
            page.get_by_label("Голос").focus()  # with the keyboard: the voice, then the button
            page.keyboard.press("Tab")
            expect(page.get_by_role("button", name="Озвучить заново")).to_be_focused()
            page.keyboard.press("Enter")
            page.wait_for_url(url + "jobs/")
            expect(page.locator("main h1")).to_have_text("Задания")
            expect(page.locator("nav a[aria-current=page]")).to_have_text("Задания")
            row = page.locator(".desk-job").first
            expect(row).to_have_attribute("data-job-state", WAITING)
            expect(row.locator(".desk-job-state")).to_have_text("ждёт окончания синхронизации")
            expect(row.locator(".desk-job-title")).to_contain_text(HOSTILE_TITLE)  # as text
        # the sync is over: the job runs and ends, and the page follows it without a reload
        expect(row).to_have_attribute("data-job-state", "done", timeout=60_000)
        expect(row.locator(".desk-job-state")).to_have_text("готово")
        progress = row.locator("progress")
        assert progress.evaluate("p => p.value === p.max && p.max > 0")
        assert progress.get_attribute("aria-label", timeout=1000).startswith("Ход задания")
        expect(page.locator("#desk-jobs-live")).to_contain_text("готово")
        assert page.evaluate("window.marker") == "same document"  # posted and followed in place
        assert page.evaluate("window.pwned") is None
        assert os.stat(audio).st_mtime_ns != made_before  # a new episode.mp3

        row.get_by_role("link", name="Открыть статью").click()
        page.wait_for_url(url + f"articles/{hostile}/")
        page.locator("main").get_by_role("button", name="Слушать", exact=True).click()
        page.wait_for_function(PLAYING)
        expect(page.locator(".ac-title")).to_have_text(HOSTILE_TITLE)
        assert page.evaluate("window.marker") == "same document"
        assert problems == [], problems
    finally:
        context.close()


def test_the_voice_form_jobs_and_journal_fit_a_phone(browser, site):
    url, hostile = site.url, site.episodes["hostile"]
    site.app.state.desk.journal.record("anna", VOICED, hostile, HOSTILE_TITLE)  # a long line
    context, page, problems = open_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        sign_in_with_the_keyboard(page, url)
        for path in (f"articles/{hostile}/", "jobs/", "journal/"):
            page.goto(url + path)
            expect(page.locator("main h1")).to_be_visible()
            assert page.evaluate(NO_SIDEWAYS_SCROLL), path
        expect(page.locator(".desk-journal td").first).to_be_visible()
        assert problems == [], problems
    finally:
        context.close()


def test_the_journal_names_who_voiced_what_and_hostile_text_stays_text(site):
    with signed_in(site.url, "anna") as anna:
        before = len(anna.get("/jobs/status.json").json()["jobs"])
        answer = post_jobs(anna, {"kind": "voice", "episode": site.episodes["news"]})
        assert answer.status_code == 303 and answer.headers["location"] == "/jobs/"
        jobs = wait_until_finished(anna)
        assert len(jobs) == before + 1
        job = jobs[0]
        assert job["state"] == "done" and job["who"] == "anna", job
        assert job["link"] == {"href": f"/articles/{site.episodes['news']}/",
                               "text": "Открыть статью"}  # fmt: skip
        journal = anna.get("/journal/")
        assert journal.status_code == 200
        assert '<a href="/journal/" aria-current="page">Журнал</a>' in journal.text
        first = journal.text.split("<tbody>")[1].split("</tr>")[0]
        assert "anna" in first and "озвучено" in first
        assert f'<a href="/articles/{site.episodes["news"]}/">{NEWS_TITLE}' in first
        # the hostile title (voiced in the browser test, or here) is text on both pages
        post_jobs(anna, {"kind": "voice", "episode": site.episodes["hostile"]})
        wait_until_finished(anna)
        for path in ("/jobs/", "/journal/"):
            html = anna.get(path).text
            assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html, path
            assert "<script>window.pwned" not in html, path


def test_a_viewer_sees_no_voice_form_and_may_not_start_a_job(site):
    with signed_in(site.url, "vera") as vera:
        article = vera.get(f"/articles/{site.episodes['news']}/")
        assert article.status_code == 200 and 'action="/jobs/"' not in article.text
        assert "Озвучить" not in article.text
        jobs = vera.get("/jobs/")
        assert jobs.status_code == 200 and "Собрать сайт" not in jobs.text  # reading is fine
        assert vera.get("/journal/").status_code == 200
        count = job_count(site)
        for data in ({"kind": "voice", "episode": site.episodes["news"]}, {"kind": "build"}):
            refused = post_jobs(vera, data)
            assert refused.status_code == 403 and VIEWER_REFUSED_TITLE in refused.text
        assert job_count(site) == count


def fill(path: str) -> str:
    """PATH with each {parameter} given a plausible value (an episode id of the right shape)."""
    return re.sub(r"\{[^}]+\}", "0123456789abcdef", path)


def unsafe_routes(routes, prefix: str = ""):
    for route in routes:
        if isinstance(route, Mount):
            yield from unsafe_routes(route.routes, prefix + route.path)
        elif isinstance(route, Route) and set(route.methods or ()) & UNSAFE:
            yield prefix + route.path, route


def test_every_unsafe_route_refuses_a_viewer(site):
    """Enumerated from the app itself: a route added later cannot forget roles.editor_only
    (one that changes nothing says so with `endpoint.changes_nothing = True`)."""
    found = list(unsafe_routes(site.app.routes))
    assert any(path == "/jobs/" for path, _ in found)
    count = job_count(site)
    with signed_in(site.url, "vera") as vera:
        token = page_token(vera.get("/articles/").text)
        origin = site.url.rstrip("/")
        for path, route in found:
            if path in NOT_FOR_EDITORS_ONLY or path in PUBLIC:
                continue
            if getattr(route.endpoint, "changes_nothing", False):
                continue  # a POST that only reads or listens (a lexicon sample): a viewer's too
            assert getattr(route.endpoint, "editor_only", False), f"{path}: not editor_only"
            for method in sorted(set(route.methods or ()) & UNSAFE):
                answer = vera.request(method, fill(path), data={"csrf_token": token},
                                      headers={"Origin": origin})  # fmt: skip
                assert answer.status_code == 403, (method, path, answer.status_code)
                assert VIEWER_REFUSED in answer.text, (method, path)
        assert vera.get("/articles/").status_code == 200  # still signed in, nothing changed
    assert job_count(site) == count


def test_a_job_form_without_its_token_is_refused(site):
    count = job_count(site)
    with signed_in(site.url, "anna") as anna:
        origin = {"Origin": site.url.rstrip("/")}
        bare = anna.post("/jobs/", data={"kind": "build"}, headers=origin)
        assert bare.status_code == 403 and "Запрос отклонён" in bare.text
        wrong = anna.post("/jobs/", data={"kind": "build", "csrf_token": "x" * 43}, headers=origin)
        assert wrong.status_code == 403
        token = page_token(anna.get("/jobs/").text)
        elsewhere = anna.post("/jobs/", data={"kind": "build", "csrf_token": token},
                              headers={"Origin": "https://evil.example"})  # fmt: skip
        assert elsewhere.status_code == 403
    assert job_count(site) == count


def bad_forms(site: DeskSite) -> list[tuple[list, str]]:
    news = site.episodes["news"]
    many = [("episode", f"{n:016x}") for n in range(MAX_EPISODES + 1)]
    too_many = [("episode", news)] * 500  # more fields than the form reads
    return [
        ([], "Не сказано, какое задание начать"),
        ([("kind", "publish")], "Нет такого задания: «publish»"),
        ([("kind", "<script>alert(1)</script>")], "«&lt;script&gt;alert(1)&lt;/script&gt;»"),
        ([("kind", "voice"), ("kind", "build")], "Задание начинается одно за раз"),
        ([("kind", "voice")], "Не выбрано ни одной статьи"),
        ([("kind", "voice"), ("episode", "../../etc")], "Такого выпуска в хранилище нет"),
        ([("kind", "voice"), ("episode", "ffffffffffffffff")], "«ffffffffffffffff»"),
        ([("kind", "voice"), *many], "Слишком много статей за раз"),
        ([("kind", "voice"), *too_many], "Слишком много статей за раз"),
        ([("kind", "voice"), ("episode", news), ("voice", "nobody")], "Нет такого голоса"),
        ([("kind", "voice"), ("episode", news), ("voice", "az-espeak")],
         "Голос «az-espeak» говорит на языке «az»"),
        ([("kind", "voice"), ("episode", news), ("voice", "ru-espeak"), ("voice", "ru-google")],
         "Выберите один голос"),
        ([("kind", "build"), ("episode", news)], "статьи и голос не выбирают"),
        ([("kind", "sync")], "в audiocast.toml нет источников"),
    ]  # fmt: skip


def test_bad_job_forms_get_a_message_in_russian_and_queue_nothing(site):
    count = job_count(site)
    with signed_in(site.url, "anna") as anna:
        token = page_token(anna.get("/jobs/").text)
        for fields, message in bad_forms(site):
            answer = post_jobs(anna, fields, token)
            assert answer.status_code == 400, (fields[:3], answer.status_code)
            assert message in answer.text, (fields[:3], message)
            assert 'role="alert"' in answer.text and "Traceback" not in answer.text
            assert "<script>alert" not in answer.text
        journal = anna.get("/journal/?page=abc")
        assert journal.status_code == 200 and "«abc» — не число" in journal.text
    assert job_count(site) == count


def test_a_job_survives_a_restart_of_the_desk(tmp_path):
    """One job waits for a sync when the desk stops, another is still queued; a new desk on the
    same site finishes both."""
    settings, episodes = make_site(tmp_path, users=("anna",))
    audio = settings.episodes_dir / episodes["news"] / "episode.mp3"
    made_before = os.stat(audio).st_mtime_ns
    with SyncLock(settings.episodes_dir):
        first = create_app(settings, warm_up=False)
        with running(first) as url, signed_in(url, "anna") as anna:
            for form in ({"kind": "voice", "episode": episodes["news"]}, {"kind": "build"}):
                assert post_jobs(anna, form).status_code == 303
            jobs = first.state.desk.jobs
            deadline = time.monotonic() + 30
            while jobs.recent_jobs()[-1].state != WAITING:
                assert time.monotonic() < deadline, jobs.recent_jobs()
                time.sleep(0.05)
        # the desk has stopped: the waiting job went back to the queue, the build never began
        voice_job, build_job = reversed(jobs.recent_jobs())
        assert (voice_job.state, voice_job.message) == (QUEUED, STOPPED_MESSAGE)
        assert build_job.state == QUEUED and build_job.started_at is None
    assert os.stat(audio).st_mtime_ns == made_before

    second = create_app(settings, warm_up=False)
    with running(second) as url, signed_in(url, "anna") as anna:
        finished = wait_until_finished(anna)
        assert [job["state"] for job in finished] == ["done", "done"], finished
        assert [job["kind"] for job in finished] == ["build", "voice"]
        page = anna.get("/jobs/").text
        assert page.count('data-job-state="done"') == 2
        # the journal, fifty entries a page, newest first
        journal = second.state.desk.journal
        for number in range(55):
            journal.record("anna", "lexicon change", f"слово {number}")
        first_page, last_page = anna.get("/journal/").text, anna.get("/journal/?page=2").text
        assert "Записей: 57 · страница 1 из 2" in first_page and "слово 54" in first_page
        assert not re.search(r"слово 4\b", first_page) and 'rel="next"' in first_page
        assert "собран сайт" in last_page and "озвучено" in last_page
        assert 'href="/journal/" rel="prev"' in last_page
    assert os.stat(audio).st_mtime_ns != made_before
    entries = Journal.of(settings).entries(limit=100)
    # (the job put back as the desk stopped went to the back of huey's queue: after the build)
    assert {(e.user_name, e.action) for e in entries[-2:]} == {("anna", "built"), ("anna", VOICED)}


def test_reading_the_store_leaves_alone_what_a_job_of_this_process_is_building(tmp_path):
    """The desk's pages read the store (which clears dead runs' staging folders) while its
    jobs write episodes in the same process: a staging folder in use is not a dead run's."""
    store = EpisodeStore(tmp_path / "episodes")
    staging = store.staging("abc")
    (staging / "episode.json").write_text("{}")
    EpisodeStore(tmp_path / "episodes")  # what every catalogue read does
    assert staging.is_dir()
    store.commit(staging, "abc")
    left = store.staging("def")
    store.discard(left)
    stale = tmp_path / "episodes" / f".staging-ghi-{os.getpid()}"  # this pid, not in use
    stale.mkdir()
    EpisodeStore(tmp_path / "episodes")
    assert not stale.exists() and store.episode_ids() == ["abc"]
