"""One sentence of an article played alone (GET /articles/{id}/sentence.mp3?n=N) against a real
uvicorn, real espeak-ng and real ffmpeg, on a site of its own (the test changes its lexicon):
a real MP3 as long as its sentence, from the speech cache the episode filled (nothing
synthesized), the new form after a lexicon change, synthesized once and then read back; 404
pages for what does not exist; and, in real Chromium, a line played from the keyboard."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from audiocast.config import load_settings
from audiocast.desk.app import create_app
from audiocast.desk.desk_speech import desk_speech
from audiocast.files import write_atomically
from audiocast.pipeline import Pipeline
from tests.conftest import ARTICLES
from tests.desk.conftest import PASSWORDS, DeskSite, client, run_cli, running, sign_in, write_site

SAY = re.compile(r'data-desk-say="(\d+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[DeskSite]:
    """A site with one real episode, a viewer, and a lexicon file of its own (empty at
    first)."""
    root = tmp_path_factory.mktemp("sentences-site")
    settings = write_site(root)
    news = Pipeline(settings).make_episode(str(ARTICLES / "short-news.json")).folder.name
    code = run_cli("--site", str(root), "desk", "user", "add", "vera", "--role", "viewer",
                   stdin=PASSWORDS["vera"] + "\n")  # fmt: skip
    assert code == 0
    (root / "lexicon.toml").write_text("[words]\n", encoding="utf-8")
    with (root / "audiocast.toml").open("a", encoding="utf-8") as config:
        config.write('lexicon = "lexicon.toml"\n')
    settings = load_settings(root)
    episodes = {"news": news}
    app = create_app(settings, warm_up=False, run_jobs=False)
    with running(app) as url:
        yield DeskSite(settings, root, url, app, episodes)


@pytest.fixture(scope="module")
def vera(site) -> Iterator[httpx.Client]:
    """A viewer: listening is reading."""
    with client(site) as web:
        assert sign_in(web, "vera").status_code == 303
        yield web


def lines_of(web: httpx.Client, episode: str) -> list[tuple[int, str]]:
    """(number, the line's HTML) of each playable line of the article's page."""
    page = web.get(f"/articles/{episode}/")
    assert page.status_code == 200
    found = []
    for chunk in page.text.split('<li class="desk-line')[1:]:
        number = SAY.search(chunk)
        if number:
            found.append((int(number.group(1)), chunk.split("</li>")[0]))
    return found


def duration(data: bytes, folder: Path) -> float:
    path = folder / "sentence.mp3"
    path.write_bytes(data)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name",
         "-of", "default=noprint_wrappers=1", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "codec_name=mp3" in probe.stdout, probe.stdout
    return float(re.search(r"duration=([\d.]+)", probe.stdout).group(1))  # type: ignore[union-attr]


def sentence(web: httpx.Client, episode: str, number: int | str, **headers) -> httpx.Response:
    return web.get(f"/articles/{episode}/sentence.mp3", params={"n": number}, headers=headers)


def spoken_lines(site: DeskSite, episode: str) -> list[str]:
    """What the voice gets for each line of the article's script, as the desk wrote it."""
    desk = site.app.state.desk
    folder = desk.store.snapshot().episodes[episode].folder
    return [line.spoken for line in desk.scripts.for_episode(folder).lines]


def test_each_line_is_an_mp3_as_long_as_its_words_from_the_episodes_cache(site, vera, tmp_path):
    news = site.episodes["news"]
    lines = lines_of(vera, news)
    assert [number for number, _ in lines] == list(range(1, len(lines) + 1)) and len(lines) > 4
    assert 'aria-label="Прослушать предложение 3"' in lines[2][1]
    speech = desk_speech(site.app.state)
    before = speech.synthesized
    per_character = []
    sounds = set()
    spoken = spoken_lines(site, news)
    for number, _ in lines:
        answer = sentence(vera, news, number)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "audio/mpeg"
        assert answer.headers["cache-control"] == "private, no-cache" and answer.headers["etag"]
        seconds = duration(answer.content, tmp_path)
        assert seconds > 0.3
        per_character.append(seconds / len(spoken[number - 1]))
        sounds.add(answer.content)
    assert len(sounds) == len(lines)  # every line its own sound
    # the voice's pace is the same in every line: seconds per character within a factor of 3
    assert max(per_character) < 3 * min(per_character), per_character
    assert min(per_character) > 0.02 and max(per_character) < 0.2, per_character
    # the episode voiced these very sentences: all read from the speech cache
    assert speech.synthesized == before


def test_after_a_lexicon_change_a_line_says_the_new_form_synthesized_once(site, vera, tmp_path):
    news = site.episodes["news"]
    number, line = next((n, line) for n, line in lines_of(vera, news) if "Gulfood" in line)
    old = sentence(vera, news, number)
    assert old.status_code == 200
    speech = desk_speech(site.app.state)
    made_before = speech.synthesized
    write_atomically(site.root / "lexicon.toml",
                     '[words]\n"Gulfood" = "Галфуд"\n'.encode())  # fmt: skip
    changed = dict(lines_of(vera, news))[number]
    assert "Галфуд" in changed and "Галфуд" not in line  # the page shows the new form
    new = sentence(vera, news, number)
    assert new.status_code == 200 and new.content != old.content
    assert new.headers["etag"] != old.headers["etag"]
    assert speech.synthesized == made_before + 1  # the new sentence was spoken once ...
    cache_files = sorted((site.settings.cache_dir / "speech").rglob("*.wav"))
    again = sentence(vera, news, number)
    assert again.content == new.content
    assert speech.synthesized == made_before + 1  # ... and then read back
    assert sorted((site.settings.cache_dir / "speech").rglob("*.wav")) == cache_files
    unchanged = sentence(vera, news, number, **{"If-None-Match": new.headers["etag"]})
    assert unchanged.status_code == 304 and not unchanged.content
    assert duration(new.content, tmp_path) > 0.5


def test_a_line_or_article_that_does_not_exist_is_a_404_page(site, vera):
    news = site.episodes["news"]
    count = len(lines_of(vera, news))
    for number in (0, count + 1, "abc", "", "-1", "1e3"):
        answer = sentence(vera, news, number)
        assert answer.status_code == 404, number
        assert "text/html" in answer.headers["content-type"]
        assert "Нет такого предложения" in answer.text and f"от 1 до {count}" in answer.text
    unknown = sentence(vera, "ffffffffffffffff", 1)
    assert unknown.status_code == 404 and "Статья не найдена" in unknown.text


def test_nobody_signed_in_hears_nothing(site):
    with client(site) as web:
        answer = sentence(web, site.episodes["news"], 1)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login/")
    assert not answer.content.startswith((b"ID3", b"\xff\xfb"))


PLAYED = (
    "() => { const a = document.getElementById('desk-sentence-audio');"
    " return a && !a.hidden && (a.ended || a.currentTime > 0.2); }"
)
HEARD = (
    "n => { const said = document.getElementById('desk-sentence-status').textContent;"
    " return said === 'Звучит предложение ' + n + '.' || said === 'Предложение ' + n +"
    " ' прослушано.'; }"
)
FOCUSED = "() => document.activeElement && document.activeElement.getAttribute('data-desk-say')"


def test_in_chromium_a_line_is_played_from_the_keyboard(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    news = site.episodes["news"]
    try:
        page.goto(f"{site.url}login/?next=/articles/{news}/")
        page.get_by_label("Имя").fill("vera")
        page.get_by_label("Пароль").fill(PASSWORDS["vera"])
        page.get_by_label("Пароль").press("Enter")
        page.wait_for_url(f"{site.url}articles/{news}/")
        buttons = page.locator("[data-desk-say]")
        page.wait_for_function("() => document.querySelector('[data-desk-say][role=button]')")
        assert page.locator("[data-desk-say][tabindex='0']").count() == 1  # one tab stop
        assert buttons.count() > 4
        third = page.get_by_role("button", name="Прослушать предложение 3", exact=True)
        assert third.get_attribute("tabindex") == "-1"
        buttons.first.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert page.evaluate(FOCUSED) == "3"
        assert third.get_attribute("tabindex") == "0"
        page.keyboard.press("Enter")
        page.wait_for_function(PLAYED)
        assert page.url == f"{site.url}articles/{news}/"  # played in the page
        box = third.bounding_box()
        assert box is not None and box["width"] >= 40 and box["x"] + box["width"] <= 390
        page.keyboard.press("End")
        last = page.evaluate(FOCUSED)
        assert last == str(buttons.count())
        page.keyboard.press(" ")
        page.wait_for_function(HEARD, arg=last)  # the status says so, for a screen reader
        assert problems == [], problems
    finally:
        context.close()
