from __future__ import annotations

from datetime import datetime

from audiocast.script.dates import date_in_words


def test_russian_date_in_the_genitive():
    words = date_in_words(datetime(2025, 8, 26, 9, 30), "ru")
    assert words == "двадцать шестого августа две тысячи двадцать пятого года"


def test_first_and_round_years():
    assert date_in_words(datetime(2000, 1, 1), "ru") == "первого января двухтысячного года"
    assert date_in_words(datetime(2026, 11, 25), "ru") == (
        "двадцать пятого ноября две тысячи двадцать шестого года"
    )


def test_azerbaijani_date():
    assert (
        date_in_words(datetime(2026, 1, 28), "az")
        == "iyirmi səkkiz yanvar iki min iyirmi altıncı il"
    )


def test_english_date():
    assert date_in_words(datetime(2025, 8, 26), "en") == "August twenty-sixth, twenty twenty-five"
