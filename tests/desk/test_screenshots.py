"""Screenshots of the desk, taken by the tests in real Chromium, signed in as an editor: the
articles list, one article (the script beside the text, its changed words highlighted), the
lexicon, the jobs page with a job the editor has just seen finish, and the list on a phone.

The committed images in docs/images/desk/ (shown in docs/desk.md and the README) are made by
this module: `AUDIOCAST_SCREENSHOTS=docs/images/desk .venv/bin/python -m pytest -n0
tests/desk/test_screenshots.py` (a relative folder is taken from the repository's root).
Without the variable the images go to a temporary folder, and the tests still check each one:
a PNG that opens, of the viewport's size, small, not blank, and a page that showed what it
should."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.desk.conftest import DeskSite, serving_site
from tests.desk.test_browser import NO_SIDEWAYS_SCROLL, PHONE, sign_in_with_the_keyboard
from tests.screenshots import screenshot_folder
from tests.screenshots import shoot as take_screenshot

DESKTOP = {"width": 1280, "height": 860}
TALL = {"width": 1280, "height": 1440}  # a page whose point is below the first screenful
MAX_BYTES = 120_000  # each committed image: the repository stays light
NEWS_TITLE = "Азербайджанская продукция"  # its title in sync's records


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[DeskSite]:
    with serving_site(tmp_path_factory.mktemp("screenshots-site")) as site:
        yield site


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Where the images go (tests/screenshots.py)."""
    return screenshot_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def editor(browser, site) -> Iterator[BrowserContext]:
    """A desktop browser signed in as the editor anna (with the keyboard, as a person would)."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_with_the_keyboard(page, site.url)
    page.close()
    yield context
    context.close()


def open_page(context: BrowserContext, url: str) -> tuple[Page, list[str]]:
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return page, problems


def shoot(page: Page, folder: Path, name: str) -> Image.Image:
    """The viewport as FOLDER/NAME.png, checked (tests/screenshots.py)."""
    return take_screenshot(page, folder, name, MAX_BYTES)


def test_the_articles_list(editor, site, folder):
    page, problems = open_page(editor, site.url + "articles/")
    expect(page.locator("main h1")).to_have_text("Статьи")
    expect(page.locator(".desk-article")).to_have_count(5)
    expect(page.locator(".desk-article-title", has_text=NEWS_TITLE)).to_be_in_viewport()
    shoot(page, folder, "articles")
    assert problems == [], problems


def test_an_article_with_its_script_beside_the_text(editor, site, folder):
    page, problems = open_page(editor, site.url + f"articles/{site.episodes['news']}/")
    page.set_viewport_size(TALL)  # taller: the title, the forms and the script in one image
    expect(page.locator("main h1")).to_have_text(NEWS_TITLE)
    expect(page.locator("main h1")).to_be_in_viewport(ratio=1)
    head = page.locator(".desk-script-head")  # «Написано» and «Сказано», over the two columns
    expect(head).to_be_in_viewport(ratio=1)
    change = page.locator("mark.desk-change", has_text="сорока").first  # «более 40»
    expect(change).to_be_in_viewport()
    # the written text and the spoken script side by side: the same row, two columns
    line = page.locator(".desk-script .desk-line").first
    written, spoken = line.locator(".desk-written"), line.locator(".desk-spoken")
    written_box, spoken_box = written.bounding_box(), spoken.bounding_box()
    assert written_box and spoken_box and spoken_box["x"] > written_box["x"] + written_box["width"]
    assert abs(spoken_box["y"] - written_box["y"]) < 20
    shoot(page, folder, "article")
    assert problems == [], problems


def test_the_lexicon(editor, site, folder):
    page, problems = open_page(editor, site.url + "lexicon/")
    expect(page.locator("main h1")).to_have_text("Словарь")
    page.set_viewport_size(TALL)  # the form for a new entry, then the first entries
    entries = page.locator(".lexicon-entry")
    expect(page.locator("#entries-count")).to_be_in_viewport(ratio=1)
    expect(entries.nth(3)).to_be_in_viewport(ratio=1)
    expect(entries.first.get_by_role("button", name="Послушать")).to_be_visible()
    shoot(page, folder, "lexicon")
    assert problems == [], problems


def test_the_jobs_page_after_a_voicing_the_editor_started(editor, site, folder):
    page, problems = open_page(editor, site.url + f"articles/{site.episodes['news']}/")
    page.get_by_role("button", name="Озвучить заново").click()
    page.wait_for_url(site.url + "jobs/")
    voiced = page.locator(".desk-job").first
    expect(voiced).to_have_attribute("data-job-state", "done", timeout=60_000)
    expect(voiced.locator(".desk-job-title")).to_contain_text(NEWS_TITLE)
    page.get_by_role("button", name="Собрать сайт").click()  # a second job: the site's build
    rows = page.locator(".desk-job")
    expect(rows).to_have_count(2)
    for row in rows.all():
        expect(row).to_have_attribute("data-job-state", "done", timeout=60_000)
        expect(row.locator(".desk-job-state")).to_have_text("готово")
        expect(row).to_be_in_viewport(ratio=1)
    expect(rows.first.locator(".desk-job-title")).to_contain_text("сборка")
    shoot(page, folder, "jobs")
    assert problems == [], problems


def test_the_articles_list_on_a_phone(browser, site, folder):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in_with_the_keyboard(page, site.url)
        expect(page.locator("main h1")).to_be_in_viewport()
        expect(page.locator(".desk-article").first).to_be_in_viewport()
        page.wait_for_function(NO_SIDEWAYS_SCROLL)
        shoot(page, folder, "articles-phone")
        # every section of the desk within reach: none of the links pushed off the screen
        width = PHONE["width"]
        for link in page.locator("header nav a").all():
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, link.inner_text()
    finally:
        context.close()
