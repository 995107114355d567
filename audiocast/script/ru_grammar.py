"""Russian rules that need to know a word's grammar: its case, number and gender, from
pymorphy3 (the morphological analyser ru-normalizr itself uses). Each runs before ru-normalizr
and leaves the text in a shape it reads right.

- `so_called`: «т. н.», «т.н.» → «так называемый», agreeing with the word it qualifies
  («т. н. миротворцы» → «так называемые миротворцы», «с т.н. «оппозицией»» → «с так
  называемой "оппозицией"»).
- `counted_shift`: «на 2 позиции» is a shift by two places, not «на второй позиции»:
  after «на», a number ending in 2, 3 or 4 before a noun in the genitive singular is a
  cardinal («на две позиции»), however the noun's other forms could read.
- `initials`: «В.Путин» → «В. Путин» (ru-normalizr then says «вэ Путин»); an initial that
  would be heard as a word («И. Алиев» → «и Алиев», «А. Иванов» → «а Иванов») is left out:
  the surname says who it is, and a site's lexicon can give the whole name
  («"И. Алиев" = "Ильха́м Алиев"»), as lexicon entries are applied first.
"""

from __future__ import annotations

import functools
import re

from num2words import num2words

_SO_CALLED = re.compile(r"(?<![\w.])[Тт]\.\s?н\.\s*(?=(?P<quote>[«\"„]?)(?P<word>[А-ЯЁа-яё-]+))")
_PREPOSITION_CASE = {
    "в": "loct", "во": "loct", "на": "loct", "о": "loct", "об": "loct", "при": "loct",
    "с": "ablt", "со": "ablt", "под": "ablt", "над": "ablt", "за": "ablt", "между": "ablt",
    "к": "datv", "ко": "datv", "по": "datv",
    "из": "gent", "от": "gent", "до": "gent", "для": "gent", "у": "gent", "без": "gent",
    "против": "gent", "после": "gent", "около": "gent",
}  # fmt: skip
_WORD_BEFORE = re.compile(r"([А-ЯЁа-яё]+)\s*$")
_COUNTED = re.compile(r"(?<![\w-])([Нн]а)\s+(\d{1,9})\s+([а-яё]+)(?![\w-])")
_MONTH = re.compile(r"январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр")
_INITIALS = re.compile(r"(?<![\w.])((?:[А-ЯЁ]\.\s?){1,2})(?=[А-ЯЁ][а-яё])")
# letters whose name is also a word: «и», «а», «о», «у», «я»
_HEARD_AS_WORDS = frozenset("АИОУЯ")


@functools.cache
def _analyser():
    import pymorphy3  # loaded on first use: its dictionaries take a tenth of a second

    return pymorphy3.MorphAnalyzer()


def so_called(text: str) -> str:
    """«т. н.» / «т.н.» as «так называемый» in the form of the word after it."""

    def spoken(match: re.Match[str]) -> str:
        form = _called_form(match["word"], _WORD_BEFORE.search(text, 0, match.start()))
        return f"{'Так' if match.group(0).startswith('Т') else 'так'} {form} "

    return _SO_CALLED.sub(spoken, text)


def _called_form(word: str, before: re.Match[str] | None) -> str:
    """«называемый» agreeing with WORD; the case of an indeclinable WORD («ДНР») comes from
    the word before: a preposition's case, else the genitive after a noun («армия т. н. ДНР»)."""
    parse = _analyser().parse(word)[0]
    tag = parse.tag
    case = tag.case or "nomn"
    if "Fixd" in tag or case == "nomn" and before is not None:
        previous = before.group(1).lower() if before else ""
        if previous in _PREPOSITION_CASE:
            case = _PREPOSITION_CASE[previous]
        elif before is not None and "NOUN" in _analyser().parse(previous)[0].tag:
            case = "gent"
    grammemes = {case, tag.number or "sing"}
    if (tag.number or "sing") == "sing":
        grammemes.add(tag.gender or "masc")
    called = _analyser().parse("называемый")[0].inflect(grammemes)
    return called.word if called else "называемый"


def counted_shift(text: str) -> str:
    """«на 2 позиции» → «на две позиции»: a count, not a place (see the module docstring)."""

    def spoken(match: re.Match[str]) -> str:
        preposition, digits, noun = match.groups()
        number = int(digits)
        if number % 10 not in (2, 3, 4) or number % 100 in (12, 13, 14) or _MONTH.match(noun):
            return match.group(0)
        genitive = [  # a word, not an abbreviation («на 2 млрд»: ru-normalizr reads those)
            p
            for p in _analyser().parse(noun)
            if {"NOUN", "gent", "sing"} <= p.tag.grammemes and "Abbr" not in p.tag.grammemes
        ]
        if not genitive:
            return match.group(0)
        words = num2words(number, lang="ru")
        if genitive[0].tag.gender == "femn":
            words = re.sub(r"два$", "две", words)
        return f"{preposition} {words} {noun}"

    return _COUNTED.sub(spoken, text)


def initials(text: str) -> str:
    """«В.Путин» → «В. Путин»; «И. Алиев» → «Алиев» (see the module docstring)."""

    def spoken(match: re.Match[str]) -> str:
        letters = re.findall(r"[А-ЯЁ]", match.group(1))
        if _HEARD_AS_WORDS & set(letters):
            return ""
        return " ".join(f"{letter}." for letter in letters) + " "

    return _INITIALS.sub(spoken, text)
