"""The rules that need a word's grammar, each on its own (the golden table has them in news
sentences)."""

from __future__ import annotations

import pytest

from audiocast.script.ru_grammar import counted_shift, initials, so_called


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("т. н. миротворцы", "так называемые миротворцы"),
        ("с т.н.«оппозицией»", "с так называемой «оппозицией»"),
        ("Т.н. выборы прошли", "Так называемые выборы прошли"),
        ("армия т. н. ДНР", "армия так называемой ДНР"),  # indeclinable: genitive after a noun
        ("признал т. н. референдум", "признал так называемый референдум"),
        ("т. е. ничего", "т. е. ничего"),  # another abbreviation
        ("пункт н.", "пункт н."),
    ],
)
def test_so_called_agrees_with_its_word(written, spoken):
    assert so_called(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("поднялся на 2 позиции", "поднялся на две позиции"),
        ("поднялся на 24 позиции", "поднялся на двадцать четыре позиции"),
        ("вырос на 3 пункта", "вырос на три пункта"),
        ("поднялся на 12 позиции", "поднялся на 12 позиции"),  # 12–14 take the plural
        ("перенесли на 3 марта", "перенесли на 3 марта"),  # a date
        ("на 2 млрд долларов", "на 2 млрд долларов"),  # an abbreviation, for ru-normalizr
        ("на 5 позиций", "на 5 позиций"),  # ru-normalizr reads these right
        ("в 2 позиции", "в 2 позиции"),  # only after «на»
    ],
)
def test_a_shift_by_two_to_four_is_a_count(written, spoken):
    assert counted_shift(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("сообщил В.Путин", "сообщил В. Путин"),
        ("подписал В.В.Путин", "подписал В. В. Путин"),
        ("заявил И. Алиев", "заявил Алиев"),
        ("подписал И. Г. Алиев", "подписал Алиев"),
        ("сказал А.Иванов", "сказал Иванов"),
        ("провел Р. Гасанов", "провел Р. Гасанов"),
        ("в г. Баку", "в г. Баку"),  # lower case: an abbreviation, not an initial
        ("США. И Россия", "США. И Россия"),  # a sentence that starts with «И»
    ],
)
def test_initials_are_spaced_and_those_heard_as_words_left_out(written, spoken):
    assert initials(written) == spoken
