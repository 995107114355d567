from __future__ import annotations

import json

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


def test_without_shows_there_is_one_show_of_everything_in_each_language(tmp_path):
    show, azerbaijani = load_settings(tmp_path).all_shows()
    assert (show.slug, show.title, show.language) == ("all", "Minval Politika", "ru")
    assert show.includes("Экономика")
    assert (azerbaijani.slug, azerbaijani.language) == ("all-az", "az")
    assert azerbaijani.includes("Экономика")


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


def problems_of(tmp_path, text: str) -> list[str]:
    """The lines of the ConfigError that TEXT as audiocast.toml gives."""
    (tmp_path / "audiocast.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    return str(caught.value).splitlines()


def test_a_slug_with_a_final_newline_is_refused(tmp_path):
    lines = problems_of(tmp_path, '[[shows]]\nslug = "evil\\n"\ntitle = "Evil"\n')
    path = tmp_path / "audiocast.toml"
    assert lines == [f"{path}: shows[0]: slug 'evil\\n' must be lower-case letters, digits and -"]


LUFS = "a finite number from -40 to -10 LUFS"
DBTP = "a finite number from -9 to -0.1 dBTP"


@pytest.mark.parametrize(
    ("setting", "allowed"),
    [
        ("loudness_lufs = nan", LUFS),
        ("loudness_lufs = -inf", LUFS),
        ("loudness_lufs = -0.5", LUFS),
        ("loudness_lufs = -41", LUFS),
        ("true_peak_dbtp = nan", DBTP),
        ("true_peak_dbtp = -inf", DBTP),
        ("true_peak_dbtp = -60", DBTP),
        ("true_peak_dbtp = -0.05", DBTP),
    ],
)
def test_loudness_settings_are_finite_and_in_range(tmp_path, setting, allowed):
    lines = problems_of(tmp_path, setting + "\n")
    assert lines == [f"{tmp_path / 'audiocast.toml'}: {setting}: must be {allowed}"]


def test_loudness_keeps_6_db_of_headroom_under_the_true_peak(tmp_path):
    path = tmp_path / "audiocast.toml"
    path.write_text("loudness_lufs = -40\ntrue_peak_dbtp = -9\n")  # the lowest of both: fine
    settings = load_settings(tmp_path)
    assert (settings.loudness_lufs, settings.true_peak_dbtp) == (-40.0, -9.0)
    path.write_text("loudness_lufs = -10\ntrue_peak_dbtp = -4\n")  # exactly 6 dB under: fine
    assert load_settings(tmp_path).loudness_lufs == -10.0
    lines = problems_of(tmp_path, "loudness_lufs = -12\ntrue_peak_dbtp = -9\n")
    assert lines == [
        f"{path}: loudness_lufs = -12 with true_peak_dbtp = -9: loudness_lufs must be at least "
        "6 dB under true_peak_dbtp (here ≤ -15 LUFS); speech needs the headroom"
    ]
    (line,) = problems_of(tmp_path, "true_peak_dbtp = -5.0\nloudness_lufs = -10.5\n")
    assert line.startswith(f"{path}: loudness_lufs = -10.5 with true_peak_dbtp = -5: ")
    assert "(here ≤ -11 LUFS)" in line


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("bitrate_kbps = 64.0", "bitrate_kbps = 64.0 is not an MP3 bit rate; use one of 32, 40,"),
        ("feed_limit = true", "feed_limit = true: must be an integer ≥ 1"),
        ("page_size = true", "page_size = true: must be an integer ≥ 1"),
        ("workers = true", "workers = true: must be an integer ≥ 0 (0: one per core)"),
    ],
)
def test_integers_are_neither_booleans_nor_floats(tmp_path, setting, expected):
    (line,) = problems_of(tmp_path, setting + "\n")
    assert line.startswith(f"{tmp_path / 'audiocast.toml'}: {expected}")


SOURCE = '[[sources]]\nname = "minval"\nkind = "wordpress"\nurl = "https://minval.az"\n'
EDITION = '[[editions]]\nslug = "daily"\ntitle = "Главное"\nshow = "all"\n'


PER_PAGE = "an integer from 1 to 100 (WordPress's limit)"
SECONDS = "a finite number > 0 seconds"


@pytest.mark.parametrize(
    ("table", "setting", "allowed"),
    [
        ("editions", "max_articles = -1", "an integer ≥ 1"),
        ("editions", "max_articles = 0", "an integer ≥ 1"),
        ("editions", "hours = 0", "an integer from 1 to 8784"),
        ("editions", "hours = -24", "an integer from 1 to 8784"),
        ("editions", "hours = 10000", "an integer from 1 to 8784"),
        ("sources", "max_pages = 0", "an integer ≥ 1"),
        ("sources", "per_page = 0", PER_PAGE),
        ("sources", "per_page = 101", PER_PAGE),
        ("sources", "timeout_seconds = 0", SECONDS),
        ("sources", "timeout_seconds = -1.5", SECONDS),
        ("sources", "timeout_seconds = nan", SECONDS),
        ("sources", "timeout_seconds = inf", SECONDS),
        ("sources", "max_bytes = 0", "an integer ≥ 1"),
        ("sources", "attempts = 0", "an integer ≥ 1"),
    ],
)
def test_numbers_in_sources_and_editions_are_in_range(tmp_path, table, setting, allowed):
    lines = problems_of(tmp_path, {"editions": EDITION, "sources": SOURCE}[table] + setting + "\n")
    assert lines == [f"{tmp_path / 'audiocast.toml'}: {table}[0]: {setting}: must be {allowed}"]


def test_an_integer_past_what_a_float_holds_is_no_finite_number(tmp_path):
    huge = "1" + "0" * 400  # tomllib reads it as an int; float() of it would raise
    lines = problems_of(tmp_path, f"{SOURCE}timeout_seconds = {huge}\n")
    assert lines == [
        f"{tmp_path / 'audiocast.toml'}: sources[0]: timeout_seconds = {huge}: must be {SECONDS}"
    ]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "America", "Asia/Baku\n", "", "../etc/passwd"])
def test_the_timezone_must_be_an_iana_time_zone(tmp_path, zone):
    lines = problems_of(tmp_path, f"timezone = {json.dumps(zone)}\n")
    path = tmp_path / "audiocast.toml"
    assert lines == [f"{path}: timezone {zone!r} is not an IANA time zone (e.g. Asia/Baku)"]


NOT_A_CODE = "is not a language code of 2 or 3 lower-case letters, e.g. 'ru'"


def test_languages_are_language_codes(tmp_path):
    lines = problems_of(
        tmp_path,
        'language = "Russian"\n[[shows]]\nslug = "ru"\ntitle = "T"\nlanguage = "ru\\n"\n',
    )
    path = tmp_path / "audiocast.toml"
    assert lines == [
        f"{path}: language 'Russian' {NOT_A_CODE}",
        f"{path}: shows[0]: language 'ru\\n' {NOT_A_CODE}",
    ]


@pytest.mark.parametrize(
    "key", ["episodes_dir", "cache_dir", "voices_dir", "templates_dir", "public_dir"]
)
def test_a_folder_setting_that_is_a_file_is_refused(tmp_path, key):
    (tmp_path / "x").write_text("")
    other = "cache_dir" if key == "episodes_dir" else "episodes_dir"
    # a folder that does not exist yet is fine: `audiocast episode` makes the store
    lines = problems_of(tmp_path, f'{key} = "x"\n{other} = "not/there/yet"\n')
    assert lines == [f"{tmp_path / 'audiocast.toml'}: {key} = 'x': is a file, not a folder"]


def test_a_file_setting_that_is_a_folder_is_refused(tmp_path):
    (tmp_path / "art").mkdir()
    (tmp_path / "plain").write_text("")
    lines = problems_of(
        tmp_path,
        f'cover = "art"\njingle = "{tmp_path / "art"}"\nlexicon = "art"\n'
        'episodes_dir = "plain/episodes"\n[[shows]]\nslug = "s"\ntitle = "S"\ncover = "art"\n',
    )
    path = tmp_path / "audiocast.toml"
    assert lines == [
        f"{path}: cover = 'art': is a folder, not a file",
        f"{path}: jingle = '{tmp_path / 'art'}': is a folder, not a file",
        f"{path}: episodes_dir = 'plain/episodes': a part of it is a file, not a folder",
        f"{path}: shows[0]: cover = 'art': is a folder, not a file",
    ]  # the lexicon may be a file or a folder


def test_a_path_with_a_nul_character_or_an_empty_store_path_is_a_problem(tmp_path):
    lines = problems_of(
        tmp_path,
        'episodes_dir = "a\\u0000b"\ncover = "c\\u0000.jpg"\npublic_dir = ""\n'
        '[[shows]]\nslug = "s"\ntitle = "S"\ncover = "\\u0000"\n',
    )
    path = tmp_path / "audiocast.toml"
    assert sorted(lines) == sorted(
        [
            f"{path}: episodes_dir = 'a\\x00b': a path cannot hold a NUL character",
            f"{path}: cover = 'c\\x00.jpg': a path cannot hold a NUL character",
            f"{path}: public_dir = '': must be a path, not empty",
            f"{path}: shows[0]: cover = '\\x00': a path cannot hold a NUL character",
        ]
    )


def test_subscribe_links_must_be_http_addresses(tmp_path):
    lines = problems_of(
        tmp_path,
        '[[shows]]\nslug = "s"\ntitle = "S"\napple_url = "javascript:alert(1)"\n'
        'spotify_url = "https://open.spotify.com/show/1 onmouseover=alert(1)"\n'
        '[[shows]]\nslug = "t"\ntitle = "T"\napple_url = "https://podcasts.apple.com/x\\n"\n',
    )
    path = tmp_path / "audiocast.toml"
    spotify = "https://open.spotify.com/show/1 onmouseover=alert(1)"
    assert sorted(lines) == sorted(
        [
            f"{path}: shows[0]: apple_url 'javascript:alert(1)' must be an http(s) address, "
            "without spaces, or empty",
            f"{path}: shows[0]: spotify_url {spotify!r} must be an http(s) address, "
            "without spaces, or empty",
            f"{path}: shows[1]: apple_url 'https://podcasts.apple.com/x\\n' must be an http(s) "
            "address, without spaces, or empty",
        ]
    )


@pytest.mark.parametrize(
    "url", ["https://minval.az\n", "https:// minval.az", "https://", "http://exa mple.az/feed/"]
)
def test_a_source_url_must_be_a_whole_http_address(tmp_path, url):
    text = f'[[sources]]\nname = "m"\nkind = "feed"\nurl = {json.dumps(url)}\n'
    lines = problems_of(tmp_path, text)
    path = tmp_path / "audiocast.toml"
    assert lines == [
        f"{path}: sources[0]: url {url!r} must be an http or https address, without spaces"
    ]


def test_the_new_problems_are_reported_together_one_line_each(tmp_path):
    (tmp_path / "x").write_text("")
    lines = problems_of(
        tmp_path,
        'timezone = "Mars/Olympus"\nloudness_lufs = nan\nworkers = true\ncache_dir = "x"\n'
        f"{SOURCE}per_page = 500\n{EDITION}hours = 0\n",
    )
    assert len(lines) == 6
    assert all(line.startswith(f"{tmp_path / 'audiocast.toml'}: ") for line in lines)
    for key in ("timezone", "loudness_lufs", "workers", "cache_dir", "per_page", "hours"):
        assert sum(key in line for line in lines) == 1, key


def test_the_edges_of_each_range_load_and_just_past_them_do_not(tmp_path):
    (tmp_path / "voices").mkdir()
    (tmp_path / "cover.jpg").write_bytes(b"")
    edges = {
        "loudness_lufs": ("-40", "-40.5"),
        "true_peak_dbtp": ("-9", "-9.5"),
        "workers": ("0", "-1"),
        "feed_limit": ("1", "0"),
        "per_page": ("100", "101"),
        "timeout_seconds": ("0.001", "-0.001"),
        "max_bytes": ("1", "0"),
        "attempts": ("1", "0"),
        "hours": ("8784", "8785"),
        "max_articles": ("1", "0"),
    }

    def site(edge: int) -> str:
        value = {key: pair[edge] for key, pair in edges.items()}
        return (
            'language = "az"\ntimezone = "Asia/Baku"\nvoices_dir = "voices"\n'
            'cover = "cover.jpg"\n'
            + "".join(f"{key} = {value[key]}\n" for key in list(edges)[:4])
            + '[[sources]]\nname = "m"\nkind = "wordpress"\nurl = "http://127.0.0.1:8080"\n'
            + "".join(f"{key} = {value[key]}\n" for key in list(edges)[4:8])
            + EDITION
            + "".join(f"{key} = {value[key]}\n" for key in list(edges)[8:])
            + '[[shows]]\nslug = "all"\ntitle = "Все"\nlanguage = "ru"\nvoice = "ru-espeak"\n'
            'apple_url = "https://podcasts.apple.com/az/podcast/id1?i=2#x"\n'
        )

    (tmp_path / "audiocast.toml").write_text(site(0), encoding="utf-8")
    settings = load_settings(tmp_path)
    assert (settings.language, settings.timezone, settings.workers) == ("az", "Asia/Baku", 0)
    assert settings.voices_dir == tmp_path / "voices" and settings.cover == tmp_path / "cover.jpg"
    assert (settings.loudness_lufs, settings.true_peak_dbtp) == (-40.0, -9.0)
    assert isinstance(settings.loudness_lufs, float) and isinstance(settings.true_peak_dbtp, float)
    (source,) = settings.sources
    assert (source.per_page, source.timeout_seconds, source.max_bytes) == (100, 0.001, 1)
    assert (settings.editions[0].hours, settings.editions[0].max_articles) == (8784, 1)
    assert settings.shows[0].voice == "ru-espeak"
    lines = problems_of(tmp_path, site(1))
    assert len(lines) == len(edges)
    for key, (_, past) in edges.items():
        assert sum(f" {key} = {past}: must be " in line for line in lines) == 1, key


def test_the_site_zone_is_read_once_and_a_bad_one_is_a_config_error(tmp_path):
    import dataclasses

    (tmp_path / "audiocast.toml").write_text('timezone = "Asia/Baku"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert str(settings.zone) == "Asia/Baku"
    with pytest.raises(ConfigError, match="'Mars/Olympus' is not an IANA time zone"):
        _ = dataclasses.replace(settings, timezone="Mars/Olympus").zone


# --- one declarative validator for every table --------------------------------------------

SHOW = '[[shows]]\nslug = "s"\ntitle = "S"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # settings: a wrong type, out of range, not one of the choices, an unknown key
        ("show = 5", "show must be a string, got 5"),
        ("remove_missing = 1", "remove_missing must be true or false, got 1"),
        ('boilerplate = "x"', "boilerplate must be a list of strings, got 'x'"),
        ('voice_by_language = "az"', "voice_by_language must be a table of language = voice"),
        ("episodes_dir = 5", "episodes_dir must be a path string, got 5"),
        ("max_article_chars = 999", "max_article_chars = 999: must be an integer ≥ 1000"),
        ("bitrate_kbps = true", "bitrate_kbps = true is not an MP3 bit rate; use one of 32,"),
        ("shows = 1", "shows must be an array of tables ([[shows]])"),
        ("sources = [1]", "sources must be an array of tables ([[sources]])"),
        ("root = '/'", "unknown key 'root' (known: base_url, bitrate_kbps,"),
        # [[shows]]
        (SHOW + "explicit = 1", "shows[0]: explicit must be true or false, got 1"),
        (SHOW + "guid = 1", "shows[0]: guid must be a string, got 1"),
        (SHOW + 'categories = "x"', "shows[0]: categories must be a list of site category names"),
        (SHOW + "cover = 1", "shows[0]: cover must be a path string, got 1"),
        (SHOW + 'feed = "x"', "shows[0]: unknown key 'feed' (known: apple_url, author,"),
        ('[[shows]]\nslug = "s"\ntitle = ""', "shows[0]: title '' must not be empty"),
        ('[[shows]]\nslug = "s"', "shows[0]: title is required"),
        # [[sources]]
        (SOURCE + "max_pages = 1.0", "sources[0]: max_pages = 1.0: must be an integer ≥ 1"),
        (SOURCE + 'timeout_seconds = "20"', "sources[0]: timeout_seconds = '20': must be a fin"),
        (SOURCE + "name2 = 1", "sources[0]: unknown key 'name2' (known: application_password_file"),
        (SOURCE.replace('"wordpress"', '"rss"'), "sources[0]: kind = 'rss' is not one of word"),
        (SOURCE.replace('"minval"', "5"), "sources[0]: name must be a string, got 5"),
        ('[[sources]]\nname = "m"\nkind = "feed"', "sources[0]: url is required"),
        # [[editions]]
        (EDITION + "hours = 24.0", "editions[0]: hours = 24.0: must be an integer from 1 to"),
        (EDITION + "categories = [1]", "editions[0]: categories must be a list of strings, got"),
        (EDITION.replace('"all"', "true"), "editions[0]: show must be a string, got true"),
        (EDITION + "at = 6", "editions[0]: unknown key 'at' (known: categories, hours,"),
        ('[[editions]]\nslug = "d"\ntitle = "T"', "editions[0]: show is required"),
    ],
)
def test_each_table_refuses_a_wrong_value_naming_the_file_and_the_key(tmp_path, text, expected):
    (line,) = problems_of(tmp_path, text + "\n")
    assert line.startswith(f"{tmp_path / 'audiocast.toml'}: {expected}")


def test_problems_of_every_table_come_together_in_the_file_s_order(tmp_path):
    lines = problems_of(
        tmp_path,
        f"workers = -1\ncolour = 1\n{SHOW}{SHOW}{SHOW}explicit = 0\n{SOURCE}per_page = 0\n"
        f"{EDITION}hours = 0\n",
    )
    path = tmp_path / "audiocast.toml"
    assert [line.removeprefix(f"{path}: ").split(" ")[0] for line in lines] == [
        "workers",
        "unknown",
        "shows[2]:",
        "two",  # shows[1] has the slug of shows[0]; shows[2], with a problem, is left out
        "sources[0]:",
        "editions[0]:",
    ]
    assert lines[3] == f"{path}: two shows have the slug 's'"


def test_an_optional_path_may_be_empty_and_a_store_path_may_not(tmp_path):
    (tmp_path / "audiocast.toml").write_text(
        f'voices_dir = ""\nlexicon = ""\ncover = ""\n{SHOW}cover = ""\n', encoding="utf-8"
    )
    settings = load_settings(tmp_path)
    assert (settings.voices_dir, settings.lexicon, settings.cover) == (None, None, None)
    assert settings.shows[0].cover is None
    (line,) = problems_of(tmp_path, 'cache_dir = ""\n')
    assert line == f"{tmp_path / 'audiocast.toml'}: cache_dir = '': must be a path, not empty"


def test_a_problem_between_keys_is_not_reported_on_top_of_a_key_s_own(tmp_path):
    path = tmp_path / "audiocast.toml"
    assert problems_of(tmp_path, f'{SHOW}language = "Russian"\nlanguages = ["az"]\n') == [
        f"{path}: shows[0]: language 'Russian' {NOT_A_CODE}"
    ]
    assert problems_of(tmp_path, 'loudness_lufs = -5\ntrue_peak_dbtp = "x"\n') == [
        f"{path}: loudness_lufs = -5: must be {LUFS}",
        f"{path}: true_peak_dbtp = 'x': must be {DBTP}",
    ]


def test_every_field_is_read_as_its_type_says_unless_its_spec_names_a_kind(tmp_path):
    import dataclasses

    from audiocast.validate import Integer, Invalid, Text, spec

    @dataclasses.dataclass(frozen=True)
    class Thing:
        name: str
        count: int = 1
        note: str | None = None

    thing = spec(Thing, {"count": Integer(0, 9)})
    assert Thing(**thing.read({"name": "a", "count": 9, "note": ""}, tmp_path)) == Thing("a", 9, "")
    with pytest.raises(Invalid) as caught:
        thing.read({"count": 10, "note": 1}, tmp_path)
    assert caught.value.problems == [
        "count = 10: must be an integer from 0 to 9",
        "note must be a string, got 1",
        "name is required",
    ]
    with pytest.raises(TypeError, match="Thing has no field size"):
        spec(Thing, {"size": Text()})

    @dataclasses.dataclass(frozen=True)
    class Odd:
        when: complex

    with pytest.raises(TypeError, match="Odd.when: no kind for"):
        spec(Odd, {})
