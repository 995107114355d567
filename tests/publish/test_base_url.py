"""A build without `base_url` makes feeds whose every URL is http://localhost:8000/…: fine for
`audiocast serve`, broken for every podcast app once copied to a server. The build says so."""

from __future__ import annotations

from audiocast.cli import main
from tests.publish.conftest import BASE_URL, write_episode

SHOW = '[[shows]]\nslug = "politika"\ntitle = "Politika"\nowner_email = "podcast@minval.az"\n'


def build_warnings(site, capsys) -> list[str]:
    assert main(["--site", str(site), "build"]) == 0
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]


def test_a_build_without_base_url_warns_that_its_feeds_are_a_local_preview(tmp_path, capsys):
    write_episode(tmp_path / "episodes", 1)
    (tmp_path / "audiocast.toml").write_text(SHOW, encoding="utf-8")
    (warning,) = build_warnings(tmp_path, capsys)
    assert "base_url" in warning and "http://localhost:8000/" in warning
    assert "local preview" in warning
    feed = (tmp_path / "public" / "politika" / "feed.xml").read_text(encoding="utf-8")
    assert "http://localhost:8000/episodes/" in feed  # what the warning is about

    (tmp_path / "audiocast.toml").write_text(f'base_url = "{BASE_URL}"\n' + SHOW, encoding="utf-8")
    assert build_warnings(tmp_path, capsys) == []  # set: nothing to say


def test_a_base_url_on_this_machine_is_a_local_preview_too(tmp_path, capsys):
    write_episode(tmp_path / "episodes", 1)
    (tmp_path / "audiocast.toml").write_text(
        'base_url = "http://127.0.0.1:8080/podcasts/"\n' + SHOW, encoding="utf-8"
    )
    (warning,) = build_warnings(tmp_path, capsys)
    assert "http://127.0.0.1:8080/podcasts/" in warning and "local preview" in warning
