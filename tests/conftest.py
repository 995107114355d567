"""Shared fixtures: settings pointing at temporary folders, a real engine that counts its calls,
and one real episode built once per test session from the site-shaped HTML page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from audiocast.config import Settings, load_settings
from audiocast.pipeline import EpisodeResult, Pipeline
from audiocast.speech.espeak import EspeakEngine
from audiocast.speech.registry import EngineSet

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
