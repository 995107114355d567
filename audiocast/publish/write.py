"""Writing a build's outputs into public/: every changed one made into a temporary file
beside its target first, then all renamed into place (copied files before the pages that
point at them), then what the last build wrote and this one did not removed; the manifest
(MANIFEST) records each output's fingerprint and size for the next build."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from audiocast.errors import AudiocastError
from audiocast.publish.catalogue import PublishError

MANIFEST = ".audiocast-build.json"
_MANIFEST_FORMAT = 1


# NamedTuples, not frozen dataclasses: a build makes 40,000 of them, and these are made faster
class Rendered(NamedTuple):
    """An output made by rendering: a page, a feed, a JSON file."""

    path: str  # inside public/, '/'-separated
    fingerprint: str
    render: Callable[[], bytes]


class Copied(NamedTuple):
    """An output copied from a file: audio, transcript, chapters, the player's assets."""

    path: str
    source: Path | str  # a str for the store's files: a Path each is measurable at 10,000
    fingerprint: str


@dataclass
class Written:
    written: list[str] = field(default_factory=list)  # paths inside public/
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def write_outputs(
    outputs: list[Rendered | Copied], public_dir: Path, previous: dict[str, list]
) -> Written:
    """OUTPUTS into PUBLIC_DIR, given what the PREVIOUS build's manifest says is there: all
    made first, then renamed into place, then stale files removed, then the new manifest."""
    report = Written()
    public_dir.mkdir(parents=True, exist_ok=True)
    current: dict[str, list] = {}
    public = str(public_dir)  # plain strings: a Path per output is measurable at 10,000 pages
    staged: list[tuple[Path, Path, bool]] = []  # (temporary, target, is a copy)
    folders: set[Path] = set()  # made or found already: one mkdir per folder, not per output
    try:
        for output in outputs:
            known = previous.get(output.path)
            if known and known == [output.fingerprint, _size(f"{public}/{output.path}")]:
                current[output.path] = known
                report.unchanged += 1
                continue
            target = public_dir / output.path
            made = _stage(output, target, folders)
            if made is None:
                report.unchanged += 1
                current[output.path] = [output.fingerprint, _size(target)]
            else:
                temporary, size = made
                staged.append((temporary, target, isinstance(output, Copied)))
                current[output.path] = [output.fingerprint, size]
                report.written.append(output.path)
    except BaseException as exc:
        for temporary, _, _ in staged:
            temporary.unlink(missing_ok=True)
        if isinstance(exc, Exception) and not isinstance(exc, AudiocastError):
            raise PublishError(
                f"{public_dir / output.path}: cannot be made ({type(exc).__name__}: {exc}); "
                "nothing was published"
            ) from exc
        raise
    # audio and other copied files first, then the pages and feeds that point at them, and
    # removals last: a build stopped at any moment never publishes a link to a missing file
    for temporary, target, _ in sorted(staged, key=lambda item: not item[2]):
        os.replace(temporary, target)
    for path in sorted(previous.keys() - current.keys()):
        if _remove_output(public_dir, path):
            report.removed.append(path)
    manifest = {"format": _MANIFEST_FORMAT, "files": dict(sorted(current.items()))}
    # one line, no indent: json then uses its C encoder (20,000 entries at 10,000 episodes)
    write_if_changed(json.dumps(manifest, separators=(",", ":")).encode(), public_dir / MANIFEST)
    return report


def _stage(output: Rendered | Copied, target: Path, folders: set[Path]) -> tuple[Path, int] | None:
    """OUTPUT made into a temporary file beside TARGET, and its size; or None when TARGET
    already holds it. FOLDERS: those known to exist."""
    if isinstance(output, Copied):
        if target.is_file() and filecmp.cmp(output.source, target, shallow=False):
            return None
        copy = _temporary(target, folders)
        shutil.copyfile(output.source, copy)
        return copy, copy.stat().st_size
    data = output.render()
    staged = _stage_bytes(data, target, folders)
    return None if staged is None else (staged, len(data))


def _stage_bytes(data: bytes, target: Path, folders: set[Path] | None = None) -> Path | None:
    """DATA in a temporary file beside TARGET, or None when TARGET already holds exactly it."""
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return None
    except FileNotFoundError:
        pass
    temporary = _temporary(target, folders)
    temporary.write_bytes(data)
    return temporary


def _temporary(target: Path, folders: set[Path] | None = None) -> Path:
    # a mkdir is a tenth of a millisecond even when the folder exists, and a full build
    # has 40,000 outputs in 10,000 folders
    if folders is None or target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        if folders is not None:
            folders.add(target.parent)
    return target.with_name(f".{target.name}.{os.getpid()}.part")


def write_if_changed(data: bytes, target: Path) -> bool:
    """Write DATA to TARGET atomically unless it already holds exactly these bytes."""
    temporary = _stage_bytes(data, target)
    if temporary is None:
        return False
    try:
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return True


def _remove_output(public_dir: Path, path: str) -> bool:
    target = (public_dir / path).resolve()
    if public_dir.resolve() not in target.parents:
        return False  # a manifest that names something outside public/ is not obeyed
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    for folder in target.parents:
        if folder == public_dir.resolve() or any(folder.iterdir()):
            break
        folder.rmdir()
    return True


def load_manifest(public_dir: Path) -> dict[str, list]:
    """What the last build wrote: published path → [fingerprint, size]."""
    try:
        manifest = json.loads((public_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}  # no manifest, or a damaged one: every output is checked by its bytes
    if not isinstance(manifest, dict) or manifest.get("format") != _MANIFEST_FORMAT:
        return {}
    return manifest.get("files", {})


def _size(path: str | Path) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return -1
