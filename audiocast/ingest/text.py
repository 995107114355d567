"""Plain text: the first non-empty line is the title, blank lines separate paragraphs."""

from __future__ import annotations

from audiocast.ingest.common import ArticleFields, decode_bytes, paragraphs_from_text


def read(source: str, data: bytes, declared_charset: str | None) -> ArticleFields:
    text = decode_bytes(source, data, declared_charset).replace("\r\n", "\n")
    title, _, rest = text.strip().partition("\n")
    return ArticleFields(source=source, title=title, body=paragraphs_from_text(rest))
