"""Small Russian text rules around ru-normalizr, each filling one gap it leaves.

Pre-rules rewrite the written text into a shape ru-normalizr reads right (it then does the case
agreement); post-rules fix its output. The order they run in is in `normalize.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from num2words import num2words

# An amount as written in the news: «14», «1,2», «1 500», «82.5».
AMOUNT = r"\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_MULTIPLIER = r"тыс|млн|млрд|трлн"

# --- sites and links -------------------------------------------------------------------------

_URL = re.compile(r"https?://(?:www\.)?([^\s/?#]+)[^\s]*?(?=[.,;:!?»)\"]*(?:\s|$))")
_TOP_LEVEL_DOMAINS = {
    "az": "аз", "ru": "ру", "com": "ком", "org": "орг", "net": "нет", "info": "инфо",
    "ua": "юа", "ge": "гэ-е", "tr": "тэ-эр", "io": "ай-оу", "gov": "гов",
}  # fmt: skip
_DOMAIN = re.compile(
    r"(?<![\w.@])((?:[A-Za-z0-9-]+\.)+)(" + "|".join(_TOP_LEVEL_DOMAINS) + r")(?![\w.]\w)",
    re.IGNORECASE,
)
_EMAIL_AT = re.compile(r"(?<=[A-Za-z0-9])@(?=[A-Za-z0-9-]+\.[A-Za-z])")


def links_to_site_names(text: str) -> str:
    """«https://minval.az/news/1» → «minval.az»: a newsreader names the site, not the path;
    ru-normalizr would read the whole address out, slash by slash. In an e-mail address the
    «@» is said «собака», as Russians do."""
    return _EMAIL_AT.sub(" собака ", _URL.sub(lambda m: m.group(1), text))


def site_names(text: str) -> str:
    """«Report.az» → «Report точка аз»: the dots of a site name are said, the domain is read as
    Russians say it; the name itself is left for the lexicon or transliteration."""

    def spoken(match: re.Match[str]) -> str:
        labels = match.group(1).rstrip(".").split(".")
        return " точка ".join([*labels, _TOP_LEVEL_DOMAINS[match.group(2).lower()]])

    return _DOMAIN.sub(spoken, text)


# --- dates, times, scores --------------------------------------------------------------------

_ISO_DATE = re.compile(
    r"(?<![\d./-])(\d{4})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?![\d/])"
)
_SEASON = re.compile(r"(?<![\d./-])(\d{4})/(\d{2})(?![\d/])")
_SCORE_CONTEXT = re.compile(r"(?:сч[её]т\w*|ничь\w*)\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"(?<![\d:.,/])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
_SCORE = re.compile(r"(?<![\d:.,/])(\d{1,2}):(\d{1,2})(?![\d:])")


def iso_dates(text: str) -> str:
    """«2026/01/28» → «28.01.2026», the order ru-normalizr reads as a date (it misreads the
    site's own time stamps as fractions)."""
    return _ISO_DATE.sub(lambda m: f"{int(m[3]):02d}.{int(m[2]):02d}.{m[1]}", text)


def seasons(text: str) -> str:
    """«сезона 2025/26» → «две тысячи двадцать пять — двадцать шесть»: a sports season is a
    name, said with cardinals; ru-normalizr reads it as a fraction."""
    return _SEASON.sub(lambda m: f"{_cardinal(m[1])} — {_cardinal(m[2])}", text)


def clock_times(text: str) -> str:
    """«в 10:00» → «в 10 ч», «в 21:45» → «в 21 ч 45 мин»: written as units, ru-normalizr says
    «в десять часов», «до двадцати одного часа сорока пяти минут» with the case of the
    preposition; on its own it says «десять, ноль ноль». A score («счётом 10:12») is not a time."""

    def spoken(match: re.Match[str]) -> str:
        if _SCORE_CONTEXT.search(text, 0, match.start()):
            return match.group(0)
        hours, minutes = int(match[1]), int(match[2])
        return f"{hours} ч" if minutes == 0 else f"{hours} ч {minutes} мин"

    return _CLOCK.sub(spoken, text)


def match_scores(text: str) -> str:
    """«1:1» → «один — один»: a score (what is left of N:M once times are taken) is said with
    cardinals in the nominative; ru-normalizr says «один:один» outside «со счётом»."""
    return _SCORE.sub(lambda m: f"{_cardinal(m[1])} — {_cardinal(m[2])}", text)


def _cardinal(digits: str) -> str:
    return num2words(int(digits), lang="ru")


# --- money -----------------------------------------------------------------------------------

# The genitive plural a currency takes after «тысяч», «миллионов», «миллиардов».
_CURRENCY_AFTER_MULTIPLIER = {
    "$": "долларов", "USD": "долларов", "€": "евро", "EUR": "евро", "£": "фунтов",
    "GBP": "фунтов", "₽": "рублей", "RUB": "рублей", "₼": "манатов", "AZN": "манатов",
    "₺": "лир", "TRY": "лир", "₸": "тенге", "KZT": "тенге", "₴": "гривен", "UAH": "гривен",
}  # fmt: skip
_SIGN = r"[$€£₽₼₺₸₴]"
_CODE = r"USD|EUR|GBP|RUB|AZN|TRY|KZT|UAH"
_SIGN_BEFORE = re.compile(
    rf"(?P<sign>{_SIGN}|(?<![\w])(?:{_CODE})\s)\s?(?P<amount>{AMOUNT})\s?"
    rf"(?P<mult>{_MULTIPLIER})(?P<dot>\.)?(?![\w])"
)
_SIGN_AFTER = re.compile(
    rf"(?<![\w,.])(?P<amount>{AMOUNT})\s?(?P<mult>{_MULTIPLIER})(?P<dot>\.)?\s?"
    rf"(?P<sign>{_SIGN}|(?:{_CODE})(?![\w]))"
)


def money_with_multiplier(text: str) -> str:
    """«$14 млрд» → «14 млрд долларов», «500 млн AZN» → «500 млн манатов»: ru-normalizr moves a
    sign only past the number («четырнадцать долларов млрд») and does not know the manat."""

    for pattern in (_SIGN_BEFORE, _SIGN_AFTER):
        text = pattern.sub(_amount_in_currency, text)
    return text


def _amount_in_currency(match: re.Match[str]) -> str:
    currency = _CURRENCY_AFTER_MULTIPLIER[match["sign"].strip()]
    multiplier = "тыс." if match["mult"] == "тыс" else match["mult"]
    # «$5 млн.» at the end: the dot was the full stop as well as the abbreviation's
    rest = match.string[match.end() :].lstrip()
    full_stop = "." if match["dot"] and (not rest or rest[0].isupper()) else ""
    return f"{match['amount']} {multiplier} {currency}{full_stop}"


_CODE_SIGNS = {
    "USD": "$", "EUR": "€", "GBP": "£", "RUB": "₽", "TRY": "₺", "KZT": "₸", "UAH": "₴",
}  # fmt: skip
_AMOUNT_AND_CODE = re.compile(
    rf"(?<![\w,.])(?P<amount>{AMOUNT})\s?(?P<code>{'|'.join(_CODE_SIGNS)})(?!\w)"
)


def currency_codes(text: str) -> str:
    """«1 USD» → «1 $»: ru-normalizr declines the sign («за один доллар»), while the letters
    would be spelled as an acronym. The manat's AZN is `manats_as_dollars`' job."""
    return _AMOUNT_AND_CODE.sub(lambda m: f"{m['amount']} {_CODE_SIGNS[m['code']]}", text)


_MANAT_BEFORE = re.compile(rf"(?:₼|(?<!\w)AZN\s?)\s?(?P<amount>{AMOUNT})(?![\d,.]\d)")
_MANAT_AFTER = re.compile(rf"(?<![\w,.])(?P<amount>{AMOUNT})\s?(?:₼|AZN(?!\w))")
_DOLLARS_WRITTEN = re.compile(r"\$|USD|доллар|долл\.|цент", re.IGNORECASE)
_DOLLAR_WORD = re.compile(r"(?<![а-яё])доллар", re.IGNORECASE)


def manats_as_dollars(text: str) -> tuple[str, bool]:
    """«до 5 ₼» → «до 5 $», and whether it did so. ru-normalizr does not know the manat, but
    «манат» declines exactly like «доллар», so a whole amount is read as dollars with full case
    agreement and the word is swapped back by `dollars_back_to_manats`. A fraction just gets
    «маната»; a sentence that also has dollars gets plain noun forms (`manat_nouns`)."""
    if "₼" not in text and "AZN" not in text:
        return text, False
    if _DOLLARS_WRITTEN.search(text):
        return manat_nouns(text), False
    text = _MANAT_AFTER.sub(_manat_as_dollar, _MANAT_BEFORE.sub(_manat_as_dollar, text))
    return text, True


def _manat_as_dollar(match: re.Match[str]) -> str:
    amount = match["amount"]
    if re.search(r"[.,]", amount):
        # a fraction takes «маната» in every case; as dollars it would become cents
        return f"{amount} маната"
    return f"{amount} $"


def dollars_back_to_manats(text: str) -> str:
    """The second half of `manats_as_dollars`: «пяти долларов» → «пяти манатов»."""
    return _DOLLAR_WORD.sub("манат", text)


def manat_nouns(text: str) -> str:
    """«21 ₼» → «21 манат», «1,7 AZN» → «1,7 маната»: the nominative form the number asks for."""

    def spoken(match: re.Match[str]) -> str:
        return f"{match['amount']} {_manat_form(match['amount'])}"

    return _MANAT_AFTER.sub(spoken, _MANAT_BEFORE.sub(spoken, text))


def _manat_form(amount: str) -> str:
    if re.search(r"[.,]", amount):
        return "маната"
    number = int(re.sub(r"\D", "", amount))
    if 11 <= number % 100 <= 14:
        return "манатов"
    return {1: "манат", 2: "маната", 3: "маната", 4: "маната"}.get(number % 10, "манатов")


# --- abbreviations ru-normalizr leaves or misreads --------------------------------------------

_YEAR_DOT_MID_SENTENCE = re.compile(r"(\d)\s?(гг?)\.(?=\s+[«\"(]?[А-ЯЁA-Z])")
_SQUARE_OR_CUBIC = re.compile(r"(?<![а-яё])(кв|куб)\.\s?(км|м)(?![а-яё])")
_IN_CITY = re.compile(r"(?<![\w])([Вв]о?)\s+г\.\s?(?=([А-ЯЁ][а-яё-]+))")
_INDECLINABLE_CITIES = frozenset({"Баку", "Шеки", "Сочи", "Тбилиси", "Сухуми"})


def year_abbreviation_mid_sentence(text: str) -> str:
    """«в 2025 г. Азербайджан…» → «в 2025 г Азербайджан…»: inside one sentence the dot of «г.»
    is not a full stop, but ru-normalizr keeps it («в две тысячи двадцать пятом году.»)."""
    return _YEAR_DOT_MID_SENTENCE.sub(r"\1 \2", text)


def square_and_cubic_units(text: str) -> str:
    """«тыс. кв. км» → «тыс. км²», «млрд куб. м газа» → «млрд м³ газа»: ru-normalizr reads
    «кв.» after «тыс.» as «киловольт» and leaves «куб. м» before a word as it is; the
    superscript forms it reads as «квадратных километров», «кубических метров»."""
    return _SQUARE_OR_CUBIC.sub(lambda m: m[2] + ("²" if m[1] == "кв" else "³"), text)


def city_after_v(text: str) -> str:
    """«в г. Баку» → «в городе Баку»: ru-normalizr always says «в город». A city name that
    ends in -у/-ю (and is not indeclinable like Баку) is accusative («в г. Гянджу») and keeps
    «в город»; news mostly say where, so otherwise the locative."""

    def spoken(match: re.Match[str]) -> str:
        name = match.group(2)
        if name[-1] in "ую" and name not in _INDECLINABLE_CITIES:
            return f"{match.group(1)} город "
        return f"{match.group(1)} городе "

    return _IN_CITY.sub(spoken, text)


# --- amounts ru-normalizr leaves in the nominative ---------------------------------------------

# Nouns made from verbs take the counted amount in the genitive: «о переводе четырнадцати
# миллиардов», «строительство пяти линий». ru-normalizr only knows prepositions and verbs.
_ACTION_NOUN = (
    r"перевод|вывод|выделени|привлечени|вложени|поставк|закупк|продаж|покупк|экспорт|импорт"
    r"|гибел|эвакуаци|строительств|открыти|освобождени|задержани|уничтожени|сокращени"
    r"|увольнени|выплат|возврат|перечислени|списани|погашени|потер|добыч|производств"
    r"|транспортировк|приобретени|размещени|создани|запуск|подписани"
)
_GENITIVE_PREPOSITION = r"до|от|около|более|менее|свыше|порядка|из|после|против|с|со"
_MONTHS_AND_YEARS = (
    r"январ|феврал|март|апрел|ма[йяюе]|июн|июл|август|сентябр|октябр|ноябр|декабр|год|гг?\b"
)
# The amount with what it counts («14 млрд долларов», «5 трамвайных», «0,5%»); not a date.
_AMOUNT_PHRASE = (
    rf"(?P<phrase>(?:{AMOUNT})(?![\d.:/-]?\d|-|\s*(?:{_MONTHS_AND_YEARS}))"
    rf"(?:\s?(?:{_MULTIPLIER})\.?)?(?:\s?[%$€]|\s+[а-яё]+[²³]?)?)"
)
# the noun's case endings only: «выплатила», «потерявший» are verbs and participles, which
# take the amount in the accusative («выплатила пять миллионов»), not nouns of action
_NOUN_ENDING = r"(?:а|у|е|о|ом|ой|ою|и|ы|й|ь|ам|ами|ах|ов|ей|ю|я|ем|ям|ями|ях|ью|ия|ию|ии|ие|ием)?"
_AFTER_ACTION_NOUN = re.compile(
    rf"(?<![\w])(?:{_ACTION_NOUN}){_NOUN_ENDING}\s+{_AMOUNT_PHRASE}", re.IGNORECASE
)
_ZERO_AFTER_PREPOSITION = re.compile(
    rf"(?<![\w])(?:{_GENITIVE_PREPOSITION})\s+(?=0,\d){_AMOUNT_PHRASE}", re.IGNORECASE
)
_LEADING_DLYA = re.compile(r"^\s*для\s+", re.IGNORECASE)


def amounts_in_genitive(text: str, read: Callable[[str], str]) -> str:
    """Two places ru-normalizr leaves an amount in the nominative where Russian wants the
    genitive: after a noun of action («о переводе 14 млрд долларов» → «о переводе
    четырнадцати миллиардов долларов») and a fraction with no whole part after a preposition
    («до 0,5%» → «до ноля целых пяти десятых процента»). The amount is read by READ
    (ru-normalizr) after «для», which it knows takes the genitive, and the words replace it."""

    def spoken(match: re.Match[str]) -> str:
        phrase = match["phrase"]
        zero_whole = phrase.startswith("0,")
        if zero_whole:
            phrase = "1" + phrase[1:]  # read as «одной целой …», then the whole part swapped
        words = _LEADING_DLYA.sub("", read(f"для {phrase}"))
        if zero_whole:
            words = re.sub(r"^одной целой", "ноля целых", words)
        return match.group(0)[: match.start("phrase") - match.start()] + words

    text = _AFTER_ACTION_NOUN.sub(spoken, text)
    return _ZERO_AFTER_PREPOSITION.sub(spoken, text)


# --- post-rules on ru-normalizr's output -----------------------------------------------------

_ONE_THOUSAND = re.compile(r"(?<![\w-])(одна|одной|одну|одною)\s+(?=тысяч)", re.IGNORECASE)
_TENS_OR_HUNDREDS = re.compile(
    r"(?:дцат|десят|сорок|девяност|сто|ста|сот|двест|трист|четырест)[а-яё]*\s*$", re.IGNORECASE
)


def thousand_without_one(text: str) -> str:
    """«около одной тысячи пятисот человек» → «около тысячи пятисот человек»: a newsreader
    does not say «одна» before «тысяча» unless it ends a longer number («двадцать одна тысяча»)."""

    def spoken(match: re.Match[str]) -> str:
        if _TENS_OR_HUNDREDS.search(text, 0, match.start()):
            return match.group(0)
        return ""

    return _ONE_THOUSAND.sub(spoken, text)


# --- ordinals ru-normalizr reads as cardinals ------------------------------------------------

_ROMAN = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
# The ending of the adjective after the numeral → the ordinal's case, gender, number (num2words'
# codes). Endings nouns share are narrowed by the letters before them: «заседание», «музей»,
# «форумом» are nouns and left alone; «зимние», «весенние», «Мировой» are adjectives.
_ADJECTIVE_ENDINGS = (
    (r"[ое]го", ("g", "m", False)),
    (r"[ое]му", ("d", "m", False)),
    (r"[ыи]ми", ("i", "m", True)),
    (r"[ыи]х", ("g", "m", True)),
    (r"[ыи]й", ("n", "m", False)),
    (r"[ая]я", ("n", "f", False)),
    (r"[ое]е", ("n", "n", False)),
    (r"[ую]ю", ("a", "f", False)),
    (r"ые|(?<=[кгхжшщч])ие|(?<=[б-джзй-нп-тф-щ]н)ие", ("n", "m", True)),
    (r"ой|(?<=[нжшчщ])ей", ("g", "f", False)),
    (r"[ыи]м", ("i", "m", False)),
    (r"(?<=[нк])[ое]м|(?<=[жшчщ])ем", ("p", "m", False)),
)
_ROMAN_BEFORE_ADJECTIVE = re.compile(
    rf"(?<![\w-])(?P<roman>{_ROMAN})\s+(?=(?P<word>[А-ЯЁа-яё]{{3,}}?"
    rf"(?P<ending>{'|'.join(f'(?:{e})' for e, _ in _ADJECTIVE_ENDINGS)}))(?![а-яё]))"
)


def roman_before_adjectives(text: str) -> str:
    """«XII Глобальный Бакинский форум» → «двенадцатый Глобальный…», «участники XII
    Глобального форума» → «двенадцатого»: a Roman numeral before an adjective is an ordinal
    that takes the adjective's form. ru-normalizr only knows «век», «квартал», «глава» and the
    like, and reads the rest as cardinals («двенадцать Глобальный»)."""

    def spoken(match: re.Match[str]) -> str:
        if not match["roman"]:
            return match.group(0)
        word = match["word"]
        case, gender, plural = next(
            form for pattern, form in _ADJECTIVE_ENDINGS if re.search(f"(?:{pattern})$", word)
        )
        number = _roman_value(match["roman"])
        ordinal = num2words(
            number, lang="ru", to="ordinal", case=case, gender=gender, plural=plural
        )
        return f"{ordinal} "

    return _ROMAN_BEFORE_ADJECTIVE.sub(spoken, text)


def _roman_value(roman: str) -> int:
    values = [_ROMAN_VALUES[c] for c in roman]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


# A title in the nominative before a monarch's or pope's name: the name is nominative too.
_REGNAL_TITLES = {
    "Папа": "m", "Король": "m", "Царь": "m", "Император": "m", "Патриарх": "m", "Принц": "m",
    "Султан": "m", "Королева": "f", "Императрица": "f", "Царица": "f", "Принцесса": "f",
}  # fmt: skip
_REGNAL_NAME = re.compile(
    rf"(?<![\w-])(?P<title>{'|'.join(_REGNAL_TITLES)})\s+(?P<name>[А-ЯЁ][а-яё]+)\s+"
    rf"(?P<roman>{_ROMAN})(?![\w-])",
    re.IGNORECASE,
)


def regnal_numbers(text: str) -> str:
    """«Папа Лев XIV» → «Папа Лев четырнадцатый», «Король Карл III» → «… третий»: after a
    title the name is in the title's case; ru-normalizr takes the title for a governing noun
    and says «Лев четырнадцатого», «Карл третьей»."""

    def spoken(match: re.Match[str]) -> str:
        title = match["title"]
        gender = _REGNAL_TITLES.get(title.capitalize())
        if not match["roman"] or gender is None:
            return match.group(0)
        number = num2words(_roman_value(match["roman"]), lang="ru", to="ordinal", gender=gender)
        return f"{title} {match['name']} {number}"

    return _REGNAL_NAME.sub(spoken, text)


_ANNIVERSARY = re.compile(r"(?<![\d,.])(\d{1,3})-(лети[еяюи]|летием)(?![а-яё])")


def anniversaries(text: str) -> str:
    """«с 35-летием» → «с тридцатипятилетием», «100-летие» → «столетие»: the number is the
    first half of one compound word, in its genitive stem; ru-normalizr splits it
    («тридцати пяти летием»)."""

    def spoken(match: re.Match[str]) -> str:
        number = int(match[1])
        if number < 2:
            return match.group(0)
        stem = num2words(number, lang="ru", case="g").split()
        if stem[0] == "ста":
            stem[0] = "сто"  # «столетие», «стодвадцатилетие»
        stem = ["девяносто" if w == "девяноста" else w for w in stem]
        if stem[-1] == "одного":
            stem[-1] = "одно"  # «двадцатиоднолетие»
        return "".join(stem) + match[2]

    return _ANNIVERSARY.sub(spoken, text)


_TIMES_AND_A_HALF = re.compile(r"(?<![\d,.])(\d{1,2}),5\s+раза(?![а-яё])")


def times_and_a_half(text: str) -> str:
    """«в 1,5 раза» → «в полтора раза», «в 2,5 раза» → «в два с половиной раза»: what every
    newsreader says; ru-normalizr says «в одну целую пять десятых раза»."""

    def spoken(match: re.Match[str]) -> str:
        whole = int(match[1])
        if whole == 1:
            return "полтора раза"
        return f"{num2words(whole, lang='ru')} с половиной раза"

    return _TIMES_AND_A_HALF.sub(spoken, text)


_FINAL_STOP = re.compile(r"[.!?…]\W*$")


def keep_final_stop(written: str, spoken: str) -> str:
    """A sentence that ended with a full stop still does: ru-normalizr drops it with the dot of
    an abbreviation («… и 2018 гг.» → «… годах»), and engines end a sentence on it."""
    if _FINAL_STOP.search(written) and not _FINAL_STOP.search(spoken):
        return spoken.rstrip() + "."
    return spoken
