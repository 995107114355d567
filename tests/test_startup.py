"""Start-up: a command imports what it needs when it runs. `--help` and `status` start in a
fraction of a second because they load no audio, text or page machinery; nothing in the package
loads scipy (its signal module alone took 0.7–0.9 s to import)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from audiocast.state import SyncState

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "scipy", "trafilatura", "lxml", "rich", "jinja2", "pydub", "PIL", "pyloudnorm",
         "audiocast.pipeline", "audiocast.sync", "audiocast.ingest", "audiocast.script",
         "audiocast.speech", "audiocast.episode", "audiocast.publish")  # fmt: skip
# runs audiocast.cli.main(ARGV) in a fresh interpreter, then prints the heavy modules it loaded
_RUN_MAIN = """
import json, sys
from audiocast.cli import main
try:
    status = main(sys.argv[2:])
except SystemExit as exc:
    status = exc.code
heavy = json.loads(sys.argv[1])
loaded = sorted(h for h in heavy if any(m == h or m.startswith(h + ".") for m in sys.modules))
print(json.dumps({"status": status, "loaded": loaded}))
"""


def loaded_by(*argv: str, cwd: Path) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, "-c", _RUN_MAIN, json.dumps(HEAVY), *argv],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    *output, last = result.stdout.rstrip("\n").split("\n")
    return json.loads(last), "\n".join(output)


def test_help_loads_no_audio_text_page_or_terminal_package(tmp_path):
    report, output = loaded_by("--help", cwd=tmp_path)
    assert report["status"] == 0
    assert "status" in output and "episode" in output  # the real help, every command in it
    assert report["loaded"] == []


def test_a_command_s_own_help_loads_none_either(tmp_path):
    report, output = loaded_by("episode", "--help", cwd=tmp_path)
    assert report["status"] == 0 and "--voice" in output
    assert report["loaded"] == []


def test_status_reads_the_state_without_numpy_scipy_or_trafilatura(tmp_path):
    state = SyncState(tmp_path / "episodes" / ".audiocast-sync.sqlite")
    try:
        state.seen("minval:1", "minval", "Баку и Киев", "https://minval.az/1", "Политика",
                   "2026-11-24T08:00:00+00:00", "h1")  # fmt: skip
        state.made("minval:1", "h1", "0123456789abcdef")
        state.seen("minval:2", "minval", "Газ", "https://minval.az/2", "Экономика",
                   "2026-11-24T09:00:00+00:00", "h2")  # fmt: skip
        state.failed("minval:2", "minval:2: no text in the post")
    finally:
        state.close()
    report, output = loaded_by("status", cwd=tmp_path)
    assert report["status"] == 1  # one failed
    assert output.splitlines()[0].startswith("failed\tГаз\tminval")
    assert "done\tБаку и Киев\tminval\t0123456789abcdef" in output
    for package in ("numpy", "scipy", "trafilatura", "lxml", "audiocast.pipeline"):
        assert package not in report["loaded"]


def test_no_module_of_the_package_imports_scipy():
    code = """
import importlib, pkgutil, sys
import audiocast
for module in pkgutil.walk_packages(audiocast.__path__, "audiocast."):
    if module.name != "audiocast.__main__":
        importlib.import_module(module.name)
print(sorted(m for m in sys.modules if m.split(".")[0] in ("scipy", "pyloudnorm")))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
