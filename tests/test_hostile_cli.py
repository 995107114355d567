"""The reproductions of a hostile new user's session, command by command (in this process, but
for the file-size limit, which only a real process can be given): each ends as a result or as
one line naming the article and the problem, never a traceback or a poisoned site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import feedparser

from tests.conftest import ARTICLES

VT_ARTICLE = "---\ntitle: T\ndate: 2026-01-29T10:00:00+04:00\n---\n\nАбзац\x0bиз Word.\n"


def audiocast_process(*arguments, cwd, shell_prefix: str = ""):
    command = [sys.executable, "-m", "audiocast", *map(str, arguments)]
    if shell_prefix:  # e.g. a ulimit for this process only
        command = ["bash", "-c", shell_prefix + ' exec "$@"', "audiocast", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def assert_one_line_errors(result) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def test_a_vertical_tab_from_word_no_longer_poisons_the_build(tmp_path, audiocast):
    (tmp_path / "vt.md").write_text(VT_ARTICLE, encoding="utf-8")
    made = audiocast("episode", "vt.md", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    for _ in range(2):  # the second build used to fail again: every build, every sync
        built = audiocast("build", cwd=tmp_path)
        assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "all" / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries[0].title == "T"
    transcript = next((tmp_path / "public" / "episodes").glob("*/transcript.vtt"))
    assert "Абзац из Word." in transcript.read_text("utf-8")


def test_two_articles_with_one_file_name_are_two_episodes(tmp_path, audiocast):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "article.md").write_text(
            f"---\ntitle: Статья {folder}\n---\n\nТекст статьи {folder}.\n", encoding="utf-8"
        )
    result = audiocast("episode", "x/article.md", "y/article.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folders = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert len(set(folders)) == 2
    assert all(Path(folder, "episode.mp3").is_file() for folder in folders)


def test_a_script_url_never_becomes_a_link(tmp_path, audiocast):
    (tmp_path / "xss.md").write_text(
        '---\ntitle: T\nurl: "javascript:alert(document.cookie)"\n---\n\nТекст статьи.\n',
        encoding="utf-8",
    )
    made = audiocast("episode", "xss.md", cwd=tmp_path)
    assert made.returncode == 0 and "is not an http(s) address; left out" in made.stderr
    assert audiocast("build", cwd=tmp_path).returncode == 0
    pages = "".join(p.read_text("utf-8") for p in (tmp_path / "public").rglob("*.html"))
    assert "javascript:" not in pages.lower()


def test_a_jingle_that_is_not_audio_is_one_line_per_article(tmp_path, audiocast):
    (tmp_path / "empty.wav").write_bytes(b"")
    for jingle in ("/etc/passwd", "empty.wav"):
        (tmp_path / "audiocast.toml").write_text(f'jingle = "{jingle}"\n')
        result = audiocast("episode", ARTICLES / "plain-note.txt", cwd=tmp_path)
        assert result.returncode == 1
        errors = assert_one_line_errors(result)
        assert len(errors) == 1 and errors[0].startswith("error: jingle ")
        assert Path(jingle).name in errors[0]
        assert "cannot read audio" in errors[0] and result.stdout == ""


def test_an_edition_date_out_of_range_is_one_line(tmp_path, audiocast):
    result = audiocast("edition", "--at", "0001-01-01", cwd=tmp_path)
    assert result.returncode == 2
    assert assert_one_line_errors(result) == [
        "error: --at '0001-01-01': an edition's date must lie between the years 1970 and 9000"
    ]


def test_the_file_size_limit_is_one_line_naming_the_article(tmp_path):
    # 40 KiB: the speech cache and the MP3 of a short article are larger
    result = audiocast_process(
        "episode", ARTICLES / "plain-note.txt", cwd=tmp_path, shell_prefix="ulimit -f 40;"
    )
    assert result.returncode == 1, result.stderr
    errors = assert_one_line_errors(result)
    assert len(errors) == 1
    assert errors[0].startswith(f"error: {ARTICLES / 'plain-note.txt'}: ")
    assert "File too large" in errors[0]
    assert not list((tmp_path / "episodes").glob("*/episode.json"))  # nothing half-stored


def test_a_speech_cache_deleted_during_a_run_ends_it_with_one_line(tmp_path, settings):
    """The cache folder vanishes after synthesis, while the episode is levelled and encoded."""
    from audiocast.errors import ArticleError
    from audiocast.pipeline import Pipeline

    pipeline = Pipeline(settings)
    article = pipeline.read(str(ARTICLES / "plain-note.txt"))
    takes = len(pipeline.script(article).segments)
    done = 0

    def on_take():
        nonlocal done
        done += 1
        if done == takes:
            shutil.rmtree(settings.cache_dir / "speech")

    try:
        pipeline.make_episode(article, on_take=on_take)
    except ArticleError as exc:
        message = str(exc)
    else:
        raise AssertionError("the episode was made without its speech")
    assert message.startswith(f"{ARTICLES / 'plain-note.txt'}: ") and "\n" not in message
    assert "vanished during the run" in message
    assert not list(settings.episodes_dir.glob("*/episode.json"))
