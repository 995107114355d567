"""Text rules applied before synthesis: the written sentence → the words to be spoken.

Russian, in this order (each rule is a small function with its own tests):

1. links and site names: `links_to_site_names`, `site_names`
2. the lexicon's rewriting entries («SOCAR» → «сока́р», «НАТО» → «на́то»)
3. pre-rules, so ru-normalizr gets a shape it reads right: `initials` and `so_called`
   (ru_grammar.py), `iso_dates`, `seasons`,
   `clock_times`, `match_scores`, `money_with_multiplier`, `currency_codes`,
   `manats_as_dollars`, `year_abbreviation_mid_sentence`, `square_and_cubic_units`,
   `city_after_v`, `regnal_numbers`, `roman_before_adjectives`, `anniversaries`,
   `times_and_a_half`, `counted_shift` (ru_grammar.py), `spell_latin_acronyms`,
   `spell_latin_lowercase_acronyms`, `transliterate_turkic`,
   `amounts_in_genitive`
4. ru-normalizr: numbers with case agreement, decimals, dates, ordinals, years, Roman numerals,
   abbreviations («т. е.», «млн», «км», «г.»), initials, the remaining Latin words (read through
   their English pronunciation, in Cyrillic, with stress)
5. post-rules: `dollars_back_to_manats`, `spell_cyrillic_acronyms`, `thousand_without_one`,
   `stress_marks_from_plus`, the lexicon's stress-only entries («Баку» → «Баку́»),
   `keep_final_stop`, then spacing and quotes are tidied

Other languages get the lexicon of their language, if there is one, and tidying.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from audiocast.script import ru_grammar, ru_rules
from audiocast.script.lexicon import Lexicon, load_lexicons
from audiocast.script.spelling import (
    spell_cyrillic_acronyms,
    spell_latin_acronyms,
    spell_latin_lowercase_acronyms,
    stress_marks_from_plus,
    strip_stress,
    transliterate_turkic,
)

__all__ = ["Normalizer", "Normalizers", "normalizer_for", "strip_stress", "tidy"]

Normalizer = Callable[[str], str]

# espeak-ng and most engines read these as symbols or pause oddly on them
_QUOTES = str.maketrans({"«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "‘": "'", "’": "'"})
_SPACES = re.compile(r"\s+")

_RUSSIAN_PRE_RULES: tuple[Callable[[str], str], ...] = (
    ru_grammar.initials,
    ru_grammar.so_called,
    ru_rules.iso_dates,
    ru_rules.seasons,
    ru_rules.clock_times,
    ru_rules.match_scores,
    ru_rules.money_with_multiplier,
    ru_rules.currency_codes,
)
_RUSSIAN_PRE_RULES_AFTER_MONEY: tuple[Callable[[str], str], ...] = (
    ru_rules.year_abbreviation_mid_sentence,
    ru_rules.square_and_cubic_units,
    ru_rules.city_after_v,
    ru_rules.regnal_numbers,
    ru_rules.roman_before_adjectives,
    ru_rules.anniversaries,
    ru_rules.times_and_a_half,
    ru_grammar.counted_shift,
    spell_latin_acronyms,
    spell_latin_lowercase_acronyms,
    transliterate_turkic,
)
_RUSSIAN_POST_RULES: tuple[Callable[[str], str], ...] = (
    spell_cyrillic_acronyms,
    ru_rules.thousand_without_one,
    stress_marks_from_plus,
)


def tidy(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


class RussianNormalizer:
    """The Russian rules around one ru-normalizr instance, built once and used per sentence."""

    def __init__(self, lexicon: Lexicon | None = None):
        # imported here: loading its dictionaries takes a fifth of a second
        from ru_normalizr import NormalizeOptions
        from ru_normalizr import Normalizer as RuNormalizr

        options = NormalizeOptions(
            enable_latinization=True,  # Latin words the lexicon does not know, in Cyrillic
            enable_latinization_stress_marks=True,
            enable_initials_expansion=True,  # «Р. Гасанов» → «эр Гасанов»
            initials_pause_mode="preserve",
        )
        self._read = RuNormalizr(options).normalize
        self._lexicon = lexicon or Lexicon()

    def __call__(self, written: str) -> str:
        text = ru_rules.site_names(ru_rules.links_to_site_names(_without_nameless_letters(written)))
        text = self._lexicon.rewrite(text)
        for rule in _RUSSIAN_PRE_RULES:
            text = rule(text)
        text, manats = ru_rules.manats_as_dollars(text)
        for rule in _RUSSIAN_PRE_RULES_AFTER_MONEY:
            text = rule(text)
        text = ru_rules.amounts_in_genitive(text, self._read)
        text = self._read(text)
        if manats:
            text = ru_rules.dollars_back_to_manats(text)
        for rule in _RUSSIAN_POST_RULES:
            text = rule(text)
        text = self._lexicon.add_stress(text)
        return tidy(ru_rules.keep_final_stop(written, text))


_RARE = re.compile(r"[^\x00-\u24ff]")  # past the common scripts: worth a closer look


def _without_nameless_letters(text: str) -> str:
    """TEXT without letters that have no Unicode name in this Python (recent ideographs, say):
    no engine speaks them, and pymorphy3 inside ru-normalizr fails on them (ValueError)."""
    if not _RARE.search(text):
        return text
    return "".join(c for c in text if not c.isalpha() or _has_name(c))


def _has_name(letter: str) -> bool:
    try:
        unicodedata.name(letter)
    except ValueError:
        return False
    return True


class LexiconOnly:
    """Languages without text rules: the lexicon, if the language has one, and tidying."""

    def __init__(self, lexicon: Lexicon | None = None):
        self._lexicon = lexicon or Lexicon()

    def __call__(self, text: str) -> str:
        return tidy(self._lexicon.apply(text))


class Normalizers:
    """The normalizer of each language, with that language's lexicon: the lexicon files are
    read and checked when this is made (a bad entry stops the run before any work), each
    normalizer is built on first use and kept."""

    def __init__(self, site_lexicon: Path | None = None, site_language: str = "ru"):
        self.lexicons = load_lexicons(site_lexicon, site_language)
        self._built: dict[str, Normalizer] = {}

    def for_language(self, language: str) -> Normalizer:
        if language not in self._built:
            lexicon = self.lexicons.get(language)
            if language == "ru":
                self._built[language] = RussianNormalizer(lexicon)
            else:
                self._built[language] = LexiconOnly(lexicon)
        return self._built[language]


def normalizer_for(language: str) -> Normalizer:
    """The text rules for LANGUAGE with the bundled lexicon (a pipeline keeps a `Normalizers`
    built with the site's lexicon instead)."""
    return Normalizers().for_language(language)
