"""The interface's words, one table per language: audiocast/strings/<language>.toml.

A table holds what a listener reads or hears from audiocast itself, as opposed to what an
article says: the words of a spoken date (script/dates.py), every piece of text on the site's
pages (publish/pages.py and templates/site/*.j2) and what the global player shows and announces
(`audiocast build` writes those into public/static/player/strings.js).

Russian is the reference: every other table has each of its keys (a test checks), and a key a
table lacks all the same, or a language without a table, is given the Russian text.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from audiocast.errors import ConfigError

FOLDER = Path(__file__).resolve().parent
REFERENCE = "ru"  # the complete table, and the one a language without its own is given
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _one_few_many(count: int) -> int:
    """Russian: 1, 21 выпуск; 2–4, 22 выпуска; 5–20, 11–14 выпусков."""
    if count % 10 == 1 and count % 100 != 11:
        return 0
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return 1
    return 2


# [numbers] plural: how many forms a counted noun has, and which a count takes (the index)
PLURAL_RULES: dict[str, tuple[int, Callable[[int], int]]] = {
    "one-few-many": (3, _one_few_many),
    "one-other": (2, lambda count: 0 if count == 1 else 1),
    "other": (1, lambda count: 0),  # Azerbaijani: a noun after a number stays singular
}


@dataclass(frozen=True)
class Strings:
    """One language's table: LANGUAGE is the table's own (the reference for a language that
    has none); SECTIONS its [section] tables, key → text (a list for month names and plurals)."""

    language: str
    sections: Mapping[str, Mapping[str, str | list[str]]]

    def text(self, key: str, **values: object) -> str:
        """The text of KEY ("section.name") with its {placeholders} filled from VALUES (one
        not given is left as it is). A list is a counted noun's forms: the one `count` takes."""
        value = self.value(key)
        if isinstance(value, list):
            count = values.get("count")
            if not isinstance(count, int):
                raise ConfigError(f"strings: {key!r} is counted: give it a whole-number count")
            value = value[self.plural_form(count)]
        return fill(value, values)

    def value(self, key: str) -> str | list[str]:
        section, _, name = key.partition(".")
        try:
            return self.sections[section][name]
        except KeyError:
            raise ConfigError(
                f"strings: no text {key!r} (the keys are in {FOLDER / (REFERENCE + '.toml')})"
            ) from None

    def months(self) -> list[str]:
        """The twelve month names as a date says them («26 августа»)."""
        return list(self.value("dates.months"))

    def plural_form(self, count: int) -> int:
        _, rule = PLURAL_RULES[str(self.value("numbers.plural"))]
        return rule(abs(count))

    def decimal(self, number: str) -> str:
        """NUMBER, written with a dot, with this language's decimal separator."""
        return number.replace(".", str(self.value("numbers.decimal")))

    def section(self, name: str) -> dict[str, str | list[str]]:
        return dict(self.sections[name])


def fill(text: str, values: Mapping[str, object]) -> str:
    """TEXT with each {name} given in VALUES replaced, in one pass: a value that itself holds
    "{…}" (an article's title may) is not filled in turn. The player's strings.js does the same."""
    return _PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text
    )


def table_path(language: str) -> Path:
    return FOLDER / f"{language}.toml"


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages with a table of their own, sorted."""
    return tuple(sorted(path.stem for path in FOLDER.glob("*.toml")))


def read_table(language: str) -> dict[str, dict]:
    """LANGUAGE's own table as its file has it, nothing filled in."""
    with table_path(language).open("rb") as file:
        return tomllib.load(file)


@functools.cache
def strings_for(language: str) -> Strings:
    """The table for LANGUAGE ("az", "en-GB": its first part counts), its missing keys filled
    from the Russian one; the Russian table itself for a language that has none."""
    code = language.split("-", 1)[0].lower()
    if code not in languages():
        code = REFERENCE
    sections = {name: dict(keys) for name, keys in read_table(REFERENCE).items()}
    if code != REFERENCE:
        for name, keys in read_table(code).items():
            sections.setdefault(name, {}).update(keys)
    return Strings(code, sections)


def table_files() -> list[Path]:
    """The tables and this module: what the texts they give depend on."""
    return [Path(__file__).resolve(), *(table_path(code) for code in languages())]


__all__ = ["PLURAL_RULES", "Strings", "fill", "languages", "read_table", "strings_for"]
