"""The golden table: real news sentences and what a careful newsreader says for them.

Each row of tests/fixtures/normalization/ru_news.tsv is `feature<TAB>written<TAB>spoken`; a
failure is named by its feature and line, so it says what broke. A new case is a new line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audiocast.script.normalize import normalizer_for

TABLE = Path(__file__).resolve().parents[1] / "fixtures" / "normalization" / "ru_news.tsv"
FEATURES = {
    "headline", "date", "time", "year", "roman", "cardinal", "ordinal", "decimal", "percent",
    "money", "manat", "abbreviation", "acronym", "latin", "score", "stress", "site", "mixed",
}  # fmt: skip


def _rows() -> list[tuple[int, str, str, str]]:
    rows = []
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        feature, written, spoken = line.split("\t")
        rows.append((number, feature, written, spoken))
    return rows


ROWS = _rows()


@pytest.fixture(scope="module")
def normalize():
    return normalizer_for("ru")


def test_the_table_is_large_and_every_row_names_a_known_feature():
    assert len(ROWS) >= 150
    assert {feature for _, feature, _, _ in ROWS} == FEATURES
    written = [w for _, _, w, _ in ROWS]
    assert len(written) == len(set(written)), "a sentence appears twice"


@pytest.mark.parametrize(
    ("feature", "written", "spoken"),
    [pytest.param(f, w, s, id=f"{f}:{n}") for n, f, w, s in ROWS],
)
def test_sentence_is_spoken_as_a_newsreader_says_it(normalize, feature, written, spoken):
    assert normalize(written) == spoken
