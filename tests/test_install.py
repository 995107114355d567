"""`pip install` as a new user does it: a fresh virtualenv from `python -m venv` with the pip
the interpreter bundles (pip 23.2 with Python 3.11; never upgraded here), the dependencies from
the package registry, then the commands. That pip does not match the extra `lxml[html_clean]`
(which trafilatura's justext asks for) to lxml's `html-clean`, and installed lxml 6 without
lxml_html_clean: every command died on its first import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "audiocast" / "samples" / "short-news.json"


def run(*command, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, **options
    )


@pytest.mark.slow
def test_the_wheel_installs_and_runs_with_the_pip_the_interpreter_bundles(tmp_path):
    dist = tmp_path / "dist"
    wheel = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                "-w", dist, ROOT)  # fmt: skip
    assert wheel.returncode == 0, wheel.stderr
    (wheel_file,) = dist.glob("audiocast-*.whl")

    venv = tmp_path / "venv"
    made = run(sys.executable, "-m", "venv", venv)
    assert made.returncode == 0, made.stderr
    python, environment = venv / "bin" / "python", _clean_environment()
    bundled = run(python, "-c", "import ensurepip; print(ensurepip.version())", env=environment)
    pip = run(python, "-m", "pip", "--version", env=environment)
    assert pip.stdout.split()[1] == bundled.stdout.strip(), pip.stdout  # not upgraded

    install = run(python, "-m", "pip", "install", "-q", wheel_file, env=environment, timeout=1200)
    assert install.returncode == 0, install.stderr

    command = venv / "bin" / "audiocast"
    helped = run(command, "--help", cwd=tmp_path, env=environment, timeout=120)
    assert helped.returncode == 0, helped.stderr
    assert "script" in helped.stdout and "build" in helped.stdout
    script = run(command, "script", SAMPLE, cwd=tmp_path, env=environment, timeout=300)
    assert script.returncode == 0, script.stderr
    assert "Материал от двадцать восьмого января" in script.stdout


def _clean_environment() -> dict[str, str]:
    """This process's environment, less what would lead the new virtualenv's pip and python to
    the test's own virtualenv."""
    environment = dict(os.environ)
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV"):
        environment.pop(name, None)
    environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"  # a new user's pip only suggests it
    return environment
