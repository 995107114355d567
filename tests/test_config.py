from __future__ import annotations

import pytest

from audiocast.config import load_settings
from audiocast.errors import ConfigError


def test_defaults_without_a_config_file(tmp_path):
    settings = load_settings(tmp_path)
    assert settings.episodes_dir == tmp_path / "episodes"
    assert settings.bitrate_kbps == 64
    assert settings.loudness_lufs == -16.0
    assert settings.voice_for("ru") == "ru-espeak"
    assert settings.voice_for("az") == "az-espeak"
    assert settings.voice_for("az", "ru-espeak") == "ru-espeak"


def test_values_and_relative_paths(tmp_path):
    (tmp_path / "audiocast.toml").write_text(
        'show = "Главное"\nepisodes_dir = "out/ep"\nbitrate_kbps = 96\ntimezone = "Asia/Baku"\n'
        'boilerplate = ["Реклама"]\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    assert settings.show == "Главное"
    assert settings.episodes_dir == tmp_path / "out" / "ep"
    assert settings.bitrate_kbps == 96
    assert settings.boilerplate == ("Реклама",)


def test_every_problem_is_reported_at_once_with_file_and_key(tmp_path):
    path = tmp_path / "audiocast.toml"
    path.write_text('bitrate_kbps = 65\nloudness_lufs = 3\nepisodes_dir = 5\ncolour = "red"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 4
    assert all(line.startswith(f"{path}: ") for line in lines)
    for key in ("bitrate_kbps", "loudness_lufs", "episodes_dir", "'colour'"):
        assert any(key in line for line in lines), key


def test_invalid_toml_names_the_file(tmp_path):
    (tmp_path / "audiocast.toml").write_text("show = \n")
    with pytest.raises(ConfigError, match="audiocast.toml: not valid TOML"):
        load_settings(tmp_path)


def test_shows_from_the_site_config(tmp_path):
    (tmp_path / "audiocast.toml").write_text(
        'base_url = "https://minval.az/podcasts/"\n'
        '[[shows]]\nslug = "politika"\ntitle = "Политика"\ncategories = ["Политика"]\n'
        'owner_email = "podcast@minval.az"\ncover = "covers/politika.jpg"\n'
        '[[shows]]\nslug = "all"\ntitle = "Все статьи"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    politika, everything = settings.all_shows()
    assert politika.slug == "politika" and politika.cover == tmp_path / "covers" / "politika.jpg"
    assert politika.includes("Политика") and not politika.includes("Спорт")
    assert everything.includes("Спорт")
    assert politika.explicit is False


def test_without_shows_there_is_one_show_of_everything(tmp_path):
    (show,) = load_settings(tmp_path).all_shows()
    assert (show.slug, show.title) == ("all", "Minval Politika")
    assert show.includes("Экономика")


def test_show_problems_name_the_show(tmp_path):
    path = tmp_path / "audiocast.toml"
    path.write_text(
        '[[shows]]\nslug = "Politika!"\ntitle = "П"\nexplicit = "no"\nfeed = 1\n'
        '[[shows]]\ntitle = "Без слага"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    message = str(caught.value)
    assert "shows[0]: slug 'Politika!' must be lower-case" in message
    assert "shows[0]: explicit must be true or false" in message
    assert "shows[0]: unknown key 'feed'" in message
    assert "shows[1]: slug is required" in message
