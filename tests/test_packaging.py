"""Voice profiles, templates and samples are found from an installed wheel, not only from a
checkout or an editable install."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ARTICLES

ROOT = Path(__file__).resolve().parents[1]


def test_installed_wheel_finds_voices_templates_and_samples(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("audiocast-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "audiocast/_share/voices/ru-espeak.toml" in names
    assert "audiocast/_share/templates/spoken/intro.ru.txt.j2" in names
    assert any(name.startswith("audiocast/samples/") for name in names)

    target = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(target)
    environment = {**os.environ, "PYTHONPATH": str(target)}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = subprocess.run(
        [sys.executable, "-c", "import audiocast.resources as r; print(r.bundled_dir('voices'))"],
        cwd=elsewhere, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == str(target / "audiocast" / "_share" / "voices")
    script = subprocess.run(
        [sys.executable, "-m", "audiocast", "script", str(ARTICLES / "short-news.json")],
        cwd=elsewhere, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert script.returncode == 0, script.stderr
    assert "Материал от двадцать восьмого января" in script.stdout
