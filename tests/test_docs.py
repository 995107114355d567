"""The guide: `mkdocs build --strict` builds docs/ (no broken link or anchor, no page left out of
the navigation); its generated pages show the real argument parser and the recorded benchmark
figures, so neither can go stale; the README stays a short front page whose links into docs/
resolve, and gives the commands CI runs."""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from audiocast.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "benchmarks" / "results"
README_MAX_LINES = 150
DOC_LINK = re.compile(r"\]\((?P<path>docs/[^)#\s]+)(?:#(?P<anchor>[^)\s]+))?\)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (`pip install mkdocs`): the guide cannot be built")
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def page(site: Path, source: str) -> str:
    """The built HTML of docs/SOURCE (`cli.md` → cli/index.html)."""
    stem = source.removesuffix(".md")
    built = site / "index.html" if stem == "index" else site / stem / "index.html"
    return built.read_text(encoding="utf-8")


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def test_every_page_is_built(site):
    for source in sorted((ROOT / "docs").glob("*.md")):
        assert "<h1" in page(site, source.name), source.name


def test_the_cli_reference_is_the_parser_s_own_help(site):
    html = page(site, "cli.md")
    parser = _parser()
    assert "usage: audiocast" in html
    subcommands = commands(parser)
    assert subcommands, "the parser has no commands"
    for name, command in subcommands.items():
        assert f"usage: audiocast {name}" in html, name
        for action in command._actions:
            for option in action.option_strings:
                assert option in html, f"audiocast {name} {option}"
    assert "audiocast:cli-reference" not in html  # the marker was replaced


def _first_time(data) -> str | None:
    """The first time of measurement a results file holds, as the page shows it."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("measured_at", "measured", "date") and isinstance(value, str):
                return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        for value in data.values():
            found = _first_time(value)
            if found:
                return found
    return None


# a figure of each results file, as the benchmarks page prints it
FIGURES = {
    "publish_build": lambda d: f"{d['runs']['full']['seconds']:.2f}",
    "sync_batch": lambda d: f"{d['one_worker']['seconds']:.1f}",
    "startup": lambda d: f"{d['runs'][d['label']]['commands']['help']['median_s']:.2f} s",
    "episode_stages": lambda d: f"{d['medians']['seed']['cold']['total']:.3f}",
    "hostile_input": lambda d: f"{d['cases']['script']['seconds']:.2f}",
    "single_article": lambda d: f"{next(iter(d['seeds'].values()))['ratios']['wall']:.2f}",
    "wordpress_plugin": lambda d: f"{d['no_change_sync_median_s']:.4g}",  # as _plain prints it
}


def test_the_benchmarks_page_shows_the_recorded_figures(site):
    html = page(site, "benchmarks.md")
    results = sorted(RESULTS.glob("*.json"))
    assert results, "no figures of record in benchmarks/results/"
    checked = 0
    for path in results:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert f"benchmarks/results/{path.name}" in html, path.name
        when = _first_time(data)
        if when:
            assert when in html, f"{path.name}: measured {when}"
        if path.stem in FIGURES:
            figure = FIGURES[path.stem](data)
            assert figure in html, f"{path.name}: {figure}"
            checked += 1
    assert checked, "no results file with a known figure"
    for script in (ROOT / "benchmarks").glob("*.py"):
        if script.stem != "results_file":
            assert f"benchmarks/{script.name}" in html, script.name
    assert "audiocast:benchmark" not in html  # every marker was replaced


def test_the_readme_is_short_and_links_into_docs():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= README_MAX_LINES
    links = list(DOC_LINK.finditer(text))
    assert links, "the README links to no page of docs/"
    for link in links:
        assert (ROOT / link["path"]).is_file(), link["path"]


def test_the_readme_s_anchors_into_docs_exist(site):
    for link in DOC_LINK.finditer(README.read_text(encoding="utf-8")):
        if link["anchor"]:
            html = page(site, link["path"].removeprefix("docs/"))
            assert f'id="{link["anchor"]}"' in html, link.group(0)


def test_the_readme_gives_the_commands_ci_runs():
    text = README.read_text(encoding="utf-8")
    assert "bash .ci/setup && .venv/bin/audiocast demo" in text
    test_command = "bash .ci/setup --test && .venv/bin/python -m pytest -q"
    assert test_command in text
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
