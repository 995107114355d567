"""A feed declares one <language>, and podcast apps and directories file and present the whole
show by it: a show gathers the episodes in its own language unless its `languages` say
otherwise, and without [[shows]] each language of the site has a show of its own."""

from __future__ import annotations

import feedparser
import lxml.html
import pytest

from audiocast.config import Show, load_settings
from audiocast.errors import ConfigError
from audiocast.publish.build import build
from tests.conftest import make_settings
from tests.publish.conftest import BASE_URL, synthetic_settings, write_episode

RUSSIAN = "Выпуск номер 1"
AZERBAIJANI = "Bakıda beş yeni tramvay xətti çəkiləcək"


def store_in_two_languages(settings):
    write_episode(settings.episodes_dir, 1)  # ru
    return write_episode(settings.episodes_dir, 2, language="az", title=AZERBAIJANI)


def feed(settings, slug: str):
    return feedparser.parse((settings.public_dir / slug / "feed.xml").read_bytes())


def listing(settings, slug: str) -> str:
    return (settings.public_dir / slug / "index.html").read_text(encoding="utf-8")


def test_a_russian_show_leaves_an_azerbaijani_episode_out_of_its_feed_and_pages(tmp_path):
    settings = synthetic_settings(tmp_path)  # one show, "politika", in ru
    azerbaijani = store_in_two_languages(settings)
    report = build(settings)
    politika = feed(settings, "politika")
    assert politika.feed.language == "ru"
    assert [entry.title for entry in politika.entries] == [RUSSIAN]
    assert RUSSIAN in listing(settings, "politika")
    assert AZERBAIJANI not in listing(settings, "politika")
    assert not (settings.public_dir / "episodes" / azerbaijani.name).exists()
    assert any("belong to no show" in w and "language" in w for w in report.warnings)


def test_a_show_with_languages_gathers_each_of_them(tmp_path):
    (tmp_path / "audiocast.toml").write_text(
        f'base_url = "{BASE_URL}"\n'
        '[[shows]]\nslug = "politika"\ntitle = "Minval Politika"\nlanguage = "ru"\n'
        'languages = ["ru", "az"]\nowner_email = "podcast@minval.az"\n',
        encoding="utf-8",
    )
    settings = make_settings(tmp_path)
    assert settings.shows[0].languages == ("ru", "az")
    azerbaijani = store_in_two_languages(settings)
    report = build(settings)
    assert report.warnings == []
    politika = feed(settings, "politika")
    assert politika.feed.language == "ru"  # one language a feed: the show's own
    assert [entry.title for entry in politika.entries] == [AZERBAIJANI, RUSSIAN]
    assert AZERBAIJANI in listing(settings, "politika")
    assert (settings.public_dir / "episodes" / azerbaijani.name / "index.html").is_file()


def test_without_shows_each_language_of_the_site_has_its_own_show(tmp_path):
    settings = make_settings(tmp_path, base_url=BASE_URL)  # no [[shows]]: the defaults
    assert [(s.slug, s.language, s.gathered_languages) for s in settings.all_shows()] == [
        ("all", "ru", ("ru",)),  # the site's `language`
        ("all-az", "az", ("az",)),  # and each other language of voice_by_language
    ]
    azerbaijani = store_in_two_languages(settings)
    report = build(settings)
    everything, azerbaijani_feed = feed(settings, "all"), feed(settings, "all-az")
    assert everything.feed.language == "ru"
    assert [entry.title for entry in everything.entries] == [RUSSIAN]
    assert azerbaijani_feed.feed.language == "az"
    assert [entry.title for entry in azerbaijani_feed.entries] == [AZERBAIJANI]
    assert (settings.public_dir / "episodes" / azerbaijani.name / "index.html").is_file()
    assert AZERBAIJANI not in listing(settings, "all")
    assert [f.episodes for f in report.feeds] == [1, 1]
    # one site language and no other voice: one show, as before
    single = make_settings(tmp_path, voice_by_language={})
    assert [show.slug for show in single.all_shows()] == ["all"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"ru"', "languages must be a list of language codes"),
        ('["ru", "AZ"]', "'AZ' is not a language code"),
        ('["az"]', "languages must include the show's own language 'ru'"),
    ],
)
def test_a_shows_languages_are_checked(tmp_path, value, problem):
    (tmp_path / "audiocast.toml").write_text(
        f'[[shows]]\nslug = "politika"\ntitle = "П"\nlanguages = {value}\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="shows\\[0\\]: ") as raised:
        load_settings(tmp_path)
    assert problem in str(raised.value)


def test_a_default_show_of_another_language_appears_only_with_episodes(tmp_path):
    """A Russian-only site gets no empty «(az)» show on its Podcast List."""
    settings = make_settings(tmp_path, base_url=BASE_URL)
    write_episode(settings.episodes_dir, 1, title=RUSSIAN, language="ru")
    report = build(settings)
    assert [feed.path.parent.name for feed in report.feeds] == ["all"]
    assert not (settings.public_dir / "all-az").exists()
    assert "(az)" not in (settings.public_dir / "index.html").read_text("utf-8")


def pages_in_three_languages(tmp_path, **changes):
    """A site with a Russian, an English and an Azerbaijani show, an episode in each."""
    shows = (
        Show(slug="politika", title="Minval Politika", owner_email="podcast@minval.az"),
        Show(slug="news", title="Minval News", language="en", owner_email="podcast@minval.az"),
        Show(slug="xeberler", title="Minval Xəbərlər", language="az",
             owner_email="podcast@minval.az"),
    )  # fmt: skip
    settings = synthetic_settings(tmp_path, shows=shows, **changes)
    write_episode(settings.episodes_dir, 1)
    english = write_episode(settings.episodes_dir, 2, language="en", title="Five new tram lines")
    write_episode(settings.episodes_dir, 3, language="az", title=AZERBAIJANI)
    build(settings)
    return settings, english


def document(settings, path: str):
    return lxml.html.fromstring((settings.public_dir / path).read_bytes())


def words(node, xpath: str) -> list[str]:
    return [" ".join(found.text_content().split()) for found in node.xpath(xpath)]


def test_a_shows_pages_are_in_its_language_and_say_so(tmp_path):
    settings, english = pages_in_three_languages(tmp_path)
    news = document(settings, "news/index.html")
    assert news.get("lang") == "en"
    assert words(news, "//main//button") == ["Listen", "Add to queue"]
    assert news.xpath("//main//button/@data-audiocast-playing-text") == ["Pause"]
    assert words(news, "//h2") == ["Episodes"]
    assert "1 episode" in words(news, "//main//p[@class='meta']")
    assert news.xpath("//main//p[@class='meta']/time/text()")[0] == "January 1, 2026, 10:00"
    assert words(news, "//a[@class='skip-link'] | //footer") == [
        "Skip to content", "Minval Politika: articles in audio, read by a speech synthesizer."
    ]  # fmt: skip
    assert "Все" not in (settings.public_dir / "news/index.html").read_text("utf-8")

    episode = document(settings, f"episodes/{english.name}/index.html")
    assert episode.get("lang") == "en"
    assert words(episode, "//main//button[@data-audiocast-play]") == ["Listen"]
    assert words(episode, "//a[@download]") == ["Download MP3 (0.0 MB)"]
    assert words(episode, "//h2") == ["Chapters"]

    xeberler = document(settings, "xeberler/index.html")
    assert xeberler.get("lang") == "az"
    assert words(xeberler, "//main//button") == ["Dinlə", "Növbəyə əlavə et"]
    assert "1 epizod" in words(xeberler, "//main//p[@class='meta']")
    assert xeberler.xpath("//main//p[@class='meta']/time/text()")[0] == "1 yanvar 2026, 11:00"

    politika = document(settings, "politika/index.html")
    assert politika.get("lang") == "ru"
    assert words(politika, "//main//button") == ["Слушать", "В очередь"]


def test_a_page_of_several_shows_is_in_the_sites_language(tmp_path):
    settings, _ = pages_in_three_languages(tmp_path / "ru")
    index = document(settings, "index.html")
    assert index.get("lang") == "ru"
    assert words(index, "//h1") == ["Подкасты"]
    assert words(index, "//main//p[@class='meta']") == ["1 выпуск"] * 3

    settings, _ = pages_in_three_languages(tmp_path / "en", language="en")
    index = document(settings, "index.html")
    assert index.get("lang") == "en"
    assert words(index, "//h1") == ["Podcasts"]
    assert words(index, "//main//p[@class='meta']") == ["1 episode"] * 3
    assert document(settings, "politika/index.html").get("lang") == "ru"  # a show's: its own
