"""The commands as an editor runs them: stdout for data, stderr for the rest. Run in this
process (the `audiocast` fixture) except where a real process is the point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser

from tests.conftest import ARTICLES

BAD = ARTICLES / "bad"


def audiocast_process(*arguments, cwd):
    return subprocess.run(
        [sys.executable, "-m", "audiocast", *map(str, arguments)],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_batch_with_bad_articles_makes_the_good_ones_and_fails(tmp_path, audiocast):
    sources = [
        ARTICLES / "short-news.json",
        BAD / "no-title.json",
        tmp_path / "missing.md",
        BAD / "undecodable.txt",
        ARTICLES / "plain-note.txt",
    ]
    result = audiocast("episode", *sources, cwd=tmp_path)
    assert result.returncode == 1
    made = [line.split("\t") for line in result.stdout.splitlines()]
    assert [title for _, _, title in made] == [
        "Азербайджанская продукция покоряет международную выставку в Дубае",
        "Кремль пригласил Зеленского в Москву",
    ]
    for folder, _, _ in made:
        assert Path(folder).parent == tmp_path / "episodes"
        assert (Path(folder) / "episode.mp3").is_file()
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {BAD / 'no-title.json'}: no title",
        f"error: {tmp_path / 'missing.md'}: file not found",
        f"error: {BAD / 'undecodable.txt'}: not UTF-8 text (undecodable byte 0xff at 0)",
    ]
    assert "warning: " in result.stderr and "no publication date" in result.stderr
    assert "2 made, 3 failed" in result.stderr


def test_script_prints_exactly_what_will_be_spoken(tmp_path, audiocast):
    result = audiocast("script", ARTICLES / "short-news.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# Вступление"
    assert "Материал от двадцать восьмого января две тысячи двадцать шестого года." in lines
    assert any("то есть практически весь спектр" in line for line in lines)
    assert not any("т. е." in line or "40" in line for line in lines)
    assert not (tmp_path / "episodes").exists()  # nothing synthesized, nothing stored


def test_script_refuses_a_voice_that_does_not_speak_the_language(tmp_path, audiocast):
    result = audiocast("script", ARTICLES / "azerbaijani.md", "--voice", "ru-espeak", cwd=tmp_path)
    assert result.returncode == 2
    assert "is in 'az' but voice ru-espeak speaks 'ru'" in result.stderr


def test_voices_lists_profiles_and_whether_they_work(tmp_path, audiocast):
    result = audiocast("voices", cwd=tmp_path)
    assert result.returncode == 0
    for name in ("ru-espeak", "az-espeak"):
        row = next(line for line in result.stdout.splitlines() if name in line)
        assert "yes" in row


def test_config_errors_are_reported_together_before_any_work(tmp_path, audiocast):
    (tmp_path / "audiocast.toml").write_text('bitrate_kbps = 65\nvoise = "x"\n')
    result = audiocast("episode", ARTICLES / "short-news.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "bitrate_kbps = 65 is not an MP3 bit rate" in result.stderr
    assert "unknown key 'voise'" in result.stderr
    assert not (tmp_path / "episodes").exists()


def test_demo_builds_episodes_from_the_samples_offline(tmp_path, audiocast):
    """The quick start's main job end to end: the samples voiced, stored and published."""
    result = audiocast("demo", "--show", "Тестовое шоу", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    folders = [line[0] for line in lines if Path(line[0]).parent == tmp_path / "episodes"]
    assert len(folders) == 4
    languages = set()
    for folder in folders:
        info = json.loads((Path(folder) / "episode.json").read_text(encoding="utf-8"))
        assert info["show"] == "Тестовое шоу"
        languages.add((info["language"], info["voice"]))
    assert languages == {("ru", "ru-espeak"), ("az", "az-espeak")}
    # a feed declares one language: the three Russian samples are in "all", the Azerbaijani
    # one in "all-az" (no [[shows]]: one show per language of the site)
    feeds = {
        slug: feedparser.parse((tmp_path / "public" / slug / "feed.xml").read_bytes())
        for slug in ("all", "all-az")
    }
    assert [(feed.feed.language, len(feed.entries)) for feed in feeds.values()] == [
        ("ru", 3),
        ("az", 1),
    ]
    # no base_url in audiocast.toml: the build says the feeds are a local preview
    assert "warning: base_url is not set" in result.stderr
    for entry in feeds["all"].entries + feeds["all-az"].entries:
        episode_id = entry.link.rstrip("/").rsplit("/", 1)[1]
        page = tmp_path / "public" / "episodes" / episode_id / "index.html"
        assert entry.title in page.read_text("utf-8")
        data = json.loads((page.parent / "episode.json").read_text("utf-8"))
        assert (page.parent / data["src"].rsplit("/", 1)[1]).stat().st_size == int(
            entry.enclosures[0].length
        )


def test_undeclared_azerbaijani_article_goes_to_the_azerbaijani_voice(tmp_path, audiocast):
    article = tmp_path / "xeber.txt"
    article.write_text(
        "Bakıda beş yeni tramvay xətti çəkiləcək\n\n"
        "Bakı şəhərində beş yeni tramvay xəttinin çəkilməsi planlaşdırılır.\n",
        encoding="utf-8",
    )
    result = audiocast("episode", article, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.split("\t")[0])
    info = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
    assert (info["language"], info["voice"]) == ("az", "az-espeak")


def test_voices_says_why_a_profile_cannot_speak_here(tmp_path, audiocast):
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "ru-piper.toml").write_text(
        'engine = "piper"\nlanguage = "ru"\n[engine_options]\nmodel = "missing/ru.onnx"\n',
        encoding="utf-8",
    )
    (tmp_path / "audiocast.toml").write_text('voices_dir = "voices"\n', encoding="utf-8")
    result = audiocast("voices", cwd=tmp_path, env={"COLUMNS": "400"})
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "ru-piper" in line)
    assert "no: voice ru-piper" in row and "Piper model not found" in row


def test_the_command_leaves_at_once_with_its_output_and_status_intact(tmp_path):
    """`audiocast` skips Python's teardown (cli.run): what it printed must still arrive, and
    its exit status must still say how the run went."""
    (tmp_path / "audiocast.toml").write_text("")
    good = audiocast_process("script", str(ARTICLES / "minval-baku-kiev.md"), cwd=tmp_path)
    assert good.returncode == 0 and good.stdout.count("\n") > 20  # every line, none lost
    assert "Баку" in good.stdout
    bad = audiocast_process("episode", str(tmp_path / "missing.md"), cwd=tmp_path)
    assert bad.returncode == 1 and "missing.md" in bad.stderr
