"""The generated pages as HTML: escaping, pagination, what each page lists, template overrides,
the Russian wording, and the accessibility basics that can be read from the markup."""

from __future__ import annotations

import dataclasses
import json
import posixpath
from datetime import datetime, timedelta, timezone
from pathlib import Path

import lxml.html
import pytest

from audiocast.publish.build import build
from audiocast.publish.catalogue import read_cues
from audiocast.publish.pages import clock, iso_duration, list_pages, plural, ru_date
from tests.publish.conftest import SHOWS, synthetic_settings, write_episode

HOSTILE_TITLE = "<script>window.pwned = 1</script> «Цитата» & \"кавычки\" 'апостроф'"


def page(settings, path: str):
    return lxml.html.fromstring((settings.public_dir / path).read_bytes())


def texts(document, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in document.xpath(xpath)]


def test_a_title_with_markup_is_shown_as_text_everywhere(tmp_path):
    settings = synthetic_settings(tmp_path)
    folder = write_episode(settings.episodes_dir, 1, title=HOSTILE_TITLE, description=HOSTILE_TITLE)
    build(settings)
    for path in ("politika/index.html", f"episodes/{folder.name}/index.html"):
        raw = (settings.public_dir / path).read_text("utf-8")
        assert "<script>window" not in raw
        document = page(settings, path)
        assert document.xpath("//script[not(@src)]") == []
        assert HOSTILE_TITLE in texts(document, "//main//h1 | //main//h3")
        # the player's data survives the attribute intact
        (button,) = document.xpath("//main//button[@data-audiocast-play]")
        assert json.loads(button.get("data-audiocast-play"))["title"] == HOSTILE_TITLE


def listed(settings, path: str) -> list[str]:
    return texts(page(settings, path), "//ol[@class='episode-list']//h3")


def test_episode_list_is_paginated_newest_first_from_a_front_page(tmp_path):
    settings = synthetic_settings(tmp_path, page_size=10)
    for number in range(1, 26):
        write_episode(settings.episodes_dir, number)
    build(settings)
    # the front page: the newest, up to two pages' worth; the archive: full pages of ten,
    # numbered from the oldest
    assert listed(settings, "politika/index.html") == [
        f"Выпуск номер {n}" for n in range(25, 10, -1)
    ]
    assert listed(settings, "politika/page/1/index.html") == [
        f"Выпуск номер {n}" for n in range(10, 0, -1)
    ]
    assert not (settings.public_dir / "politika/page/2").exists()
    front, archive = (
        page(settings, "politika/index.html"),
        page(settings, "politika/page/1/index.html"),
    )
    assert front.xpath("//a[@rel='prev']") == [] and archive.xpath("//a[@rel='next']") == []
    assert front.xpath("//a[@rel='next']/@href") == ["../politika/page/1/"]
    assert archive.xpath("//a[@rel='prev']/@href") == ["../../../politika/"]
    assert "25 выпусков" in texts(front, "//main//p[@class='meta']")
    assert "Страница 1 архива" in texts(archive, "//nav[@class='pagination']/span")
    assert texts(archive, "//h2") == ["Выпуски 1–10 (архив, страница 1)"]
    assert archive.xpath("//h1/a/@href") == ["../../../politika/"]  # back to the newest
    assert "выпуск" not in " ".join(texts(archive, "//main//p[@class='meta']"))


def test_an_archive_page_keeps_its_episodes_as_the_show_grows(tmp_path):
    """A listener's bookmark of an archive page shows the same episodes after new ones come;
    the newest archive page changes only its link to newer episodes, once a page fills."""
    settings = synthetic_settings(tmp_path, page_size=10)
    for number in range(1, 31):
        write_episode(settings.episodes_dir, number)
    build(settings)
    first = (settings.public_dir / "politika/page/1/index.html").read_bytes()
    second = listed(settings, "politika/page/2/index.html")
    assert second == [f"Выпуск номер {n}" for n in range(20, 10, -1)]
    for number in range(31, 41):
        write_episode(settings.episodes_dir, number)
        report = build(settings)
        assert "politika/page/1/index.html" not in report.written
        assert listed(settings, "politika/page/2/index.html") == second
        assert ("politika/page/2/index.html" in report.written) == (number == 40)
    assert (settings.public_dir / "politika/page/1/index.html").read_bytes() == first
    assert listed(settings, "politika/page/3/index.html") == [
        f"Выпуск номер {n}" for n in range(30, 20, -1)
    ]
    assert page(settings, "politika/page/2/index.html").xpath("//a[@rel='prev']/@href") == [
        "../../../politika/page/3/"
    ]


@pytest.mark.parametrize("count", [0, 1, 9, 10, 19, 20, 21, 39, 40, 41, 57])
def test_every_episode_is_listed_once_along_the_pages_links(tmp_path, count):
    settings = synthetic_settings(tmp_path, page_size=10)
    settings.episodes_dir.mkdir(parents=True)
    for number in range(1, count + 1):
        write_episode(settings.episodes_dir, number)
    build(settings)
    seen, path, visited = [], "politika/", []
    while path is not None:
        visited.append(path)
        document = page(settings, path + "index.html")
        seen += listed(settings, path + "index.html")
        (older,) = document.xpath("//a[@rel='next']/@href") or [None]
        if older is not None:
            older_path = _resolve(path, older)
            # and back: the older page's link to newer ones leads here
            newer = page(settings, older_path + "index.html").xpath("//a[@rel='prev']/@href")
            assert [_resolve(older_path, href) for href in newer] == [path]
            older = older_path
        path = older
    assert seen == [f"Выпуск номер {n}" for n in range(count, 0, -1)]
    made = sorted(str(p.parent.relative_to(settings.public_dir)) + "/"
                  for p in (settings.public_dir / "politika").rglob("index.html"))  # fmt: skip
    assert made == sorted(visited)
    if count >= 10:  # the front page is never short of a page when there are enough
        assert 10 <= len(listed(settings, "politika/index.html")) <= 19


def test_list_pages_split_any_show_into_full_archive_pages_and_a_front_page():
    for size in range(1, 6):
        for count in range(0, 8 * size):
            pages = list_pages(count, size)
            front, archive = pages[0], pages[1:]
            ordinals = [n for p in pages for n in range(p.first, p.last + 1)]
            assert sorted(ordinals) == list(range(1, count + 1)), (size, count)
            assert all(p.last - p.first + 1 == size for p in archive)
            shown = front.last - front.first + 1
            assert size <= shown <= 2 * size - 1 if count >= size else shown == count
            assert [p.number for p in pages] == [0, *range(len(archive), 0, -1)]
            # each page's links are the inverse of its neighbours'
            by_number = {p.number: p for p in pages}
            for p in pages:
                assert p.older is None or by_number[p.older].newer == p.number
                assert p.newer is None or by_number[p.newer].older == p.number


def _resolve(page_path: str, href: str) -> str:
    """The public/ path a relative HREF on the page at PAGE_PATH leads to."""
    return posixpath.normpath(posixpath.join(page_path, href)) + "/"


def test_podcast_list_shows_every_show_with_counts_and_subscribe_links(real_site):
    document = page(real_site, "index.html")
    cards = document.xpath("//li[@class='show-card']")
    assert texts(document, "//li[@class='show-card']//h2") == [s.title for s in SHOWS]
    politika, economy = cards
    assert "2 выпуска" in texts(politika, ".//p[@class='meta']")
    assert "1 выпуск" in texts(economy, ".//p[@class='meta']")
    assert politika.xpath(".//ul[@class='subscribe']//a/text()") == ["RSS", "Apple Podcasts"]
    assert economy.xpath(".//ul[@class='subscribe']//a/text()") == ["RSS", "Spotify"]
    assert politika.xpath(".//a[text()='RSS']/@href") == ["politika/feed.xml"]
    for card in cards:
        (cover,) = card.xpath(".//img/@src")
        assert (real_site.public_dir / cover).is_file()


def test_show_pages_list_only_their_categories(real_site):
    economy = page(real_site, "economy/index.html")
    assert texts(economy, "//main//h3") == [
        "Азербайджанская продукция покоряет международную выставку в Дубае"
    ]
    assert len(page(real_site, "politika/index.html").xpath("//main//h3")) == 2


def test_single_episode_page_has_chapters_transcript_and_links(real_site):
    (info_path,) = [
        p for p in real_site.episodes_dir.glob("*/episode.json") if "130001" in p.read_text()
    ]
    info = json.loads(info_path.read_text("utf-8"))
    document = page(real_site, f"episodes/{info['episode_id']}/index.html")
    assert texts(document, "//h1") == [info["title"]]
    chapters = document.xpath("//ol[@class='chapters']//button")
    assert [" ".join(b.xpath(".//span/text()")) for b in chapters] == [
        c["title"] for c in info["chapters"]
    ]
    seeks = [float(b.get("data-audiocast-seek")) for b in chapters]
    assert seeks == pytest.approx([c["start"] for c in info["chapters"]], abs=0.001)
    cues = read_cues(info_path.parent / "transcript.vtt")
    shown = document.xpath("//div[@class='transcript']/button")
    assert [b.text for b in shown] == [c.text for c in cues] and len(cues) > 5
    assert document.xpath("//a[text()='Читать статью']/@href") == [info["url"]]
    (download,) = document.xpath("//a[@download]")
    assert download.get("href") == f"../../episodes/{info['episode_id']}/episode.mp3"
    assert (real_site.public_dir / "episodes" / info["episode_id"] / "episode.mp3").is_file()
    item = json.loads(document.xpath("//article/@data-audiocast-item")[0])
    published = json.loads(
        (real_site.public_dir / "episodes" / info["episode_id"] / "episode.json").read_text()
    )
    assert item == published  # the page and episode.json sit in the same folder


def test_a_site_template_overrides_the_bundled_one(tmp_path):
    templates = tmp_path / "site-templates"
    (templates / "site").mkdir(parents=True)
    (templates / "site" / "podcasts.html.j2").write_text(
        '{% extends "site/base.html.j2" %}{% block main %}<h1>Наши подкасты</h1>'
        "{% for show in shows %}<p class=own>{{ show.title }}</p>{% endfor %}{% endblock %}",
        encoding="utf-8",
    )
    settings = synthetic_settings(tmp_path, templates_dir=templates)
    write_episode(settings.episodes_dir, 1)
    build(settings)
    index = page(settings, "index.html")
    assert texts(index, "//h1") == ["Наши подкасты"]
    assert texts(index, "//p[@class='own']") == ["Minval Politika"]
    assert texts(page(settings, "politika/index.html"), "//h1") == ["Minval Politika"]


def test_russian_wording():
    forms = ("выпуск", "выпуска", "выпусков")
    assert [plural(n, *forms) for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)] == [
        "выпуск", "выпуска", "выпуска", "выпусков", "выпусков", "выпусков", "выпусков",
        "выпуск", "выпуска", "выпусков", "выпуск", "выпусков",
    ]  # fmt: skip
    moment = datetime(2025, 8, 26, 9, 30, tzinfo=timezone(timedelta(hours=4)))
    assert ru_date(moment) == "26 августа 2025, 09:30"
    assert (clock(293.6), clock(59.9), clock(3723)) == ("4:53", "0:59", "1:02:03")
    assert (iso_duration(293.6), iso_duration(3723)) == ("PT4M53S", "PT1H2M3S")


def test_pages_meet_the_accessibility_basics(real_site):
    for path in real_site.public_dir.rglob("*.html"):
        document = lxml.html.fromstring(path.read_bytes())
        where = path.relative_to(real_site.public_dir)
        assert document.get("lang") == "ru", where
        assert len(document.xpath("//h1")) == 1, where
        assert len(document.xpath("//main[@id='audiocast-main']")) == 1, where
        assert document.xpath("//meta[@name='viewport']"), where
        for control in document.xpath("//button | //a"):
            name = control.get("aria-label") or " ".join(control.text_content().split())
            assert name, f"{where}: {lxml.html.tostring(control)[:80]!r} has no name"
        for image in document.xpath("//img"):
            assert image.get("alt") is not None, where
        for labelled in document.xpath("//*[@aria-describedby]"):
            assert document.xpath(f"//*[@id='{labelled.get('aria-describedby')}']"), where


def test_episodes_of_no_show_are_not_published(tmp_path):
    only_economy = dataclasses.replace(SHOWS[1])
    settings = synthetic_settings(tmp_path, shows=(only_economy,))
    write_episode(settings.episodes_dir, 1, category="Экономика")
    orphan = write_episode(settings.episodes_dir, 2, category="Спорт")
    report = build(settings)
    assert not (settings.public_dir / "episodes" / orphan.name).exists()
    assert any("belong to no show" in warning for warning in report.warnings)


def test_transcript_cues_round_trip_through_webvtt_escaping(tmp_path):
    from audiocast.episode.transcript import webvtt
    from audiocast.model import Cue
    from audiocast.publish.catalogue import read_cues

    path = tmp_path / "transcript.vtt"
    text = "Заголовок <script>alert(1)</script> & «цитата»"
    path.write_text(webvtt([Cue(0.5, 2.0, text)]), encoding="utf-8")
    assert "<script>" not in path.read_text(encoding="utf-8")
    assert [(c.start, c.end, c.text) for c in read_cues(path)] == [(0.5, 2.0, text)]


def test_static_files_in_folders_are_copied_and_kept_up_to_date(tmp_path):
    """static/ keeps its folders (the player's modules are static/player/*.js); a site's own
    file wins over the bundled one at any depth; the player's strings are written by the build;
    a second build writes nothing, a changed file is copied again, a removed one goes."""
    templates = tmp_path / "site-templates"
    own = templates / "site" / "static"
    (own / "fonts").mkdir(parents=True)
    (own / "player").mkdir()
    (own / "fonts" / "serif.woff2").write_bytes(b"wOF2 one")
    (own / "player" / "storage.js").write_text("// the site's own\n", encoding="utf-8")
    (own / "player" / ".storage.js.swp").write_bytes(b"an editor's")
    settings = synthetic_settings(tmp_path, templates_dir=templates)
    write_episode(settings.episodes_dir, 1)
    first = build(settings)
    static = settings.public_dir / "static"
    bundled = Path(__file__).resolve().parents[2] / "templates" / "site" / "static"
    modules = sorted(p.name for p in (bundled / "player").glob("*.js"))
    assert {"main.js", "playback.js", "text.js", "storage.js"} <= set(modules)
    assert sorted(p.name for p in (static / "player").glob("*.js")) == sorted(
        [*modules, "strings.js"]
    )
    assert (static / "player" / "main.js").read_bytes() == (bundled / "player/main.js").read_bytes()
    assert (static / "player.js").read_bytes() == (bundled / "player.js").read_bytes()
    assert (static / "player" / "storage.js").read_text("utf-8") == "// the site's own\n"
    assert (static / "fonts" / "serif.woff2").read_bytes() == b"wOF2 one"
    assert not (static / "player" / ".storage.js.swp").exists()
    strings = (static / "player" / "strings.js").read_text("utf-8")
    assert strings.startswith("// Made by `audiocast build`") and "export default {" in strings
    for text in ("Добавлено в очередь: «{title}»", "Added to the queue: “{title}”", "Növbə"):
        assert text in strings
    assert {"static/player/main.js", "static/player/strings.js"} <= set(first.written)
    # every page loads the player's entry module and preloads the rest
    front = page(settings, "politika/index.html")
    assert front.xpath("//script/@src") == ["../static/player/main.js"]
    assert front.xpath("//script/@type") == ["module"]
    preloaded = front.xpath("//link[@rel='modulepreload']/@href")
    assert sorted(preloaded) == sorted(
        f"../static/player/{name}" for name in [*modules, "strings.js"] if name != "main.js"
    )

    assert build(settings).written == []
    (own / "fonts" / "serif.woff2").write_bytes(b"wOF2 two, longer")
    assert build(settings).written == ["static/fonts/serif.woff2"]
    assert (static / "fonts" / "serif.woff2").read_bytes() == b"wOF2 two, longer"
    (own / "fonts" / "serif.woff2").unlink()
    (own / "fonts").rmdir()
    report = build(settings)
    assert report.removed == ["static/fonts/serif.woff2"] and report.written == []
    assert not (static / "fonts").exists()
    (own / "player" / "storage.js").unlink()
    assert build(settings).written == ["static/player/storage.js"]  # the bundled one again
    assert (static / "player" / "storage.js").read_bytes() == (
        bundled / "player" / "storage.js"
    ).read_bytes()
