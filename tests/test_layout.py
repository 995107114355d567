"""Imports flow one way: ingest → script → speech → episode → publish → pipeline → cli."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "audiocast"
# a stage may import the nouns and the stages before it, never the ones after
ORDER = ["model", "errors", "retry", "resources", "config", "state", "ingest", "script", "speech",
         "episode", "publish", "pipeline", "sync", "cli"]  # fmt: skip


def _stage(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def test_no_stage_imports_a_later_one():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = relative.parts
        if len(parts) < 2 or parts[1] in ("__init__", "__main__"):
            continue
        own = ORDER.index(parts[1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("audiocast."):
                imported = node.module.split(".")[1]
                if imported in ORDER:
                    assert ORDER.index(imported) <= own, f"{relative} imports {node.module}"
