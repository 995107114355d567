"""JSON articles: {"title", "author", "date", "category", "tags", "url", "id", "language",
"lead", "body"} where body is a string (blank-line paragraphs) or a list of strings or of
{"type": "heading"|"paragraph", "text": ...}.

What each value may be (the same for Markdown front matter, through `fields_from_mapping`);
anything else is an ArticleError naming the key or the body item, never a repr spoken aloud:

* title, author, category, url, id, lead, language: text or a number (not true/false; a YAML
  date is taken as its text). `null` is the same as leaving the key out.
* date (or published): text (ISO 8601), a number (then "not understood", with a warning, as
  any text that is not a date) or a YAML date/datetime.
* tags: a list of words (text or numbers; `null` items are skipped) or one comma-separated text.
* body (or content): text, or a list whose items are text, a number (taken as its text, like
  the scalar keys), `null` (an empty paragraph, dropped later), or an object whose "text" is
  text, a number, `null` or missing (both an empty block, dropped later). An item that is a
  list or true/false, or an object whose "text" is one, is refused with its index: body[3].

JSON nested deeper than Python's recursion limit is refused as "JSON nested too deeply";
nothing after json.loads walks a value recursively (nested values are refused, not converted).
"""

from __future__ import annotations

import json
import math
from datetime import date

from audiocast.errors import ArticleError
from audiocast.ingest.common import ArticleFields, decode_bytes, paragraphs_from_text
from audiocast.model import Block, BlockKind

_TAGS_ERROR = "tags must be a list of words or a comma-separated text"


def read(source: str, data: bytes, declared_charset: str | None) -> ArticleFields:
    text = decode_bytes(source, data, declared_charset)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(source, f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    except RecursionError as exc:
        raise ArticleError(source, "JSON nested too deeply") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        too_long = "integer string conversion" in str(exc)
        reason = "a number too long to read" if too_long else str(exc).splitlines()[0]
        raise ArticleError(source, f"not valid JSON: {reason}") from exc
    if not isinstance(value, dict):
        raise ArticleError(source, "JSON must be an object with title and body")
    fields = fields_from_mapping(source, value)
    fields.body = _body(source, _first_present(value, "body", "content", default=""))
    return fields


def fields_from_mapping(source: str, value: dict) -> ArticleFields:
    """The metadata keys shared by JSON articles and Markdown front matter, checked as the
    module's docstring says: a value that is not text is an ArticleError naming its key."""

    def text(*keys: str) -> str:
        found = next((key for key in keys if value.get(key) is not None), None)
        if found is None:
            return ""
        result = scalar_text(value[found])
        if result is None:
            raise ArticleError(source, f"{found} must be text, got {kind_of(value[found])}")
        return result

    return ArticleFields(
        source=source,
        title=text("title"),
        published=_published(source, value),
        author=text("author"),
        category=text("category"),
        tags=_tags(source, value.get("tags")),
        url=text("url"),
        site_id=text("id"),
        language=text("language", "lang"),
        lead=text("lead"),
    )


def scalar_text(value: object) -> str | None:
    """VALUE as text when it is a string, a finite number (not a bool) or a date; else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(value) if math.isfinite(value) else None
    if isinstance(value, date):  # YAML reads `title: 2025-01-01` as a date
        return str(value)
    return None


def kind_of(value: object) -> str:
    """What VALUE is, in words, for an error message."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, float) and not math.isfinite(value):
        return "a number that is not finite"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    return f"a value of type {type(value).__name__}"


def _first_present(value: dict, *keys: str, default: object = None) -> object:
    """The value of the first of KEYS that is there and not null."""
    return next((value[key] for key in keys if value.get(key) is not None), default)


def _published(source: str, value: dict) -> str | date | None:
    published = _first_present(value, "date", "published")
    if published is None or published == "":
        return None
    if isinstance(published, date):  # a YAML date or datetime
        return published
    result = scalar_text(published)
    if result is None:
        key = "date" if value.get("date") is not None else "published"
        raise ArticleError(source, f"{key} must be a date or text, got {kind_of(published)}")
    return result


def _tags(source: str, tags: object) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        return [t.strip() for t in tags.split(",")]
    if not isinstance(tags, list):
        raise ArticleError(source, _TAGS_ERROR)
    words: list[str] = []
    for tag in tags:
        if tag is None:
            continue
        word = scalar_text(tag)
        if word is None:
            raise ArticleError(source, _TAGS_ERROR)
        words.append(word)
    return words


def _body(source: str, body) -> list[Block]:
    if isinstance(body, str):
        return paragraphs_from_text(body)
    if not isinstance(body, list):
        raise ArticleError(
            source, f"body must be text or a list of paragraphs, got {kind_of(body)}"
        )
    blocks: list[Block] = []
    for index, item in enumerate(body):
        if item is None:
            blocks.append(Block(BlockKind.PARAGRAPH, ""))
        elif isinstance(item, dict):
            kind = BlockKind.HEADING if item.get("type") == "heading" else BlockKind.PARAGRAPH
            text = item.get("text")
            words = "" if text is None else scalar_text(text)
            if words is None:
                raise ArticleError(source, f"body[{index}].text must be text, got {kind_of(text)}")
            blocks.append(Block(kind, words))
        else:
            words = scalar_text(item)
            if words is None:
                raise ArticleError(
                    source,
                    f"body[{index}] must be text or an object with a text, got {kind_of(item)}",
                )
            blocks.append(Block(BlockKind.PARAGRAPH, words))
    return blocks
