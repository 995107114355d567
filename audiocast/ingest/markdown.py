"""Markdown with YAML front matter (title, author, date, category, tags, url, language, lead)."""

from __future__ import annotations

import frontmatter
import yaml
from markdown_it import MarkdownIt

from audiocast.errors import ArticleError
from audiocast.ingest.common import ArticleFields, decode_bytes
from audiocast.ingest.jsonfile import fields_from_mapping
from audiocast.model import Block, BlockKind

_BLOCK_KINDS = {"heading_open": BlockKind.HEADING, "paragraph_open": BlockKind.PARAGRAPH}


def read(source: str, data: bytes, declared_charset: str | None) -> ArticleFields:
    text = decode_bytes(source, data, declared_charset)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise ArticleError(source, f"front matter is not valid YAML: {_first_line(exc)}") from exc
    fields = fields_from_mapping(source, dict(post.metadata))
    fields.body = blocks_from_markdown(post.content)
    return fields


def blocks_from_markdown(text: str) -> list[Block]:
    """Paragraphs and headings in order; inline markup, images and code are dropped."""
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[Block] = []
    for index, token in enumerate(tokens):
        kind = _BLOCK_KINDS.get(token.type)
        if kind is None or index + 1 >= len(tokens):
            continue
        inline = tokens[index + 1]
        words = "".join(
            child.content if child.type in ("text", "code_inline") else " "
            for child in inline.children or []
            if child.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        blocks.append(Block(kind, words))
    return blocks


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
