"""Shared fixtures: settings pointing at temporary folders, a real engine that counts its calls,
and one real episode built once per test session from the site-shaped HTML page."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import pytest

from audiocast.cli import main
from audiocast.config import Settings, load_settings
from audiocast.pipeline import EpisodeResult, Pipeline
from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.registry import EngineSet
from tests.wordpress_site import WordPress, missing_packages, shared_wordpress

# This machine (and so CI) sets PYTHONDONTWRITEBYTECODE: every test process, each xdist worker
# and each `python -m audiocast` a test starts, would then compile the package and rewrite the
# tests' asserts anew (4 of a worker's 8 s before its first test). They keep compiled files in
# __pycache__ instead (ignored by git); this runs before the workers are started.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = FIXTURES / "articles"
# the site's article page as scraped text, chrome and all (minval-baku-kiev.html is made from it)
SEED = FIXTURES / "seeds" / "minval-baku-kiev.txt"


def make_settings(root: Path, **changes) -> Settings:
    settings = load_settings(root)
    defaults = {
        "episodes_dir": root / "episodes",
        "cache_dir": root / "cache",
        "timezone": "Asia/Baku",
    }
    return dataclasses.replace(settings, **{**defaults, **changes})


class CountingEspeak(EspeakEngine):
    """The real espeak-ng engine, counting the sentences it is asked to speak."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def synthesize(self, text, voice):
        self.calls.append(text)
        return super().synthesize(text, voice)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def counting_engine() -> CountingEspeak:
    return CountingEspeak()


@pytest.fixture
def pipeline(settings: Settings, counting_engine: CountingEspeak) -> Pipeline:
    return Pipeline(settings, EngineSet({"espeak": lambda: counting_engine}))


@pytest.fixture(scope="session")
def seed_episode(tmp_path_factory) -> EpisodeResult:
    """The site's article page made into a real episode once, for the tests that read it."""
    root = tmp_path_factory.mktemp("seed-episode")
    return Pipeline(make_settings(root)).make_episode(str(ARTICLES / "minval-baku-kiev.html"))


@dataclasses.dataclass
class CommandResult:
    """What a command run in this process printed and returned, read like a finished process."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def audiocast(capsys, monkeypatch):
    """`audiocast ARGUMENTS` in this process (cli.main, as the console script calls it), from
    the folder CWD: the command's own work without a new interpreter's start. Tests about what
    only a real process shows (signals, exit at once, resource limits) start one instead."""

    def run(*arguments, cwd: Path, env: dict[str, str] | None = None) -> CommandResult:
        monkeypatch.chdir(cwd)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()  # what earlier steps of the test printed is not this command's
        try:
            code = main([str(argument) for argument in arguments])
        except SystemExit as exc:  # argparse: --help, --version, a wrong argument
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = capsys.readouterr()
        return CommandResult(code, out, err)

    return run


# Debian's chromium, driven by Playwright (never a downloaded browser); the flags a root
# process on a closed network needs, and audio that plays without a gesture, muted
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required", "--mute-audio",
]  # fmt: skip


@pytest.fixture(scope="module")
def wordpress_site(tmp_path_factory) -> WordPress:
    """The test process's real WordPress (tests/wordpress_site.py: one for every module that
    only loads posts of its own); skipped only when its Debian packages are absent
    (`.ci/setup --test` installs them)."""
    reason = missing_packages()
    if reason:
        pytest.skip(reason)
    return shared_wordpress(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a test module (Playwright imported only by modules that use it)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: run `bash .ci/setup --test`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
