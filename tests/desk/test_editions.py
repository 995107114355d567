"""«Подборки» against a real uvicorn (and real Chromium): the page lists the store's voiced
articles and the site's editions; the list is put in order by its buttons without scripts and by
buttons and drag and drop with them; the intro's preview follows the order; making it runs the
edition job (real espeak-ng, real ffmpeg) and the build, and the edition's chapters follow the
order chosen; viewers, forms without their token and bad lists are refused. One site for the
module: the conftest's two short articles, a third, one in Azerbaijani, two editions."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from audiocast.config import load_settings
from audiocast.desk.app import create_app
from audiocast.desk.edition_picking import edition_choice, moved
from audiocast.desk.exclusions import exclude, include
from audiocast.desk.roles import VIEWER_REFUSED
from audiocast.episode.store import CHAPTERS_FILE
from audiocast.pipeline import Pipeline
from tests.desk.conftest import (
    HOSTILE_TITLE,
    DeskSite,
    make_site,
    page_token,
    running,
    sign_in,
    write_site,
)
from tests.desk.test_browser import (
    NO_SIDEWAYS_SCROLL,
    PHONE,
    open_page,
    sign_in_with_the_keyboard,
)

NEWS_TITLE = "Азербайджанская продукция покоряет международную выставку в Дубае"
THIRD_TITLE = "Третья новость дня"
EDITIONS = """
[[editions]]
slug = "daily"
title = "Главное за день"
show = "all"
max_articles = 3

[[editions]]
slug = "evening"
title = "Вечерний выпуск"
show = "all"
max_articles = 5
"""


def write_article(root: Path, name: str, title: str, language: str = "ru") -> Path:
    path = root / f"{name}.json"
    body = "Короткий текст." if language == "ru" else "Qısa mətn."
    article = {
        "title": title, "date": "2026-01-30T10:00:00+04:00", "category": "Общество",
        "url": f"https://minval.az/news/{name}", "language": language, "body": [body],
    }  # fmt: skip
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[DeskSite]:
    root = tmp_path_factory.mktemp("editions-site")
    _, episodes = make_site(root)
    with (root / "audiocast.toml").open("a", encoding="utf-8") as toml:
        toml.write(EDITIONS)
    settings = load_settings(root)
    pipeline = Pipeline(settings)
    for name, title, language in (("third", THIRD_TITLE, "ru"), ("az", "Azərbaycan xəbəri", "az")):
        made = pipeline.make_episode(str(write_article(root, name, title, language)))
        episodes[name] = made.folder.name
    app = create_app(settings, warm_up=False)
    with running(app) as url:
        yield DeskSite(settings, root, url, app, episodes)


@pytest.fixture
def anna(site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=30) as web:
        assert sign_in(web, "anna").status_code == 303
        yield web


def job_count(site: DeskSite) -> int:
    return len(site.app.state.desk.jobs.recent_jobs(10_000))


def make(web: httpx.Client, fields: list[tuple[str, str]], token: str = "") -> httpx.Response:
    token = token or page_token(web.get("/editions/").text)
    headers = {"Origin": str(web.base_url).rstrip("/"),
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    body = urlencode([("csrf_token", token), *fields])
    return web.post("/editions/", content=body, headers=headers)


def picked_in(html: str) -> list[str]:
    """The picked list's titles, in the page's order."""
    block = html.split('id="edition-picked"')[1].split("</ol>")[0]
    return re.findall(r"data-picked-title>([^<]*)<", block)


def headlines_in(html: str) -> list[str]:
    block = html.split('id="edition-headlines"')[1].split("</ol>")[0]
    return [line.strip() for line in re.findall(r"<li>([^<]*)</li>", block)]


def chapter_titles(site: DeskSite, episode_id: str) -> list[str]:
    document = json.loads((site.settings.episodes_dir / episode_id / CHAPTERS_FILE).read_text())
    return [chapter["title"] for chapter in document["chapters"]]


def wait_until_finished(site: DeskSite, count: int, timeout: float = 120) -> list:
    """The newest COUNT jobs once they have all finished, newest first."""
    jobs = site.app.state.desk.jobs
    deadline = time.monotonic() + timeout
    while True:
        recent = jobs.recent_jobs(count)
        if all(job.finished for job in recent):
            return recent
        assert time.monotonic() < deadline, recent
        time.sleep(0.2)


def test_with_no_edition_configured_the_page_offers_what_the_cli_makes(tmp_path):
    choice = edition_choice(write_site(tmp_path))
    assert [(e.slug, e.title, e.show) for e in choice.editions] == [
        ("daily", "Главное за день", "all")
    ]
    assert "audiocast edition" in choice.note and "[[editions]]" in choice.note


def test_moves_keep_every_article_once():
    assert moved(["a", "b", "c"], "up:c") == (["a", "c", "b"], "c")
    assert moved(["a", "b", "c"], "down:a") == (["b", "a", "c"], "a")
    assert moved(["a", "b", "c"], "up:a") == (["a", "b", "c"], "a")  # first already
    assert moved(["a", "b", "c"], "remove:b") == (["a", "c"], "")
    assert moved(["a", "b"], "up:zzz") == (["a", "b"], "")


def test_the_page_lists_the_voiced_articles_and_the_editions(site, anna):
    page = anna.get("/editions/")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/editions/" aria-current="page">Подборки</a>' in html
    assert '<option value="daily" selected>Главное за день</option>' in html
    assert '<option value="evening">Вечерний выпуск</option>' in html
    offered = re.findall(r'data-candidate="([^"]+)"', html)
    episodes = site.episodes
    # newest first; the Azerbaijani article is not offered to a Russian edition
    assert offered == [episodes["third"], episodes["hostile"], episodes["news"]]
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html
    assert "<script>window.pwned" not in html
    assert "Собрать и опубликовать" in html and "Найдено: 3" in html
    found = anna.get("/editions/", params={"q": "третья"}).text
    assert re.findall(r'data-candidate="([^"]+)"', found) == [episodes["third"]]
    evening = anna.get("/editions/", params={"edition": "evening", "category": "Экономика"})
    assert re.findall(r'data-candidate="([^"]+)"', evening.text) == [episodes["news"]]
    assert "В подборке «Вечерний выпуск»" in evening.text


def test_the_buttons_reorder_the_list_and_the_preview_follows(site, anna):
    episodes = site.episodes
    state = [("edition", "daily"), ("picked", episodes["news"])]
    added = anna.get("/editions/", params=[*state, ("add", episodes["third"])])
    assert added.status_code == 303
    location = added.headers["location"]
    assert location.endswith(f"#picked-{episodes['third']}")
    assert parse_qsl(urlsplit(location).query) == [
        ("edition", "daily"),
        ("picked", episodes["news"]),
        ("picked", episodes["third"]),
    ]
    page = anna.get(location).text
    assert picked_in(page) == [NEWS_TITLE, THIRD_TITLE]
    assert headlines_in(page) == [NEWS_TITLE, THIRD_TITLE]
    assert f"В выпуске: {NEWS_TITLE}; {THIRD_TITLE}." in page
    assert episodes["third"] not in re.findall(r'data-candidate="([^"]+)"', page)

    up = anna.get(location.split("#")[0] + f"&move=up:{episodes['third']}")
    assert up.status_code == 303
    page = anna.get(up.headers["location"]).text
    assert picked_in(page) == [THIRD_TITLE, NEWS_TITLE]
    assert headlines_in(page) == [THIRD_TITLE, NEWS_TITLE]
    assert f"В выпуске: {THIRD_TITLE}; {NEWS_TITLE}." in page

    preview = anna.get("/editions/preview.json", params=[
        ("edition", "daily"), ("picked", episodes["news"]), ("picked", episodes["third"])
    ])  # fmt: skip
    assert preview.status_code == 200 and preview.headers["cache-control"] == "no-store"
    body = preview.json()
    assert body["headlines"] == [NEWS_TITLE, THIRD_TITLE]
    assert body["title"].startswith("Главное за день — ")
    assert " ".join(body["lines"]).endswith(f"В выпуске: {NEWS_TITLE}; {THIRD_TITLE}.")
    wrong = anna.get("/editions/preview.json", params={"picked": episodes["az"]})
    assert wrong.status_code == 400 and "на языке «az»" in wrong.json()["error"]


def bad_lists(site: DeskSite) -> list[tuple[list, str]]:
    news, third, hostile, az = (site.episodes[n] for n in ("news", "third", "hostile", "az"))
    return [
        ([("edition", "daily")], "Не выбрано ни одной статьи"),
        ([("edition", "weekly"), ("picked", news)], "Нет такой подборки: «weekly»"),
        ([("edition", "daily"), ("edition", "evening"), ("picked", news)],
         "Выберите одну подборку"),
        ([("picked", "ffffffffffffffff")], "Такого выпуска в хранилище нет: «ffffffffffffffff»"),
        ([("picked", "../../etc")], "Такого выпуска в хранилище нет"),
        ([("picked", "<script>alert(1)</script>")], "«&lt;script&gt;alert(1)&lt;/script&gt;»"),
        ([("picked", az)], "на языке «az», а подборка — на «ru»"),
        ([("picked", hostile), ("picked", news), ("picked", third), ("picked", az)],
         "Слишком много статей: 4. В подборку «Главное за день» входит не больше 3"),
        ([("picked", news)] * 300, "Слишком много статей за раз"),
    ]  # fmt: skip


def test_bad_lists_get_one_sentence_in_russian_and_queue_nothing(site, anna):
    count = job_count(site)
    token = page_token(anna.get("/editions/").text)
    for fields, message in bad_lists(site):
        answer = make(anna, fields, token)
        assert answer.status_code == 400, (fields[:3], answer.status_code)
        assert message in answer.text, (fields[:3], message)
        assert answer.text.count('role="alert"') == 1, fields[:3]
        assert "Traceback" not in answer.text and "<script>alert" not in answer.text
    # an excluded article is not voiced for the podcast: not for an edition either
    exclude(site.settings, site.episodes["third"], "anna", "проверка")
    try:
        answer = make(anna, [("picked", site.episodes["third"])], token)
        assert answer.status_code == 400 and "сейчас «исключена»" in answer.text
    finally:
        include(site.settings, site.episodes["third"], "anna")
    # adding to a full list says so, and keeps the list
    full = [("picked", site.episodes[name]) for name in ("news", "third", "hostile")]
    answer = anna.get("/editions/", params=[*full, ("add", site.episodes["az"])])
    assert answer.status_code == 400 and "на языке «az»" in answer.text
    answer = anna.get("/editions/", params=[*full[:2], ("add", "ffffffffffffffff")])
    assert answer.status_code == 400 and "Такого выпуска в хранилище нет" in answer.text
    assert job_count(site) == count


def test_a_viewer_may_look_but_not_make_and_a_form_needs_its_token(site, anna):
    count = job_count(site)
    picked = [("picked", site.episodes["news"])]
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=30) as vera:
        assert sign_in(vera, "vera").status_code == 303
        page = vera.get("/editions/")
        assert page.status_code == 200 and 'action="/editions/"' in page.text
        assert 'id="edition-make"' not in page.text and "только редактор" in page.text
        refused = make(vera, picked, page_token(page.text))
        assert refused.status_code == 403 and VIEWER_REFUSED in refused.text
    origin = {"Origin": site.url.rstrip("/")}
    bare = anna.post("/editions/", data=dict(picked), headers=origin)
    assert bare.status_code == 403 and "Запрос отклонён" in bare.text
    token = page_token(anna.get("/editions/").text)
    elsewhere = anna.post("/editions/", data={**dict(picked), "csrf_token": token},
                          headers={"Origin": "https://evil.example"})  # fmt: skip
    assert elsewhere.status_code == 403
    assert job_count(site) == count


def test_making_an_edition_queues_it_and_the_build_that_publishes_it(site, anna):
    third, news = site.episodes["third"], site.episodes["news"]
    answer = make(anna, [("edition", "daily"), ("picked", third), ("picked", news)])
    assert answer.status_code == 303 and answer.headers["location"] == "/jobs/"
    build, edition = wait_until_finished(site, 2)
    assert (edition.kind, edition.state, build.kind, build.state) == (
        "edition",
        "done",
        "build",
        "done",
    ), (edition.message, build.message)
    assert edition.arguments["articles"] == [{"episode": third}, {"episode": news}]
    assert edition.requested_by == build.requested_by == "anna"
    assert chapter_titles(site, edition.result) == [
        "Вступление",
        THIRD_TITLE,
        NEWS_TITLE,
        "Завершение",
    ]
    info = json.loads((site.settings.episodes_dir / edition.result / "episode.json").read_text())
    assert info["title"].startswith("Главное за день — ")
    feed = (site.settings.public_dir / "all" / "feed.xml").read_text(encoding="utf-8")
    assert info["title"] in feed
    journal = anna.get("/journal/").text
    assert "собран выпуск" in journal and "собран сайт" in journal
    # the edition itself is not offered for an edition, and cannot be picked by hand
    page = anna.get("/editions/").text
    assert edition.result not in re.findall(r'data-candidate="([^"]+)"', page)
    refused = make(anna, [("picked", edition.result)])
    assert refused.status_code == 400 and "сама выпуск-подборка" in refused.text


def test_an_editor_orders_an_edition_by_buttons_and_drag_and_finds_it_in_its_chapters(
    browser, site
):
    url, episodes = site.url, site.episodes
    context, page, problems = open_page(browser)
    try:
        sign_in_with_the_keyboard(page, url)
        page.get_by_role("navigation", name="Разделы стола").get_by_role(
            "link", name="Подборки"
        ).click()
        page.wait_for_url(url + "editions/")
        page.get_by_label("Подборка", exact=True).select_option("evening")
        page.get_by_role("button", name="Показать").click()
        page.wait_for_url(re.compile(re.escape(url + "editions/?edition=evening")))  # loaded
        expect(page.locator("#picked-heading")).to_have_text("В подборке «Вечерний выпуск»")
        page.evaluate("window.marker = 'same document'")

        for name in ("news", "hostile", "third"):  # added in place, focus to the next
            page.locator(f'[data-candidate="{episodes[name]}"] button').click()
        picked = page.locator("#edition-picked [data-picked-title]")
        headlines = page.locator("#edition-headlines li")
        expect(picked).to_have_text([NEWS_TITLE, HOSTILE_TITLE, THIRD_TITLE])
        expect(headlines).to_have_text([NEWS_TITLE, HOSTILE_TITLE, THIRD_TITLE])
        expect(page.locator("#picked-count")).to_have_text("Выбрано 3 из 5.")

        # «Выше» with the keyboard: the third article goes up, the focus stays on its button
        up = page.locator(f"#picked-{episodes['third']} button", has_text="Выше")
        up.focus()
        page.keyboard.press("Enter")
        expect(picked).to_have_text([NEWS_TITLE, THIRD_TITLE, HOSTILE_TITLE])
        expect(up).to_be_focused()
        expect(page.locator("#edition-live")).to_have_text(f"«{THIRD_TITLE}» — место 2 из 3.")
        expect(headlines).to_have_text([NEWS_TITLE, THIRD_TITLE, HOSTILE_TITLE])

        # dragged down onto the last one, the first takes its place
        first = page.locator(f"#picked-{episodes['news']}")
        first.drag_to(page.locator(f"#picked-{episodes['hostile']}"))
        order = [THIRD_TITLE, HOSTILE_TITLE, NEWS_TITLE]
        expect(picked).to_have_text(order)
        expect(page.locator("#edition-live")).to_have_text(f"«{NEWS_TITLE}» — место 3 из 3.")
        expect(headlines).to_have_text(order)
        expect(page.locator(".edition-intro")).to_contain_text(f"В выпуске: {'; '.join(order)}.")
        assert page.evaluate("window.marker") == "same document"
        # the address keeps the list: a reload shows the same order, from the desk
        page.reload()
        expect(picked).to_have_text(order)
        expect(headlines).to_have_text(order)

        page.get_by_role("button", name="Собрать и опубликовать").click()
        page.wait_for_url(url + "jobs/")
        rows = page.locator(".desk-job")
        expect(rows.nth(0)).to_have_attribute("data-job-state", "done", timeout=120_000)
        expect(rows.nth(1)).to_have_attribute("data-job-state", "done")
        assert page.evaluate("window.pwned") is None
        assert problems == [], problems
    finally:
        context.close()
    build, edition = site.app.state.desk.jobs.recent_jobs(2)
    assert (edition.kind, edition.state, build.kind) == ("edition", "done", "build")
    assert chapter_titles(site, edition.result) == ["Вступление", *order, "Завершение"]


def test_the_editions_page_fits_a_phone(browser, site):
    url, episodes = site.url, site.episodes
    context, page, problems = open_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        sign_in_with_the_keyboard(page, url)
        query = urlencode([("picked", episodes["hostile"]), ("picked", episodes["news"])])
        page.goto(url + "editions/?" + query)
        expect(page.locator("#edition-picked [data-picked]")).to_have_count(2)
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert problems == [], problems
    finally:
        context.close()
