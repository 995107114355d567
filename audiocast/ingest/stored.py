"""The article an episode was made from, kept in the store beside it as JSON (article.json).

Every field of the Article is written: body blocks as {"kind", "text"}, the publication time as
ISO 8601 with its offset. Reading it back gives the same Article, so an audio edition made from
stored articles speaks their sentences exactly as their own episodes did (and from the cache).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, fields
from datetime import datetime
from pathlib import Path

from audiocast.errors import ArticleError
from audiocast.model import Article, Block, BlockKind


def stored_article_json(article: Article) -> str:
    """ARTICLE as the text of article.json."""
    value: dict = {}
    for spec in fields(Article):
        item = getattr(article, spec.name)
        if spec.name == "body":
            item = [{"kind": block.kind.value, "text": block.text} for block in item]
        elif isinstance(item, datetime):
            item = item.isoformat()
        value[spec.name] = item
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def read_stored_article(path: Path) -> Article:
    """The Article in an article.json file, or ArticleError naming the file and the problem."""
    source = str(path)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ArticleError(source, f"cannot read a stored article: {exc}") from exc
    if not isinstance(value, dict):
        raise ArticleError(source, "a stored article must be a JSON object")
    try:
        return _article(value)
    except (KeyError, TypeError, ValueError) as exc:
        raise ArticleError(source, f"not a stored article ({type(exc).__name__}: {exc})") from exc


def read_stored_articles(paths: Iterable[Path], problems: list[str]) -> Iterator[Article]:
    """The articles in PATHS, one at a time (a store holds thousands); one that cannot be read
    is left out and its error added to PROBLEMS."""
    for path in paths:
        try:
            yield read_stored_article(path)
        except ArticleError as exc:
            problems.append(str(exc))


def _article(value: dict) -> Article:
    known = {}
    for spec in fields(Article):
        if spec.name in value:
            known[spec.name] = value[spec.name]
        elif spec.default is MISSING and spec.default_factory is MISSING:
            raise KeyError(spec.name)
    known["body"] = [Block(BlockKind(block["kind"]), str(block["text"])) for block in known["body"]]
    published = datetime.fromisoformat(known["published"])
    if published.tzinfo is None:
        raise ValueError(f"published {known['published']!r} has no UTC offset")
    known["published"] = published
    return Article(**known)
