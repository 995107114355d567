"""A clone of this repository tests itself: no test reads a file outside it (such as a
../shared folder beside the clone), so nothing skips or fails on a machine that has only the
clone."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import SEED

ROOT = Path(__file__).resolve().parents[1]
# ways a test has reached outside the clone: a path to a folder beside it, or a file's parents
# counted past the clone's top (a comment that names ../shared as where a figure came from is
# not a read)
OUTSIDE = ('"shared"', "'shared'", '"../shared', "'../shared")
PARENTS = re.compile(r"parents\[(\d+)\]")


def test_the_seed_page_the_tests_read_is_in_the_repository():
    assert SEED.resolve().is_relative_to(ROOT / "tests" / "fixtures")
    text = SEED.read_text(encoding="utf-8")
    # the site's page as scraped text: the article and the page's chrome around it
    assert "Баку и Киев переходят к делу" in text and "Отношения между Азербайджаном" in text
    assert "\nnull\n" in text and "При размещении материалов" in text


def test_no_test_reads_a_path_beside_the_repository():
    this = Path(__file__).resolve()
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.resolve() == this:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {p}" for p in OUTSIDE if p in text]
        # tests/x.py's parents[1] is the clone's top; tests/desk/x.py's is parents[2]
        top = len(path.relative_to(ROOT).parts) - 1
        offenders += [
            f"{path.relative_to(ROOT)}: parents[{n}]" for n in PARENTS.findall(text) if int(n) > top
        ]
    assert offenders == []
