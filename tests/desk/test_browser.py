"""The desk in real headless Chromium (Debian's /usr/bin/chromium through Playwright, as
tests/publish/test_browser.py drives it): signing in with the keyboard, the list, a search that
keeps the page, an article's script with its changed words, the global player, and a phone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.desk.conftest import HOSTILE_TITLE, PASSWORDS
from tests.publish.test_browser import PLAYING

PHONE = {"width": 360, "height": 740}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def open_page(browser, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # a script or style the Content-Security-Policy blocked shows up as a console error
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return context, page, problems


def sign_in_with_the_keyboard(page: Page, url: str) -> None:
    page.goto(url + "articles/")
    page.wait_for_url(url + "login/?next=%2Farticles%2F")
    expect(page.get_by_label("Имя")).to_be_focused()
    page.keyboard.type("anna")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Пароль")).to_be_focused()
    page.keyboard.type(PASSWORDS["anna"])
    page.keyboard.press("Enter")
    page.wait_for_url(url + "articles/")


def test_an_editor_signs_in_searches_reads_the_script_and_listens(browser, desk_site):
    url = desk_site.url
    context, page, problems = open_page(browser)
    try:
        sign_in_with_the_keyboard(page, url)
        expect(page.locator("main h1")).to_have_text("Статьи")
        expect(page.locator(".desk-article")).to_have_count(5)

        # a search is followed in place: the same document, so a playing episode plays on
        page.evaluate("window.marker = 'same document'")
        search = page.get_by_label("Поиск по заголовку")
        search.fill("азерхим")
        search.press("Enter")
        page.wait_for_url(url + "articles/?q=%D0%B0%D0%B7%D0%B5%D1%80%D1%85%D0%B8%D0%BC")
        expect(page.locator(".desk-article")).to_have_count(1)
        assert page.evaluate("window.marker") == "same document"

        link = page.locator(".desk-article-title a")
        expect(link).to_have_text(HOSTILE_TITLE)  # the <script> in it is text
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(url + f"articles/{desk_site.episodes['hostile']}/")
        expect(page.locator("main h1")).to_have_text(HOSTILE_TITLE)
        assert page.evaluate("window.pwned") is None

        change = page.locator("mark.desk-change", has_text="триста восемьдесят долларов")
        expect(change).to_be_visible()
        expect(change.locator(".desk-was")).to_have_text(", написано: $380")

        page.locator("main").get_by_role("button", name="Слушать", exact=True).click()
        page.wait_for_function(PLAYING)
        expect(page.locator(".ac-title")).to_have_text(HOSTILE_TITLE)
        assert problems == [], problems
    finally:
        context.close()


def test_on_a_phone_nothing_scrolls_sideways(browser, desk_site):
    url = desk_site.url
    context, page, problems = open_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        sign_in_with_the_keyboard(page, url)
        page.wait_for_function(NO_SIDEWAYS_SCROLL)
        for episode in desk_site.episodes.values():
            page.goto(url + f"articles/{episode}/")
            expect(page.locator(".desk-script")).to_be_visible()
            assert page.evaluate(NO_SIDEWAYS_SCROLL), episode
        # the script's two columns stack, each line labelled
        expect(page.locator(".desk-written").first).to_contain_text("Написано:")
        assert problems == [], problems
    finally:
        context.close()
