"""Hostile JSON and Markdown files: each is one ArticleError, on one line naming the file and
the problem (never a traceback, never a Python repr read aloud), in well under a second."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiocast.config import load_settings
from audiocast.errors import ArticleError
from audiocast.ingest import read_article

BODY = "Текст статьи о переговорах в регионе."


def refusal(path: Path) -> str:
    """The reason read_article gives for PATH, checked to be one line naming the file."""
    with pytest.raises(ArticleError) as caught:
        read_article(str(path), load_settings(path.parent))
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    return message.removeprefix(f"{path}: ")


def write_json(tmp_path: Path, value, name: str = "article.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def write_markdown(tmp_path: Path, front: str, name: str = "article.md") -> Path:
    path = tmp_path / name
    path.write_text(f"---\n{front}\n---\n{BODY}\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- JSON


@pytest.mark.parametrize("tags", [5, True, {"a": 1}, [["вложенный"]], [{"a": 1}], ["Баку", True]])
def test_tags_that_are_not_words_are_refused(tmp_path, tags):
    path = write_json(tmp_path, {"title": "Заголовок", "body": BODY, "tags": tags})
    assert refusal(path) == "tags must be a list of words or a comma-separated text"


def test_tags_are_words_numbers_or_one_text_and_null_is_skipped(tmp_path):
    path = write_json(tmp_path, {"title": "Заголовок", "body": BODY, "tags": ["Баку", 2025, None]})
    assert read_article(str(path), load_settings(tmp_path)).tags == ["Баку", "2025"]
    path = write_json(tmp_path, {"title": "Заголовок", "body": BODY, "tags": None})
    assert read_article(str(path), load_settings(tmp_path)).tags == []


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"title": "Заголовок", "body": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"title": "Заголовок", "tags": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001,
    ],
    ids=["top", "body", "tags"],
)
def test_json_nested_100000_deep_is_refused(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    assert refusal(path) == "JSON nested too deeply"  # refused before it is parsed


@pytest.mark.parametrize("key", ["title", "author", "category", "url", "id", "lead", "language"])
@pytest.mark.parametrize(
    ("value", "kind"),
    [(["а", "б"], "a list"), ({"ru": "Баку"}, "an object"), (True, "true/false")],
)
def test_a_list_or_object_is_not_spoken_as_its_repr(tmp_path, key, value, kind):
    article = {"title": "Заголовок", "body": BODY, key: value}
    assert refusal(write_json(tmp_path, article)) == f"{key} must be text, got {kind}"


def test_json_values_python_reads_but_no_article_has(tmp_path):
    huge = tmp_path / "huge-number.json"
    huge.write_text('{"title": ' + "7" * 5000 + ', "body": "' + BODY + '"}', encoding="utf-8")
    assert refusal(huge) == "not valid JSON: a number too long to read"
    not_a_number = tmp_path / "nan.json"
    not_a_number.write_text('{"title": NaN, "body": "' + BODY + '"}', encoding="utf-8")
    assert refusal(not_a_number) == "title must be text, got a number that is not finite"


def test_null_text_in_the_body_is_an_empty_block_not_none(tmp_path):
    body = [
        "Первый абзац статьи.",
        {"type": "heading", "text": None},
        {"type": "paragraph", "text": None},
        {"type": "paragraph"},
        None,
        2025,
        {"type": "paragraph", "text": 1918},
        "Второй абзац статьи.",
    ]
    path = write_json(tmp_path, {"title": "Заголовок", "body": body})
    article = read_article(str(path), load_settings(tmp_path))
    texts = [block.text for block in article.body]
    assert texts == ["Первый абзац статьи.", "2025", "1918", "Второй абзац статьи."]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (["вложенный", "список"], "body[1] must be text or an object with a text, got a list"),
        (True, "body[1] must be text or an object with a text, got true/false"),
        ({"type": "paragraph", "text": ["а"]}, "body[1].text must be text, got a list"),
        ({"type": "heading", "text": {"a": 1}}, "body[1].text must be text, got an object"),
        ({"type": "paragraph", "text": False}, "body[1].text must be text, got true/false"),
    ],
)
def test_a_body_item_that_is_not_text_is_refused_with_its_index(tmp_path, item, reason):
    path = write_json(tmp_path, {"title": "Заголовок", "body": ["Первый абзац.", item]})
    assert refusal(path) == reason


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("date", [2026, 1, 28], "a list"),
        ("date", {"year": 2026}, "an object"),
        ("date", True, "true/false"),
        ("published", ["2026-01-28"], "a list"),
    ],
)
def test_a_date_that_is_not_text_is_refused(tmp_path, key, value, kind):
    path = write_json(tmp_path, {"title": "Заголовок", "body": BODY, key: value})
    assert refusal(path) == f"{key} must be a date or text, got {kind}"


# ---------------------------------------------------------------- Markdown front matter


def alias_bomb(levels: int = 9, tags: str = "h") -> str:
    """A "billion laughs" front matter: each level a list of nine aliases of the one before."""
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    names = "abcdefghi"[:levels]
    for previous, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(['title: "Бомба"', *lines, f"tags: *{tags}"])


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    path = write_markdown(tmp_path, alias_bomb())
    assert path.stat().st_size < 600
    # refused before the aliases are expanded (how fast: benchmarks/hostile_input.py)
    assert refusal(path) == "front matter uses YAML aliases (&/*), which are not allowed"


@pytest.mark.parametrize(
    "front",
    [
        "title: &t Заголовок\nauthor: *t",
        "title: Заголовок\ntags: &tags [Баку]",  # an anchor alone is refused too
        "defaults: &d {category: Статьи}\n<<: *d\ntitle: Заголовок",
    ],
    ids=["alias", "anchor", "merge-key"],
)
def test_any_anchor_or_alias_is_refused(tmp_path, front):
    path = write_markdown(tmp_path, front)
    assert refusal(path) == "front matter uses YAML aliases (&/*), which are not allowed"


@pytest.mark.parametrize(
    ("front", "kind"),
    [("- title\n- Заголовок", "a list"), ("Заголовок статьи", "text"), ("2026", "a number")],
)
def test_front_matter_that_is_not_keys_and_values_is_refused(tmp_path, front, kind):
    path = write_markdown(tmp_path, front)
    assert refusal(path) == f"front matter must be keys and values, got {kind}"


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ("title: Заголовок\n1: число вместо ключа", None),
        ("title: Заголовок\ndate: 2026-13-45", "front matter has a value YAML cannot read"),
        ("title: Заголовок\nid: " + "7" * 5000, "front matter has a value YAML cannot read"),
        ("title: Заголовок\ntags: " + "[" * 5000 + "]" * 5000, "front matter nested too deeply"),
        (
            "title: Заголовок\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1200)) + "  v",
            "front matter nested too deeply",
        ),
        ("title: [Заголовок, второй]", "title must be text, got a list"),
        ("title: Заголовок\ndate: [2026, 1, 28]", "date must be a date or text, got a list"),
        ("title: Заголовок\ntags: {Баку: 1}", "tags must be a list of words"),
    ],
    ids=[
        "number-key",
        "no-such-day",
        "huge-number",
        "deep",
        "deep-block",
        "list-title",
        "list-date",
        "tags",
    ],
)
def test_odd_front_matter_is_one_error_or_read(tmp_path, front, reason):
    path = write_markdown(tmp_path, front)
    if reason is None:  # a key that is not text is no key of ours: the article reads
        assert read_article(str(path), load_settings(tmp_path)).title == "Заголовок"
    else:
        assert refusal(path).startswith(reason)


def test_yaml_dates_and_scalars_still_read(tmp_path):
    front = (
        "title: Заголовок\ndate: 2026-01-28T10:41:00+04:00\nid: 130001\n"
        "tags: [Баку, 2026, null]\nauthor: null"
    )
    article = read_article(str(write_markdown(tmp_path, front)), load_settings(tmp_path))
    assert article.published.isoformat() == "2026-01-28T10:41:00+04:00"
    assert (article.site_id, article.tags, article.author) == ("130001", ["Баку", "2026"], "")
    day = write_markdown(tmp_path, "title: Заголовок\ndate: 2026-01-28", name="day.md")
    assert read_article(str(day), load_settings(tmp_path)).published.date().isoformat() == (
        "2026-01-28"
    )
