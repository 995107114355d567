"""Each text rule on its own, and the normalizer that runs them in order."""

from __future__ import annotations

import re

import pytest

from audiocast.script import ru_rules
from audiocast.script.lexicon import Lexicon
from audiocast.script.normalize import RussianNormalizer, normalizer_for, strip_stress, tidy
from audiocast.script.sentences import split_sentences
from audiocast.script.spelling import (
    spell_cyrillic_acronyms,
    spell_latin_acronyms,
    stress_marks_from_plus,
    transliterate_turkic,
)
from tests.conftest import SEED


@pytest.fixture(scope="module")
def russian():
    return normalizer_for("ru")


# --- pre-rules -------------------------------------------------------------------------------


def test_links_become_the_site_name_and_its_dots_are_said():
    text = ru_rules.links_to_site_names("Читайте на https://minval.az/news/130001. Спасибо")
    assert text == "Читайте на minval.az. Спасибо"
    assert ru_rules.links_to_site_names("пишите на info@minval.az") == (
        "пишите на info собака minval.az"
    )
    assert ru_rules.site_names("на minval.az.") == "на minval точка аз."
    assert ru_rules.site_names("1.5 и т.д.") == "1.5 и т.д."  # not a site


def test_iso_dates_are_turned_day_first():
    assert ru_rules.iso_dates("2026/01/28, 18:58") == "28.01.2026, 18:58"
    assert ru_rules.iso_dates("от 2025-8-26") == "от 26.08.2025"
    assert ru_rules.iso_dates("дробь 2026/13/40") == "дробь 2026/13/40"


def test_seasons_are_said_as_two_cardinals():
    assert ru_rules.seasons("сезона 2025/26") == "сезона две тысячи двадцать пять — двадцать шесть"


def test_clock_times_become_hours_and_minutes_but_scores_do_not():
    assert ru_rules.clock_times("в 10:00 и в 09:05") == "в 10 ч и в 9 ч 5 мин"
    assert ru_rules.clock_times("со счётом 10:12") == "со счётом 10:12"
    assert ru_rules.clock_times("в 25:00") == "в 25:00"


def test_scores_are_cardinals_in_the_nominative():
    assert ru_rules.match_scores("ничья 1:1") == "ничья один — один"
    assert ru_rules.match_scores("проиграла 0:2") == "проиграла ноль — два"


def test_money_sign_before_amount_and_multiplier_goes_after_both():
    assert ru_rules.money_with_multiplier("о переводе $14 млрд из") == (
        "о переводе 14 млрд долларов из"
    )
    assert ru_rules.money_with_multiplier("составили ₼500 млн.") == "составили 500 млн манатов."
    assert ru_rules.money_with_multiplier("€3 млрд. в год") == "3 млрд евро в год"
    assert ru_rules.money_with_multiplier("100 млн USD") == "100 млн долларов"
    assert ru_rules.money_with_multiplier("$20") == "$20"  # ru-normalizr reads this right


def test_currency_codes_after_amounts_become_signs():
    assert ru_rules.currency_codes("за 1 USD и 20 EUR") == "за 1 $ и 20 €"


def test_manats_are_read_as_dollars_then_swapped_back():
    text, swapped = ru_rules.manats_as_dollars("до 21 ₼ и 0,6 ₼")
    assert (text, swapped) == ("до 21 $ и 0,6 маната", True)
    assert ru_rules.dollars_back_to_manats("до двадцати одного доллара") == (
        "до двадцати одного маната"
    )


def test_manats_next_to_dollars_get_plain_noun_forms():
    text, swapped = ru_rules.manats_as_dollars("1 AZN, 2 AZN, 5 ₼, 11 ₼, 21 ₼ и 1,7 AZN за 1 $")
    assert not swapped
    assert text == "1 манат, 2 маната, 5 манатов, 11 манатов, 21 манат и 1,7 маната за 1 $"


def test_year_dot_inside_a_sentence_is_not_a_full_stop():
    assert ru_rules.year_abbreviation_mid_sentence("в 2025 г. ВВП вырос") == "в 2025 г ВВП вырос"
    assert ru_rules.year_abbreviation_mid_sentence("в 2025 г.") == "в 2025 г."


def test_square_and_cubic_units_get_superscripts():
    assert ru_rules.square_and_cubic_units("11,4 тыс. кв. км") == "11,4 тыс. км²"
    assert ru_rules.square_and_cubic_units("12 млрд куб. м газа") == "12 млрд м³ газа"


def test_in_city_is_locative_unless_the_name_is_accusative():
    assert ru_rules.city_after_v("в г. Гяндже") == "в городе Гяндже"
    assert ru_rules.city_after_v("в г. Баку") == "в городе Баку"
    assert ru_rules.city_after_v("в г. Гянджу") == "в город Гянджу"


def test_regnal_numbers_after_a_title_are_nominative():
    assert ru_rules.regnal_numbers("Папа Лев XIV") == "Папа Лев четырнадцатый"
    assert ru_rules.regnal_numbers("Королева Елизавета II") == "Королева Елизавета вторая"
    assert ru_rules.regnal_numbers("Папы Льва XIV") == "Папы Льва XIV"  # ru-normalizr's job


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("XII Глобальный форум", "двенадцатый Глобальный форум"),
        ("участники XII Глобального форума", "участники двенадцатого Глобального форума"),
        ("на III Шушинском форуме", "на третьем Шушинском форуме"),
        ("IV Международную конференцию", "четвёртую Международную конференцию"),
        ("XX Зимние игры", "двадцатые Зимние игры"),
        ("II Мировой войны", "второй Мировой войны"),
        ("с V Всемирным форумом", "с пятым Всемирным форумом"),
    ],
)
def test_roman_numeral_before_an_adjective_takes_its_form(written, spoken):
    assert ru_rules.roman_before_adjectives(written) == spoken


@pytest.mark.parametrize("written", ["III заседание", "XXV юбилей", "V съездом", "XX века"])
def test_roman_numeral_before_a_noun_is_left_to_ru_normalizr(written):
    assert ru_rules.roman_before_adjectives(written) == written


def test_anniversaries_are_one_compound_word():
    assert ru_rules.anniversaries("с 35-летием") == "с тридцатипятилетием"
    assert ru_rules.anniversaries("100-летие") == "столетие"
    assert ru_rules.anniversaries("90-летия") == "девяностолетия"
    assert ru_rules.anniversaries("к 21-летию") == "к двадцатиоднолетию"


def test_times_and_a_half():
    assert ru_rules.times_and_a_half("в 1,5 раза") == "в полтора раза"
    assert ru_rules.times_and_a_half("в 2,5 раза") == "в два с половиной раза"
    assert ru_rules.times_and_a_half("в 2,3 раза") == "в 2,3 раза"


def test_amounts_after_nouns_of_action_are_read_in_the_genitive():
    def read(text: str) -> str:  # a stand-in for ru-normalizr that shows what it was asked
        return f"«{text}»"

    assert ru_rules.amounts_in_genitive("о переводе 14 млрд долларов из", read) == (
        "о переводе «для 14 млрд долларов» из"
    )
    assert ru_rules.amounts_in_genitive("до 0,5%", read) == "до «для 1,5%»"
    assert ru_rules.amounts_in_genitive("на заседании 26 августа", read) == (
        "на заседании 26 августа"
    )
    assert ru_rules.amounts_in_genitive("закупка 2025 года", read) == "закупка 2025 года"


# --- spelling --------------------------------------------------------------------------------


def test_unknown_cyrillic_acronyms_are_spelled_by_letter_names():
    assert spell_cyrillic_acronyms("В ДТП на трассе") == "В дэ-тэ-пэ на трассе"
    assert spell_cyrillic_acronyms("эксперты ЛДПР") == "эксперты эл-дэ-пэ-эр"
    assert spell_cyrillic_acronyms("В ХХ веке") == "В ХХ веке"  # a Roman numeral in Cyrillic
    assert spell_cyrillic_acronyms("ВОЙНА И МИР") == "ВОЙНА И МИР"  # a shouted headline
    assert spell_cyrillic_acronyms("весь ОБЪЁМ") == "весь ОБЪЁМ"  # no acronym has ъ or ь


def test_unknown_latin_acronyms_are_spelled_with_english_letter_names():
    assert spell_latin_acronyms("в эфире CNN") == "в эфире си-эн-эн"
    assert spell_latin_acronyms("в XXI веке, IV квартал") == "в XXI веке, IV квартал"
    assert spell_latin_acronyms("компания Gazprom") == "компания Gazprom"


def test_azerbaijani_and_turkish_latin_words_are_written_in_cyrillic():
    assert transliterate_turkic("Xankəndi и Şuşa") == "Ханкенди и Шуша"
    assert transliterate_turkic("Erdoğan, Göyçay, İlham") == "Эрдоган, Гёйчай, Илхам"
    assert transliterate_turkic("Reuters") == "Reuters"  # English is ru-normalizr's


def test_stress_marks_from_plus_and_stripped():
    assert stress_marks_from_plus("Бак+у и с+ока") == "Баку\u0301 и со\u0301ка"
    assert strip_stress("Баку\u0301 и со\u0301ка") == "Баку и сока"


def test_tidy_turns_guillemets_into_plain_quotes_and_collapses_spaces():
    assert tidy("  «Карабах»  выиграл\n да ") == '"Карабах" выиграл да'


# --- the Russian normalizer ------------------------------------------------------------------


def test_issue_examples(russian):
    assert russian("1,2 млн человек") == "одна целая две десятых миллиона человек"
    assert russian("26 августа 2025") == (
        "двадцать шестого августа две тысячи двадцать пятого года"
    )
    assert russian("$14 млрд") == "четырнадцать миллиардов долларов"
    assert russian("в 10:00") == "в десять часов"
    assert russian("XXI век") == "двадцать первый век"


def test_lexicon_rewrites_before_and_stresses_after_ru_normalizr():
    lexicon = Lexicon({"Баку": "Баку\u0301", "SOCAR": "сока\u0301р"})
    normalize = RussianNormalizer(lexicon)
    # «г. Баку» is still a city to ru-normalizr, and the stress lands on the result
    assert normalize("От г. Баку до объектов SOCAR.") == (
        "От города Баку\u0301 до объектов сока\u0301р."
    )


def test_stress_marks_reach_the_output_and_strip_cleanly(russian):
    spoken = russian("Пашинян прибыл в Баку.")
    assert spoken == "Пашиня\u0301н прибыл в Баку\u0301."
    assert strip_stress(spoken) == "Пашинян прибыл в Баку."


def test_no_latin_letters_reach_a_russian_voice(russian):
    headlines = [
        line
        for line in SEED.read_text(encoding="utf-8").splitlines()
        if re.search("[а-я]", line, re.IGNORECASE) and re.search("[a-z]", line, re.IGNORECASE)
    ]
    assert headlines, "the seed page has Latin words in Russian lines"
    for line in headlines:
        spoken = russian(line)
        assert not re.search("[a-z]", spoken, re.IGNORECASE), (line, spoken)


def test_azerbaijani_is_only_tidied_without_an_azerbaijani_lexicon():
    normalize = normalizer_for("az")
    assert normalize("  Bakı  «28 May» 2025-ci il ") == 'Bakı "28 May" 2025-ci il'


def test_a_whole_page_chrome_and_all_is_normalized_to_words(russian):
    """Every sentence of the page, menus and footers too, comes out as words to say (its speed
    is measured by benchmarks/normalization.py, not asserted here: a timed test fails on a
    busy machine and proves nothing on a quiet one)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    sentences = [s for line in lines if line.strip() for s in split_sentences(line)]
    assert sum(map(len, sentences)) > 9_500  # about ten thousand characters
    for sentence in sentences:
        spoken = russian(sentence)
        assert spoken.strip() and not re.search(r"\d", spoken), (sentence, spoken)
