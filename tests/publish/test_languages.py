"""A feed declares one <language>, and podcast apps and directories file and present the whole
show by it: a show gathers the episodes in its own language unless its `languages` say
otherwise, and without [[shows]] each language of the site has a show of its own."""

from __future__ import annotations

import feedparser
import pytest

from audiocast.config import load_settings
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
