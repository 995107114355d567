"""The interface's strings tables (audiocast/strings/<language>.toml): every language has every
key of the Russian one with the same placeholders, its counted nouns and dates fit the way they
are used, and every key the templates and the player ask for is there."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from audiocast.errors import ConfigError
from audiocast.script.dates import date_in_words
from audiocast.strings import PLURAL_RULES, REFERENCE, languages, read_table, strings_for

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "templates" / "site"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
OTHERS = [code for code in languages() if code != REFERENCE]


def keys(table: dict) -> set[str]:
    return {f"{section}.{name}" for section, values in table.items() for name in values}


def names(value: str | list[str]) -> list[set[str]]:
    return [
        set(PLACEHOLDER.findall(text)) for text in (value if isinstance(value, list) else [value])
    ]


def test_the_shows_languages_have_tables():
    assert {"ru", "en", "az"} <= set(languages())


@pytest.mark.parametrize("language", OTHERS)
def test_every_table_has_every_russian_key_with_its_placeholders(language):
    reference, own = read_table(REFERENCE), read_table(language)
    assert keys(own) == keys(reference)
    for key in sorted(keys(reference)):
        section, name = key.split(".")
        theirs, mine = reference[section][name], own[section][name]
        assert type(mine) is type(theirs), key
        if isinstance(theirs, str):
            assert names(mine) == names(theirs), key
        else:  # the forms of a counted noun, or month names: each has what the first Russian has
            assert all(found == names(theirs)[0] for found in names(mine)), key


@pytest.mark.parametrize("language", languages())
def test_counted_nouns_months_and_the_player_fit_their_use(language):
    table = read_table(language)
    forms, _ = PLURAL_RULES[table["numbers"]["plural"]]
    counted = [name for name, value in table["page"].items() if isinstance(value, list)]
    assert counted == ["episode_count"]
    assert all(len(table["page"][name]) == forms for name in counted), language
    assert len(table["dates"]["months"]) == 12
    for kind in ("spoken_day", "spoken_year"):
        assert table["dates"][kind] in ("cardinal", "ordinal", "year")
    # the player's strings.js is text only; "decimal" is added from [numbers]
    assert all(isinstance(value, str) for value in table["player"].values())
    assert "decimal" not in table["player"]
    month = table["dates"]["months"][7]
    assert month in date_in_words(datetime(2025, 8, 26), language)


def test_counting_in_each_language():
    def count(language: str, number: int) -> str:
        return strings_for(language).text("page.episode_count", count=number)

    assert [count("ru", n) for n in (1, 2, 5, 11, 21, 22, 112)] == [
        "1 выпуск", "2 выпуска", "5 выпусков", "11 выпусков", "21 выпуск", "22 выпуска",
        "112 выпусков",
    ]  # fmt: skip
    assert [count("en", n) for n in (0, 1, 2, 21)] == [
        "0 episodes",
        "1 episode",
        "2 episodes",
        "21 episodes",
    ]
    assert [count("az", n) for n in (1, 5)] == ["1 epizod", "5 epizod"]


def test_a_language_without_a_table_is_given_russian():
    assert strings_for("de").language == "ru"
    assert strings_for("de").text("page.listen") == "Слушать"
    assert strings_for("en-GB").language == "en"
    assert strings_for("AZ").text("page.listen") == "Dinlə"


def test_placeholders_are_filled_once_and_unknown_keys_are_one_error():
    strings = strings_for("ru")
    title = "{title} и {count} $1 \\1"
    assert strings.text("player.queued", title=title) == f"Добавлено в очередь: «{title}»"
    assert strings.text("player.back") == "Назад на {seconds} секунд"  # not given: left
    with pytest.raises(ConfigError, match="no text 'page.lisen'"):
        strings.text("page.lisen")


def test_every_key_the_templates_and_the_player_ask_for_is_in_the_tables():
    asked = set()
    for template in SITE.glob("*.j2"):
        asked |= set(re.findall(r"""\bt\(["']([\w.]+)["']""", template.read_text("utf-8")))
    for module in (SITE / "static" / "player").glob("*.js"):
        found = re.findall(r"""\bt\(["'](\w+)["']""", module.read_text("utf-8"))
        asked |= {f"player.{name}" for name in found}
    pages = (ROOT / "audiocast" / "publish" / "pages.py").read_text("utf-8")
    asked |= set(re.findall(r'"(page\.\w+)"', pages))
    assert {"page.listen", "page.footer", "page.megabytes", "player.resume_offer"} <= asked
    assert asked <= keys(read_table(REFERENCE)), asked - keys(read_table(REFERENCE))
    # and nothing in the tables is left unasked
    assert {k for k in keys(read_table(REFERENCE)) if k.split(".")[0] in ("page", "player")} == {
        k for k in asked if k.split(".")[0] in ("page", "player")
    }
