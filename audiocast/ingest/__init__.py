"""Sources → Article. One reader per input kind, chosen by URL scheme or file suffix."""

from __future__ import annotations

from pathlib import Path

from audiocast.config import Settings
from audiocast.errors import ArticleError
from audiocast.ingest import html, jsonfile, markdown, text
from audiocast.ingest.common import ArticleFields, decode_bytes, finish_article
from audiocast.ingest.fetch import fetch_url
from audiocast.model import Article

_READERS = {
    ".html": html.read,
    ".htm": html.read,
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".json": jsonfile.read,
    ".txt": text.read,
}


def read_article(source: str, settings: Settings) -> Article:
    """Read one article from a path or an http(s) URL, or raise ArticleError naming it."""
    if source.startswith(("http://", "https://")):
        data, content_type = fetch_url(source)
        fields = html.read(source, data, content_type_charset(content_type))
        return finish_article(fields, settings, fallback_time=None)
    path = Path(source)
    if not path.is_file():
        reason = "is a folder, not an article file" if path.is_dir() else "file not found"
        raise ArticleError(source, reason)
    reader = _READERS.get(path.suffix.lower(), text.read)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(source, f"cannot read file: {exc.strerror}") from exc
    fields: ArticleFields = reader(source, data, None)
    return finish_article(fields, settings, fallback_time=path.stat().st_mtime)


def content_type_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return None


__all__ = ["read_article", "decode_bytes"]
