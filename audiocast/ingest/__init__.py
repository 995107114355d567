"""Sources → Article. One reader per input kind, chosen by URL scheme or file suffix."""

from __future__ import annotations

import importlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from audiocast.config import Settings
from audiocast.errors import ArticleError
from audiocast.ingest.common import ArticleFields, decode_bytes, finish_article
from audiocast.model import Article

# suffix → the reader module (audiocast.ingest.<name>), imported when a file of its kind is
# read: the HTML reader loads trafilatura and lxml, a quarter of a second that a Markdown or
# text article, or a command that reads none, need not pay
_READERS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "jsonfile",
    ".txt": "text",
}
Reader = Callable[[str, bytes, str | None], ArticleFields]


ARTICLE_SUFFIXES = tuple(_READERS)  # what an article file may be (others are read as text)


def _reader(name: str) -> Reader:
    return importlib.import_module(f"audiocast.ingest.{name}").read


def reader_for(suffix: str) -> Reader:
    """The reader of an article file ending in SUFFIX (".md"); plain text for any other."""
    return _reader(_READERS.get(suffix.lower(), "text"))


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# bytes of an article file read at most: a page carries markup around its text, so several
# times max_article_chars, and never less than a large HTML page
_MIN_FILE_BYTES = 20 * 1024 * 1024


def read_article(source: str, settings: Settings) -> Article:
    """Read one article from a path or an http(s) URL, or raise ArticleError naming it."""
    if source.lower().startswith(("http://", "https://")):
        from audiocast.ingest.fetch import fetch_url  # the site sources' transport

        data, content_type = fetch_url(source)
        page = _reader("html")(source, data, content_type_charset(content_type))
        return finish_article(page, settings, fallback_time=None)
    if _SCHEME.match(source):
        raise ArticleError(source, "only http and https addresses are read")
    path = Path(source)
    data, modified = _read_file(source, path, max(_MIN_FILE_BYTES, settings.max_article_chars * 8))
    fields: ArticleFields = reader_for(path.suffix)(source, data, None)
    fields.file_identity = file_identity(path, settings.root)
    return finish_article(fields, settings, fallback_time=modified)


def _read_file(source: str, path: Path, limit: int) -> tuple[bytes, float]:
    """The bytes of a regular file no larger than LIMIT, and its modification time."""
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise ArticleError(source, "is a folder, not an article file")
            if not stat.S_ISREG(info.st_mode):
                # /dev/zero, a pipe or a socket: it could be read forever
                raise ArticleError(source, "is not a regular file")
            if info.st_size > limit:
                raise ArticleError(
                    source, f"file is {info.st_size:,} bytes, over the limit of {limit:,}"
                )
            return handle.read(limit + 1), info.st_mtime
    except IsADirectoryError as exc:
        raise ArticleError(source, "is a folder, not an article file") from exc
    except FileNotFoundError as exc:
        raise ArticleError(source, "file not found") from exc
    except OSError as exc:
        raise ArticleError(source, f"cannot read file: {exc.strerror or exc}") from exc
    except ValueError as exc:  # a NUL in the path
        raise ArticleError(source, f"not a file name ({exc})") from exc


def file_identity(path: Path, root: Path) -> str:
    """PATH relative to the site folder ROOT, or absolute when it lies outside."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def content_type_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return None


__all__ = ["read_article", "decode_bytes", "file_identity"]
