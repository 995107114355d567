"""Dates read in words, the way a presenter says them. The words around the numbers (month
names, the order, «года», "il") are the language's [dates] in audiocast/strings/."""

from __future__ import annotations

from datetime import datetime

from num2words import num2words

from audiocast.strings import Strings, strings_for


def date_in_words(moment: datetime, language: str) -> str:
    """«двадцать шестого августа две тысячи двадцать пятого года» for 2025-08-26 in Russian.

    The genitive is what follows «от» and what a presenter says for a date on its own. A
    language without a table of its own is read in Russian, as it always was.
    """
    strings = strings_for(language)
    return strings.text(
        "dates.spoken",
        day=_in_words(moment.day, strings, "dates.spoken_day"),
        month=strings.months()[moment.month - 1],
        year=_in_words(moment.year, strings, "dates.spoken_year"),
    )


def _in_words(number: int, strings: Strings, kind_key: str) -> str:
    case = strings.text("dates.spoken_case")
    options = {"case": case} if case else {}
    return num2words(number, lang=strings.language, to=strings.text(kind_key), **options)
