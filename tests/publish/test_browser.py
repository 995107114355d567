"""The pages and the global player in real headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright; no browser is downloaded), served by `audiocast serve`'s own server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from audiocast.publish.build import build
from tests.publish.conftest import Servers, synthetic_settings, write_episode
from tests.publish.test_languages import pages_in_three_languages
from tests.publish.test_pages import HOSTILE_TITLE

AUDIO = "window.audiocastPlayer.audio"
PLAYING = f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.3"


@pytest.fixture(scope="module")
def servers():
    """Servers for this module's folders, stopped after its last test."""
    running = Servers()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def site(real_site, servers) -> str:
    return servers(real_site.public_dir)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def episode_of(real_site, needle: str) -> dict:
    for path in real_site.episodes_dir.glob("*/episode.json"):
        info = json.loads(path.read_text("utf-8"))
        if needle in info["title"]:
            return info
    raise AssertionError(needle)


def audio_state(page: Page) -> dict:
    return page.evaluate(
        f"() => ({{src: {AUDIO}.src, time: {AUDIO}.currentTime, paused: {AUDIO}.paused,"
        " marker: window.marker, rate: " + AUDIO + ".playbackRate})"
    )


def test_playback_continues_across_links_and_the_back_button(page, site, real_site):
    news = episode_of(real_site, "Дубае")
    page.goto(site + f"episodes/{news['episode_id']}/")
    page.get_by_role("button", name="Слушать", exact=True).click()
    page.wait_for_function(PLAYING)
    page.evaluate("window.marker = 'same document'")
    source = audio_state(page)["src"]
    assert source == site + f"episodes/{news['episode_id']}/episode.mp3"

    page.get_by_role("navigation", name="Подкаст").get_by_role("link").first.click()
    page.wait_for_url(site + "politika/")
    expect(page.locator("main h1")).to_have_text("Minval Politika")
    before = audio_state(page)
    page.wait_for_timeout(700)
    after = audio_state(page)
    assert after["marker"] == "same document"  # no page load happened
    assert after["src"] == source and not after["paused"]
    assert after["time"] > before["time"] + 0.3
    # the list's button for the playing episode shows that it plays
    playing = page.locator("main [data-audiocast-play][aria-pressed='true']")
    expect(playing).to_have_count(1)
    expect(playing).to_have_text("Пауза")

    page.go_back()
    page.wait_for_url(site + f"episodes/{news['episode_id']}/")
    expect(page.locator("main h1")).to_have_text(news["title"])
    assert page.title().startswith(news["title"])
    state = audio_state(page)
    assert state["marker"] == "same document" and not state["paused"]
    assert state["time"] > after["time"]
    page.go_forward()
    page.wait_for_url(site + "politika/")
    expect(page.locator("main h1")).to_have_text("Minval Politika")


def test_a_chapter_click_seeks_there(page, site, real_site):
    news = episode_of(real_site, "Дубае")
    chapter = news["chapters"][-1]  # the outro, well into the episode
    page.goto(site + f"episodes/{news['episode_id']}/")
    page.locator("ol.chapters button", has_text=chapter["title"]).click()
    page.wait_for_function(PLAYING)
    position = audio_state(page)["time"]
    assert chapter["start"] - 0.1 <= position < chapter["start"] + 1.5
    current = page.locator("ol.chapters .ac-current")
    expect(current).to_contain_text(chapter["title"])
    expect(current).to_have_attribute("aria-current", "true")


def test_the_transcript_highlight_follows_playback(page, site, real_site):
    news = episode_of(real_site, "Дубае")
    page.goto(site + f"episodes/{news['episode_id']}/")
    cues = page.locator(".transcript .cue")
    starts = [float(s) for s in cues.evaluate_all("cs => cs.map(c => c.dataset.audiocastSeek)")]
    # the shortest sentence after the title: the highlight has to leave it soon
    clicked = min(range(2, len(starts) - 2), key=lambda i: starts[i + 1] - starts[i])
    cues.nth(clicked).click()  # click-to-seek
    page.wait_for_function(PLAYING)
    assert audio_state(page)["time"] == pytest.approx(starts[clicked], abs=1.0)
    expect(page.locator(".transcript .ac-current")).to_have_text(cues.nth(clicked).inner_text())

    page.get_by_label("Скорость").select_option("2")
    assert audio_state(page)["rate"] == 2
    page.wait_for_function(f"() => {AUDIO}.currentTime > {starts[clicked + 1] + 0.3}")
    highlighted = page.evaluate(
        f"""() => {{
            const cues = [...document.querySelectorAll('.transcript .cue')];
            const index = cues.findIndex(c => c.classList.contains('ac-current'));
            return {{index, time: {AUDIO}.currentTime,
                     count: document.querySelectorAll('.transcript .ac-current').length}};
        }}"""
    )
    assert highlighted["count"] == 1 and highlighted["index"] > clicked
    index, now = highlighted["index"], highlighted["time"]
    # the highlight moves every animation frame: at most a frame (at 2×) behind the voice
    assert starts[index] <= now + 0.05
    assert index == len(starts) - 1 or now < starts[index + 1] + 0.1


def test_queue_skips_speed_and_the_lock_screen(page, site, real_site):
    news = episode_of(real_site, "Дубае")
    note = episode_of(real_site, "Кремль")
    page.goto(site + "politika/")
    note_card = page.locator("article.episode-card", has_text=note["title"])
    news_card = page.locator("article.episode-card", has_text=news["title"])
    note_card.get_by_role("button", name="В очередь").click()
    expect(page.get_by_role("button", name="Очередь (1)")).to_be_visible()
    news_card.get_by_role("button", name="Слушать").click()
    page.wait_for_function(PLAYING)

    page.get_by_role("button", name="Вперёд на 15 секунд").click()
    assert audio_state(page)["time"] >= 15
    page.get_by_role("button", name="Назад на 15 секунд").click()
    assert audio_state(page)["time"] < 10
    page.get_by_label("Скорость").select_option("1.5")
    assert audio_state(page)["rate"] == 1.5
    assert page.evaluate("navigator.mediaSession.metadata.title") == news["title"]
    assert page.evaluate("navigator.mediaSession.metadata.artist") == "Minval Politika"

    page.get_by_role("button", name="Очередь (1)").click()
    expect(page.locator(".ac-queue-list li")).to_have_text([note["title"] + "▶\ufe0e×"])
    page.evaluate(f"{AUDIO}.currentTime = {AUDIO}.duration - 0.5")  # to the end: next in queue
    page.wait_for_function(f"() => {AUDIO}.src.includes('{note['episode_id']}')")
    page.wait_for_function(PLAYING)
    assert page.evaluate("navigator.mediaSession.metadata.title") == note["title"]
    expect(page.get_by_role("button", name="Очередь (0)")).to_be_visible()
    assert audio_state(page)["rate"] == 1.5  # the chosen speed carries over
    stored = json.loads(page.evaluate("localStorage.getItem('audiocast:player:v1')"))
    assert stored["current"]["title"] == note["title"] and stored["rate"] == 1.5


def test_embedded_listen_button_plays_and_offers_to_resume(page, site, real_site, servers):
    news = episode_of(real_site, "Дубае")
    newsroom = real_site.root / "newsroom"
    newsroom.mkdir(exist_ok=True)
    (newsroom / "article.html").write_text(
        f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Статья</title>
        <script src="{site}static/player.js" defer></script></head><body>
        <article><h1>Статья на сайте новостей</h1>
        <button id="listen" data-audiocast-play="{site}episodes/{news["episode_id"]}/episode.json"
        >Слушать статью</button><p><a href="other.html">Другая статья</a></p></article>
        </body></html>""",
        encoding="utf-8",
    )
    article = servers(newsroom) + "article.html"
    assert not article.startswith(site)  # another origin, as the news site is

    page.goto(article)
    page.locator("#listen").click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 2.2")
    expect(page.locator(".ac-title")).to_have_text(news["title"])
    assert page.evaluate("getComputedStyle(document.querySelector('.ac-bar')).position") == "fixed"

    page.reload()  # a full page load, as following a link on the news site is
    resume = page.locator(".ac-resume")
    expect(resume).to_be_visible()
    expect(resume).to_contain_text(news["title"])
    expect(resume).to_contain_text("с 0:02")
    assert audio_state(page)["paused"]
    page.get_by_role("button", name="Продолжить").click()
    page.wait_for_function(PLAYING)
    assert 2.0 <= audio_state(page)["time"] < 5
    expect(resume).to_be_hidden()


def test_a_title_with_markup_is_text_on_the_page_and_in_the_player(page, servers, tmp_path):
    settings = synthetic_settings(tmp_path)
    folder = write_episode(settings.episodes_dir, 1, title=HOSTILE_TITLE)
    build(settings)
    base = servers(settings.public_dir)
    page.goto(base + f"episodes/{folder.name}/")
    expect(page.locator("main h1")).to_have_text(HOSTILE_TITLE)
    page.get_by_role("button", name="В очередь").click()
    page.get_by_role("button", name="Очередь (1)").click()
    expect(page.locator(".ac-queue-title")).to_have_text(HOSTILE_TITLE)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("script:not([src])").count() == 0


def test_the_transcript_is_one_tab_stop_walked_with_the_arrow_keys(page, site, real_site):
    news = episode_of(real_site, "Дубае")
    page.goto(site + f"episodes/{news['episode_id']}/")
    cues = page.locator(".transcript .cue")
    count = cues.count()
    assert count > 10
    expect(page.locator('.transcript .cue[tabindex="0"]')).to_have_count(1)
    expect(page.locator('.transcript .cue[tabindex="-1"]')).to_have_count(count - 1)
    cues.first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(cues.nth(2)).to_be_focused()
    expect(cues.nth(2)).to_have_attribute("tabindex", "0")
    page.keyboard.press("End")
    expect(cues.nth(count - 1)).to_be_focused()
    page.keyboard.press("Home")
    expect(cues.first).to_be_focused()
    page.keyboard.press("ArrowUp")  # at the first: stays
    expect(cues.first).to_be_focused()
    page.keyboard.press("Tab")  # leaves the transcript at once, not after every sentence
    assert page.evaluate("document.activeElement.closest('.transcript')") is None
    expect(page.locator('.transcript .cue[tabindex="0"]')).to_have_count(1)


def test_an_episode_heard_to_the_end_is_not_offered_to_resume(page, site, real_site):
    news = episode_of(real_site, "Кремль")
    page.goto(site + f"episodes/{news['episode_id']}/")
    page.locator("main").get_by_role("button", name="Слушать").first.click()
    page.wait_for_function(PLAYING)
    page.evaluate(f"() => {{ {AUDIO}.currentTime = {AUDIO}.duration - 0.5; }}")
    page.wait_for_function(f"() => {AUDIO}.ended")
    page.reload()
    expect(page.locator(".ac-title")).to_have_text(news["title"])  # still the last episode
    expect(page.locator(".ac-resume")).to_be_hidden()


def test_malformed_episode_data_is_reported_not_thrown(page, site, servers, tmp_path):
    newsroom = tmp_path / "newsroom"
    newsroom.mkdir()
    (newsroom / "article.html").write_text(
        f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Статья</title>
        <script src="{site}static/player.js" defer></script></head><body>
        <button id="listen" data-audiocast-play='{{"id": "1", "src": '>Слушать</button>
        </body></html>""",
        encoding="utf-8",
    )
    page.goto(servers(newsroom) + "article.html")
    page.locator("#listen").click()
    # the page fixture fails the test on any uncaught error; the status region says why
    expect(page.get_by_role("status")).to_have_text(
        "Не удалось открыть выпуск: данные выпуска на странице не читаются"
    )


@pytest.fixture(scope="module")
def three_languages(tmp_path_factory, servers) -> tuple[str, str]:
    """A site whose shows are in Russian (the site's language), English and Azerbaijani, an
    episode in each (synthetic: its audio does not play); its address and the English
    episode's title."""
    settings, _ = pages_in_three_languages(tmp_path_factory.mktemp("three-languages"))
    return servers(settings.public_dir), "Five new tram lines"  # as pages_in_three_languages


def test_the_player_speaks_the_pages_language_and_follows_it_to_the_next_page(
    page, three_languages
):
    site, title = three_languages
    page.goto(site + "news/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.evaluate("window.marker = 'same document'")
    page.locator("main").get_by_role("button", name="Add to queue").click()
    expect(page.get_by_role("status")).to_have_text(f"Added to the queue: “{title}”")
    bar = page.locator(".ac-bar")
    expect(bar).to_have_attribute("lang", "en")
    expect(bar).to_have_attribute("aria-label", "Audio player")
    expect(page.get_by_role("button", name="Queue (1)")).to_be_visible()
    expect(page.get_by_role("button", name="Back 15 seconds")).to_be_disabled()
    expect(page.get_by_label("Speed")).to_have_count(1)
    expect(page.locator(".ac-rate option[value='1.25']")).to_have_text("1.25×")
    page.locator("main").get_by_role("button", name="Add to queue").click()
    expect(page.get_by_role("status")).to_have_text(f"“{title}” is already in the queue")

    # the Podcast List is in the site's language: the bar and the words around <main> follow
    page.get_by_role("link", name="All podcasts").click()
    page.wait_for_url(site)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("button", name="Очередь (1)")).to_be_visible()
    expect(bar).to_have_attribute("aria-label", "Аудиоплеер")
    expect(page.get_by_role("button", name="Назад на 15 секунд")).to_be_disabled()
    expect(page.locator(".ac-rate option[value='1.25']")).to_have_text("1,25×")
    expect(page.get_by_role("link", name="Все подкасты")).to_be_visible()
    expect(page.locator("footer")).to_contain_text("аудиоверсии статей")
    assert page.evaluate("window.marker") == "same document"  # no page load happened

    page.get_by_role("link", name="Minval Xəbərlər").click()
    expect(page.locator("html")).to_have_attribute("lang", "az")
    expect(page.get_by_role("button", name="Növbə (1)")).to_be_visible()
    page.go_back()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("button", name="Очередь (1)")).to_be_visible()


def test_the_resume_offer_is_in_the_pages_language(page, three_languages):
    site, title = three_languages
    episode = {"id": f"{2:016x}", "title": title, "src": site + "x.mp3", "duration": 62}
    saved = {"current": episode, "position": 33.5, "queue": [], "rate": 1, "volume": 1}
    # in place before the player reads it (a page it leaves saves what it holds)
    page.add_init_script(f"localStorage.setItem('audiocast:player:v1', {json.dumps(saved)!r})")
    page.goto(site + "news/")
    expect(page.locator(".ac-resume-text")).to_have_text(f"Resume “{title}” from 0:33?")
    expect(page.get_by_role("button", name="Resume", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Don't resume")).to_be_visible()
    page.goto(site + "politika/")  # a full load of a Russian page: the same offer, in Russian
    expect(page.locator(".ac-resume-text")).to_have_text(f"Продолжить «{title}» с 0:33?")


def newsroom_page(folder: Path, site: str, tag: str, html_lang: str = "ru") -> None:
    folder.mkdir(exist_ok=True)
    item = json.dumps({"id": "a1", "title": "Статья", "src": site + "x.mp3"}, ensure_ascii=False)
    (folder / "article.html").write_text(
        f"""<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">
        <title>Article</title>{tag}</head><body>
        <button id="queue" data-audiocast-queue='{item}'>Queue it</button>
        </body></html>""",
        encoding="utf-8",
    )


def test_an_embed_speaks_russian_unless_its_script_tag_asks_for_another_language(
    page, site, servers, tmp_path
):
    # the old embed snippet, on a page in English: the player is Russian, as it always was
    newsroom = tmp_path / "newsroom"
    newsroom_page(newsroom, site, f'<script src="{site}static/player.js" defer></script>', "en")
    page.goto(servers(newsroom) + "article.html")
    page.locator("#queue").click()
    expect(page.get_by_role("status")).to_have_text("Добавлено в очередь: «Статья»")
    expect(page.get_by_role("button", name="Очередь (1)")).to_be_visible()
    assert page.evaluate("typeof window.audiocastPlayer.play") == "function"

    other = tmp_path / "other"  # another origin: a localStorage of its own
    tag = f'<script src="{site}static/player.js" data-audiocast-lang="az" defer></script>'
    newsroom_page(other, site, tag)
    page.goto(servers(other) + "article.html")
    page.locator("#queue").click()
    expect(page.get_by_role("status")).to_have_text("Növbəyə əlavə edildi: «Статья»")
    expect(page.locator(".ac-bar")).to_have_attribute("lang", "az")
    # the style sheet is found beside the loader, as before
    assert page.evaluate("getComputedStyle(document.querySelector('.ac-bar')).position") == "fixed"


def test_a_listen_button_pressed_while_the_player_loads_plays_once_it_is_ready(
    page, site, real_site, servers, tmp_path
):
    news = episode_of(real_site, "Дубае")
    newsroom = tmp_path / "newsroom"
    newsroom.mkdir()
    (newsroom / "article.html").write_text(
        f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Статья</title>
        <script src="{site}static/player.js" defer></script></head><body>
        <button id="listen" data-audiocast-play="{site}episodes/{news["episode_id"]}/episode.json"
        >Слушать статью</button></body></html>""",
        encoding="utf-8",
    )
    held = []
    page.route("**/static/player/main.js", lambda route: held.append(route))  # slow today
    page.goto(servers(newsroom) + "article.html", wait_until="domcontentloaded")
    page.locator("#listen").click()
    while not held:
        page.wait_for_timeout(50)
    assert page.evaluate("document.querySelector('.ac-bar')") is None  # not mounted yet
    held[0].continue_()
    page.wait_for_function("() => !!window.audiocastPlayer.audio")  # mounted
    page.wait_for_function(PLAYING)
    expect(page.locator(".ac-title")).to_have_text(news["title"])
