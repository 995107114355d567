"""What the real-WordPress sync tests share: a WordPress with a must-use plugin of the test's
own (the meta, application passwords), and a site folder synced from it — sync with a counting
espeak, build, and what public/ then holds."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from audiocast.config import Settings
from audiocast.publish.build import build
from audiocast.speech.registry import EngineSet
from audiocast.state import STATE_FILE, SyncState
from audiocast.sync import sync_once
from tests.conftest import CountingEspeak
from tests.publish.conftest import public_text
from tests.wordpress_site import WordPress, missing_packages


@contextmanager
def wordpress_with(folder: Path, name: str, mu_plugin: str) -> Iterator[WordPress]:
    """A real WordPress in FOLDER with MU_PLUGIN (PHP) as wp-content/mu-plugins/NAME; the test
    is skipped only when the Debian packages are absent (`.ci/setup --test` installs them)."""
    reason = missing_packages()
    if reason:
        pytest.skip(reason)
    with WordPress(folder) as wordpress:
        plugins = wordpress.site / "wp-content" / "mu-plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        (plugins / name).write_text(mu_plugin, encoding="utf-8")
        yield wordpress


@dataclasses.dataclass
class Run:
    """A site folder synced from the WordPress: settings, the engine, what each step did."""

    settings: Settings
    engine: CountingEspeak

    def sync(self):
        self.engine.calls.clear()
        return sync_once(
            self.settings, workers=1, engines=EngineSet({"espeak": lambda: self.engine})
        )

    def build(self):
        return build(self.settings)

    @property
    def public(self) -> Path:
        return self.settings.public_dir

    def public_text(self) -> str:
        return public_text(self.public)

    def index(self) -> dict:
        return json.loads((self.public / "wordpress" / "minval.json").read_text("utf-8"))

    def feed(self) -> str:
        (feed,) = self.public.glob("*/feed.xml")
        return feed.read_text("utf-8")

    def episodes(self) -> dict[int, str]:
        """Post id → episode id, as sync recorded them."""
        state = SyncState(self.settings.episodes_dir / STATE_FILE)
        try:
            rows = state.all("minval")
        finally:
            state.close()
        return {int(r.identity.rsplit(":", 1)[1]): r.episode_id for r in rows if r.episode_id}
