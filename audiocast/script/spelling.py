"""Letters a Russian voice can say: acronyms spelled by letter names, Azerbaijani and Turkish
Latin words in Cyrillic, and stress marks in the form the engines get.

Rules here never guess whether an acronym is read as a word: the lexicon says so («НАТО»,
«SOCAR»); whatever capitals are left are spelled.
"""

from __future__ import annotations

import re

from audiocast.model import STRESS_MARK

# The names a newsreader uses when spelling an abbreviation: «вэ-вэ-пэ», «эф-эс-бэ», «эл-дэ-пэ-эр».
_CYRILLIC_LETTER_NAMES = {
    "А": "а", "Б": "бэ", "В": "вэ", "Г": "гэ", "Д": "дэ", "Е": "е", "Ё": "ё", "Ж": "жэ",
    "З": "зэ", "И": "и", "Й": "й", "К": "ка", "Л": "эл", "М": "эм", "Н": "эн", "О": "о",
    "П": "пэ", "Р": "эр", "С": "эс", "Т": "тэ", "У": "у", "Ф": "эф", "Х": "ха", "Ц": "цэ",
    "Ч": "чэ", "Ш": "ша", "Щ": "ща", "Ы": "ы", "Э": "э", "Ю": "ю", "Я": "я",
}  # fmt: skip
# English letter names in Cyrillic, as «си-эн-эн», «ай-ти», «би-би-си» are said in Russian.
_LATIN_LETTER_NAMES = {
    "A": "эй", "B": "би", "C": "си", "D": "ди", "E": "и", "F": "эф", "G": "джи", "H": "эйч",
    "I": "ай", "J": "джей", "K": "кей", "L": "эл", "M": "эм", "N": "эн", "O": "оу", "P": "пи",
    "Q": "кью", "R": "ар", "S": "эс", "T": "ти", "U": "ю", "V": "ви", "W": "дабл-ю", "X": "экс",
    "Y": "уай", "Z": "зэт",
}  # fmt: skip

# Two to five capitals standing alone (a hyphen or digits may follow: «ДТП-шник», «ЧМ-2026»).
_CYRILLIC_ACRONYM = re.compile(r"(?<![\w-])[А-ЯЁ]{2,5}(?![А-Яа-яЁё])")
_LATIN_ACRONYM = re.compile(r"(?<![\w-])[A-Z]{2,5}(?![A-Za-z])")
_ROMAN_NUMERAL = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# «ХХ век» typed in Cyrillic: ru-normalizr reads it as a Roman numeral, so it is not an acronym.
_CYRILLIC_ROMAN = re.compile(r"Х+")
_LOWERCASE = re.compile(r"[а-яё]")


def spell_cyrillic_acronyms(text: str) -> str:
    """«ДТП» → «дэ-тэ-пэ»: an all-caps Cyrillic word of 2–5 letters not in the lexicon is an
    abbreviation said letter by letter (words like «НАТО» are the lexicon's job). Text with no
    lower-case letter at all is a shouted headline, not abbreviations, and is left alone."""
    if not _LOWERCASE.search(text):
        return text

    def spelled(match: re.Match[str]) -> str:
        word = match.group(0)
        if _CYRILLIC_ROMAN.fullmatch(word) or "Ъ" in word or "Ь" in word:
            return word  # a Roman numeral, or a word in capitals («ОБЪЁМ»): no acronym has ъ, ь
        return "-".join(_CYRILLIC_LETTER_NAMES[c] for c in word)

    return _CYRILLIC_ACRONYM.sub(spelled, text)


def spell_latin_acronyms(text: str) -> str:
    """«CSIS» → «си-эс-ай-эс»: capitals in Latin script not in the lexicon are spelled with
    English letter names written in Cyrillic, so a Russian voice never switches to English.
    Roman numerals («XXI», «IV») are left for ru-normalizr."""

    def spelled(match: re.Match[str]) -> str:
        word = match.group(0)
        if _ROMAN_NUMERAL.fullmatch(word):
            return word
        return "-".join(_LATIN_LETTER_NAMES[c] for c in word)

    return _LATIN_ACRONYM.sub(spelled, text)


# a lower-case Latin word without a vowel cannot be read as a word: «bp», «hp», «ktm»
_LATIN_LOWER_ACRONYM = re.compile(r"(?<![\w-])[bcdfghjklmnpqrstvwxz]{2,5}(?![\w-])")


def spell_latin_lowercase_acronyms(text: str) -> str:
    """«bp» → «би-пи»: a brand written in lower case is spelled like its capitals would be
    (a site's lexicon can say otherwise: its entries are applied first)."""
    return _LATIN_LOWER_ACRONYM.sub(
        lambda match: "-".join(_LATIN_LETTER_NAMES[c] for c in match.group(0).upper()), text
    )


# Azerbaijani (and Turkish) Latin letters to Cyrillic sounds: Şuşa → Шуша, Göyçay → Гёйчай,
# Xankəndi → Ханкенди. Names with a traditional Russian form (Gəncə → Гянджа) belong in the
# lexicon; this is the fallback that keeps them Russian-sounding.
_TURKIC_SPECIAL = re.compile(r"[ƏəŞşÇçĞğİıÖöÜü]")
_TURKIC_WORD = re.compile(r"[A-Za-zƏəŞşÇçĞğİıÖöÜü]+")
_TURKIC_PAIRS = {"ya": "я", "yu": "ю", "ye": "е", "yo": "ё"}
_TURKIC_LETTERS = {
    "a": "а", "b": "б", "c": "дж", "ç": "ч", "d": "д", "f": "ф", "g": "г", "ğ": "г", "h": "х",
    "x": "х", "ı": "ы", "i": "и", "j": "ж", "k": "к", "q": "г", "l": "л", "m": "м", "n": "н",
    "o": "о", "ö": "ё", "p": "п", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ü": "ю",
    "v": "в", "y": "й", "z": "з", "w": "в",
}  # fmt: skip
_RUSSIAN_VOWELS = set("аеёиоуыэюя")


def transliterate_turkic(text: str) -> str:
    """«Xankəndi» → «Ханкенди», «Erdoğan» → «Эрдоган»: a Latin word with a letter only
    Azerbaijani or Turkish has (ə ş ç ğ ı ö ü) is written in Cyrillic letter by letter; English
    transliteration would mangle it. Other Latin words are left for ru-normalizr."""

    def cyrillic(match: re.Match[str]) -> str:
        word = match.group(0)
        if not _TURKIC_SPECIAL.search(word):
            return word
        return _turkic_word(word)

    return _TURKIC_WORD.sub(cyrillic, text)


def _turkic_word(word: str) -> str:
    lower = word.replace("İ", "i").replace("I", "ı").lower()
    out: list[str] = []
    index = 0
    while index < len(lower):
        pair = lower[index : index + 2]
        sound = _TURKIC_PAIRS.get(pair)
        if sound:
            out.append(sound)
            index += 2
            continue
        letter = lower[index]
        after_consonant = bool(out) and out[-1][-1] not in _RUSSIAN_VOWELS
        if letter in "eə":
            out.append("е" if after_consonant else "э")
        else:
            out.append(_TURKIC_LETTERS.get(letter, letter))
        index += 1
    spoken = "".join(out)
    return spoken[:1].upper() + spoken[1:] if word[:1].isupper() else spoken


_PLUS_BEFORE_VOWEL = re.compile(r"\+([аеёиоуыэюяАЕЁИОУЫЭЮЯ])")


def stress_marks_from_plus(text: str) -> str:
    """ru-normalizr keeps stress as "+" before the vowel (its own latinization writes it so,
    and it turns U+0301 into it): make every one U+0301 after the vowel, the engines' form."""
    return _PLUS_BEFORE_VOWEL.sub(lambda m: m.group(1) + STRESS_MARK, text)


def strip_stress(text: str) -> str:
    """The text without stress marks, for engines that do not understand them."""
    return text.replace(STRESS_MARK, "")
