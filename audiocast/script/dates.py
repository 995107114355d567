"""Dates read in words, the way a presenter says them."""

from __future__ import annotations

from datetime import datetime

from num2words import num2words

_RU_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_AZ_MONTHS = (
    "yanvar", "fevral", "mart", "aprel", "may", "iyun",
    "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr",
)  # fmt: skip


def date_in_words(moment: datetime, language: str) -> str:
    """«двадцать шестого августа две тысячи двадцать пятого года» for 2025-08-26 in Russian.

    The genitive is what follows «от» and what a presenter says for a date on its own.
    """
    if language == "en":
        day = num2words(moment.day, lang="en", to="ordinal")
        year = num2words(moment.year, lang="en", to="year")
        return f"{_EN_MONTHS[moment.month - 1]} {day}, {year}"
    if language == "az":
        day = num2words(moment.day, lang="az")
        year = num2words(moment.year, lang="az", to="ordinal")
        return f"{day} {_AZ_MONTHS[moment.month - 1]} {year} il"
    day = num2words(moment.day, lang="ru", to="ordinal", case="genitive")
    year = num2words(moment.year, lang="ru", to="ordinal", case="genitive")
    return f"{day} {_RU_MONTHS_GENITIVE[moment.month - 1]} {year} года"
