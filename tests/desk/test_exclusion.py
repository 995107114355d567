"""«Исключить из подкаста» and «Вернуть в подкаст» against a real uvicorn: an editor's form (its
CSRF token taken from the page) takes an article out and the next build leaves it out of the
feed; the journal names who did it; a viewer, a form without its token and one from elsewhere
are refused; and the same in real Chromium. The desk runs on a site of its own (this module's),
so the shared desk_site keeps its articles as the other tests expect them."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import httpx
import podcastparser
import pytest
from playwright.sync_api import expect

from audiocast.desk.journal import EXCLUDED, INCLUDED, Journal
from audiocast.desk.roles import VIEWER_REFUSED_TITLE
from audiocast.publish.build import build
from audiocast.state import read_exclusions
from tests.desk.conftest import (
    HOSTILE_TITLE,
    PASSWORDS,
    DeskSite,
    page_token,
    serving_site,
    sign_in,
)

NEWS_TITLE = "Азербайджанская продукция"  # what record_sync calls the news article


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[DeskSite]:
    with serving_site(tmp_path_factory.mktemp("exclusion-site"), warm_up=False) as site:
        yield site


@contextlib.contextmanager
def signed_in(site: DeskSite, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=30) as web:
        assert sign_in(web, name).status_code == 303
        yield web


def post(web: httpx.Client, site: DeskSite, path: str, **data: str) -> httpx.Response:
    return web.post(path, data=data, headers={"Origin": site.url.rstrip("/")})


def feed_titles(site: DeskSite) -> set[str]:
    path = site.settings.public_dir / "all" / "feed.xml"
    with path.open("rb") as handle:
        return {episode["title"] for episode in podcastparser.parse("feed.xml", handle)["episodes"]}


def excluded_ids(site: DeskSite) -> frozenset[str]:
    return read_exclusions(site.state_path).episode_ids


def test_an_editor_excludes_through_the_form_and_the_build_leaves_it_out(site):
    news = site.episodes["news"]
    page = f"/articles/{news}/"
    build(site.settings)
    assert len(feed_titles(site)) == 2
    with signed_in(site, "anna") as anna:
        html = anna.get(page).text
        assert "Исключить из подкаста" in html and "Исключена из подкаста" not in html
        answer = post(anna, site, f"{page}exclude", csrf_token=page_token(html),
                      reason="<b>реклама</b>")  # fmt: skip
        assert answer.status_code == 303 and answer.headers["location"] == page

        html = anna.get(page).text
        assert "Исключена из подкаста" in html and ">исключена</span>" in html
        assert "Кто исключил: anna" in html and "&lt;b&gt;реклама&lt;/b&gt;" in html
        assert "Вернуть в подкаст" in html and "Исключить из подкаста" not in html
        listed = anna.get("/articles/?status=excluded").text
        assert NEWS_TITLE in listed and "Найдено: 1" in listed
        assert '<option value="excluded" selected>исключена</option>' in listed

        build(site.settings)
        assert feed_titles(site) == {HOSTILE_TITLE}
        assert (site.settings.episodes_dir / news / "episode.mp3").is_file()

        answer = post(anna, site, f"{page}include", csrf_token=page_token(html))
        assert answer.status_code == 303 and answer.headers["location"] == page
        html = anna.get(page).text
        assert "Исключена из подкаста" not in html and ">озвучена</span>" in html
    build(site.settings)
    assert len(feed_titles(site)) == 2
    journal = [(e.user_name, e.action, e.subject) for e in Journal.of(site.settings).entries()]
    assert journal[:2] == [("anna", INCLUDED, news), ("anna", EXCLUDED, news)]
    assert "реклама" in Journal.of(site.settings).entries()[1].detail


def test_a_viewer_sees_no_button_and_cannot_exclude(site):
    page = f"/articles/{site.episodes['hostile']}/"
    with signed_in(site, "vera") as vera:
        html = vera.get(page).text
        assert "Исключить из подкаста" not in html
        answer = post(vera, site, f"{page}exclude", csrf_token=page_token(html))
        assert answer.status_code == 403 and VIEWER_REFUSED_TITLE in answer.text
        answer = post(vera, site, f"{page}include", csrf_token=page_token(html))
        assert answer.status_code == 403
    assert site.episodes["hostile"] not in excluded_ids(site)


def test_a_form_without_its_token_or_from_elsewhere_is_refused(site):
    page = f"/articles/{site.episodes['hostile']}/"
    with signed_in(site, "anna") as anna:
        token = page_token(anna.get(page).text)
        assert post(anna, site, f"{page}exclude").status_code == 403
        assert post(anna, site, f"{page}exclude", csrf_token="x" * 43).status_code == 403
        elsewhere = anna.post(f"{page}exclude", data={"csrf_token": token},
                              headers={"Origin": "https://evil.example"})  # fmt: skip
        assert elsewhere.status_code == 403
        assert anna.get(f"{page}exclude").status_code == 405  # a link cannot exclude
        unknown = post(anna, site, "/articles/0123456789abcdef/exclude", csrf_token=token)
        assert unknown.status_code == 404
    assert not excluded_ids(site)


def test_in_chromium_the_buttons_take_it_out_and_put_it_back(browser, site):
    hostile = site.episodes["hostile"]
    page = browser.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(site.url + "login/")
    page.get_by_label("Имя").fill("anna")
    page.get_by_label("Пароль").fill(PASSWORDS["anna"])
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(site.url + "articles/")
    page.goto(site.url + f"articles/{hostile}/")
    page.get_by_label("Причина исключения (необязательно)").fill("проверка")
    page.get_by_role("button", name="Исключить из подкаста").click()
    expect(page.get_by_role("status").filter(has_text="Исключена из подкаста")).to_be_visible()
    assert re.search(rf"/articles/{hostile}/$", page.url)
    assert hostile in excluded_ids(site)
    page.get_by_role("button", name="Вернуть в подкаст").click()
    expect(page.get_by_role("button", name="Исключить из подкаста")).to_be_visible()
    assert hostile not in excluded_ids(site)
    assert page.evaluate("window.pwned") is None
    assert problems == [], problems
    page.close()
