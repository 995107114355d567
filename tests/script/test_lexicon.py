"""The pronunciation lexicon: files editors write, how entries match, and how a site's lexicon
reaches the script."""

from __future__ import annotations

import dataclasses

import pytest

from audiocast.config import load_settings
from audiocast.errors import ConfigError
from audiocast.model import SegmentKind
from audiocast.pipeline import Pipeline
from audiocast.resources import bundled_dir
from audiocast.script.lexicon import Lexicon, load_lexicons, read_lexicon, stress_from_plus
from tests.conftest import ARTICLES

STRESS = "\u0301"


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_lexicon_with_plus_stress(tmp_path):
    path = write(tmp_path / "ru.toml", '[words]\n"Баку" = "Бак+у"\n"SOCAR" = "сок+ар"\n')
    assert read_lexicon(path) == {"Баку": f"Баку{STRESS}", "SOCAR": f"сока{STRESS}р"}


def test_csv_lexicon_with_header_notes_and_comments(tmp_path):
    path = write(
        tmp_path / "ru.csv",
        "written,spoken,note\n# comment\nBrent,Брент,нефть\nГянджа,Гяндж+а\n\n",
    )
    assert read_lexicon(path) == {"Brent": "Брент", "Гянджа": f"Гянджа{STRESS}"}


def test_stress_from_plus_marks_the_vowel_after_it():
    assert stress_from_plus("Ильх+ам Али+ев") == f"Ильха{STRESS}м Алие{STRESS}в"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[words]\n"Баку" = ""\n', "[words] 'Баку'"),
        ('[words]\n"Баку" = 5\n', "the spoken form must be a non-empty string"),
        ('[words]\n"Баку" = "Бак+"\n', "'+' marks stress and must stand right before a vowel"),
        ('"Баку" = "Бак+у"\n', "unknown key 'Баку'; entries go in the [words] table"),
        ("[words\n", "not valid TOML"),
    ],
)
def test_a_bad_toml_entry_is_one_line_naming_file_and_entry(tmp_path, text, message):
    path = write(tmp_path / "ru.toml", text)
    with pytest.raises(ConfigError) as error:
        read_lexicon(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_every_bad_csv_row_is_reported_with_its_line(tmp_path):
    path = write(tmp_path / "ru.csv", "Brent,Брент\nодна колонка\nа,б,в,г\nSOCAR,\n")
    with pytest.raises(ConfigError) as error:
        read_lexicon(path)
    lines = str(error.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}: line 2: expected written,spoken[,note]")
    assert lines[1].startswith(f"{path}: line 3:")
    assert lines[2] == (
        f"{path}: line 4: entry 'SOCAR': the spoken form must be a non-empty string, got ''"
    )


def test_longest_entry_wins_and_multi_word_entries_match():
    lexicon = Lexicon({"SDF": "эс-ди-эф", "SDF/YPG": "эс-ди-эф, уай-пи-джи", "Wall Street": "Уолл"})
    assert (
        lexicon.apply("террористов SDF/YPG и SDF") == "террористов эс-ди-эф, уай-пи-джи и эс-ди-эф"
    )
    assert lexicon.apply("газета Wall Street") == "газета Уолл"


def test_acronyms_match_in_capitals_only_other_entries_in_any_case():
    lexicon = Lexicon({"IT": "ай-ти", "Telegram": "Телеграм"})
    assert lexicon.apply("IT-сектор, it is, TELEGRAM и telegram") == (
        "ай-ти-сектор, it is, Телеграм и Телеграм"
    )


def test_entries_match_whole_words_only():
    lexicon = Lexicon({"Баку": f"Баку{STRESS}", "ЕС": "е-эс"})
    assert lexicon.apply("Бакуриани, Баку-Грозный, ЕСПЧ, ЕС.") == (
        f"Бакуриани, Баку{STRESS}-Грозный, ЕСПЧ, е-эс."
    )


def test_entries_ending_in_punctuation_still_match():
    lexicon = Lexicon({"ОПЕК+": "опек плюс", "в т. ч.": "в том числе"})
    assert lexicon.apply("ОПЕК+ и, в т. ч., Россия") == "опек плюс и, в том числе, Россия"


def test_stress_only_entries_are_kept_apart_from_rewrites():
    lexicon = Lexicon({"Баку": f"Баку{STRESS}", "SOCAR": "сокар"})
    assert lexicon.rewrite("SOCAR в Баку") == "сокар в Баку"
    assert lexicon.add_stress("SOCAR в Баку") == f"SOCAR в Баку{STRESS}"


def test_site_lexicon_extends_and_overrides_the_bundled_one(tmp_path):
    site = write(tmp_path / "lexicon.toml", '[words]\n"SOCAR" = "Сокар"\n"Qəbələ" = "Габал+а"\n')
    lexicons = load_lexicons(site, "ru")
    bundled = read_lexicon(bundled_dir("templates") / "lexicon" / "ru.toml")
    assert lexicons["ru"].entries["SOCAR"] == "Сокар"
    assert lexicons["ru"].entries["Qəbələ"] == f"Габала{STRESS}"
    assert lexicons["ru"].entries["НАТО"] == bundled["НАТО"]
    assert "az" not in lexicons


def test_a_lexicon_folder_has_one_file_per_language(tmp_path):
    folder = tmp_path / "lexicon"
    folder.mkdir()
    write(folder / "az.csv", "SOCAR,Sokar\n")
    write(folder / "ru.toml", '[words]\n"Minval" = "Минвал"\n')
    lexicons = load_lexicons(folder, "ru")
    assert lexicons["az"].entries == {"SOCAR": "Sokar"}
    assert lexicons["ru"].entries["Minval"] == "Минвал"


def test_a_missing_site_lexicon_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigError, match="lexicon: .*nowhere.toml does not exist"):
        load_lexicons(tmp_path / "nowhere.toml", "ru")


def test_the_bundled_lexicon_loads_and_knows_the_sites_names():
    entries = read_lexicon(bundled_dir("templates") / "lexicon" / "ru.toml")
    for written in ("SOCAR", "CSIS", "SDF/YPG", "Brent", "НАТО", "США", "Minval", "Баку"):
        assert written in entries
    assert "ВВП" not in entries  # spelled by rule


def test_lexicon_key_is_a_path_resolved_against_the_site_folder(tmp_path):
    write(tmp_path / "audiocast.toml", 'lexicon = "words/ru.csv"\n')
    assert load_settings(tmp_path).lexicon == tmp_path / "words" / "ru.csv"


def test_pipeline_speaks_with_the_sites_lexicon(settings, tmp_path):
    site = write(tmp_path / "site.csv", "Gulfood,Галфуд-выставка\n")
    pipeline = Pipeline(dataclasses.replace(settings, lexicon=site))
    script = pipeline.script(pipeline.read(str(ARTICLES / "short-news.json")))
    spoken = " ".join(s.spoken for s in script.segments if s.kind is SegmentKind.SENTENCE)
    assert "Галфуд-выставка" in spoken and "Gulfood" not in spoken


def test_a_bad_site_lexicon_stops_the_pipeline_before_any_work(settings, tmp_path):
    site = write(tmp_path / "site.toml", '[words]\n"Баку" = "Бак+"\n')
    with pytest.raises(ConfigError, match=r"site\.toml: \[words\] 'Баку'"):
        Pipeline(dataclasses.replace(settings, lexicon=site))
