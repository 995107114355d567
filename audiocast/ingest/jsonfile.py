"""JSON articles: {"title", "author", "date", "category", "tags", "url", "id", "language",
"lead", "body"} where body is a string (blank-line paragraphs) or a list of strings or of
{"type": "heading"|"paragraph", "text": ...}."""

from __future__ import annotations

import json

from audiocast.errors import ArticleError
from audiocast.ingest.common import ArticleFields, decode_bytes, paragraphs_from_text
from audiocast.model import Block, BlockKind


def read(source: str, data: bytes, declared_charset: str | None) -> ArticleFields:
    text = decode_bytes(source, data, declared_charset)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(source, f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    if not isinstance(value, dict):
        raise ArticleError(source, "JSON must be an object with title and body")
    fields = fields_from_mapping(source, value)
    fields.body = _body(source, value.get("body", value.get("content", "")))
    return fields


def fields_from_mapping(source: str, value: dict) -> ArticleFields:
    """The metadata keys shared by JSON articles and Markdown front matter."""
    tags = value.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    published = value.get("date") or value.get("published") or ""
    return ArticleFields(
        source=source,
        title=str(value.get("title") or ""),
        published=published if hasattr(published, "isoformat") else str(published),
        author=str(value.get("author") or ""),
        category=str(value.get("category") or ""),
        tags=[str(t) for t in tags],
        url=str(value.get("url") or ""),
        site_id=str(value.get("id") or ""),
        language=str(value.get("language") or value.get("lang") or ""),
        lead=str(value.get("lead") or ""),
    )


def _body(source: str, body) -> list[Block]:
    if isinstance(body, str):
        return paragraphs_from_text(body)
    if not isinstance(body, list):
        raise ArticleError(source, "body must be text or a list of paragraphs")
    blocks: list[Block] = []
    for item in body:
        if isinstance(item, str):
            blocks.append(Block(BlockKind.PARAGRAPH, item))
        elif isinstance(item, dict):
            kind = BlockKind.HEADING if item.get("type") == "heading" else BlockKind.PARAGRAPH
            blocks.append(Block(kind, str(item.get("text", ""))))
    return blocks
