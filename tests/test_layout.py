"""Imports flow one way: ingest → script → speech → episode → publish → editions → pipeline →
commands → cli."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "audiocast"
# a stage may import the nouns and the stages before it, never the ones after
# (strings: the words of each language, for script and publish; validate: how config reads its
# tables; timings: seconds per stage, shared by speech, episode and the pipeline; editions: what
# an audio edition gathers, for the pipeline to make; desk: the editors' web app, over sync;
# commands: what each command of cli does)
ORDER = ["model", "errors", "files", "retry", "resources", "strings", "timings", "validate",
         "config", "state", "ingest", "script", "speech", "episode", "publish", "editions",
         "pipeline", "sync", "desk", "commands", "cli"]  # fmt: skip


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


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The audiocast modules PATH imports, at the top or inside a function alike (an import
    put off until a call still makes a circle: the modules cannot be read one at a time)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("audiocast"):
            for alias in node.names:  # `from audiocast.episode import ffmpeg` names a module
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("audiocast"))
    return {name for name in found if name in modules}


def test_no_module_imports_itself_back_through_others():
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: _imports(path, set(paths)) - {name} for name, path in paths.items()}
    # a package's __init__ that gathers its modules is a door, not a member of a circle
    graph = {name: {t for t in targets if paths[t].name != "__init__.py"}
             for name, targets in graph.items()}  # fmt: skip
    circles = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                circles.append(" → ".join(trail[trail.index(target) :] + [name, target]))
            elif target not in state:
                visit(target, trail + [name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert not circles, "import circles:\n" + "\n".join(circles)
