"""HTML article pages: trafilatura finds the article among the site's chrome."""

from __future__ import annotations

import json
import re

import lxml.html
import trafilatura

from audiocast.errors import ArticleError
from audiocast.ingest.common import ArticleFields, clean_text, decode_bytes
from audiocast.model import Block, BlockKind

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def read(source: str, data: bytes, declared_charset: str | None) -> ArticleFields:
    charset = declared_charset or _meta_charset(data)
    page = decode_bytes(source, data, charset)
    if not page.strip():
        raise ArticleError(source, "empty file")
    document = trafilatura.bare_extraction(
        page,
        url=source if source.startswith("http") else None,
        with_metadata=True,
        include_formatting=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
    )
    tree = _parse_tree(page)
    if document is None or isinstance(document, dict):  # a dict only when asked (as_dict)
        # trafilatura found no main text; keep the title so the error names the real problem
        return ArticleFields(source=source, title=_page_title(tree))
    return ArticleFields(
        source=source,
        title=document.title or _page_title(tree),
        body=_blocks(document.body),
        published=_published(tree) or document.date,
        author=_ld_field(tree, "author") or document.author or "",
        category=_meta(tree, "article:section") or _first(document.categories),
        tags=_meta_all(tree, "article:tag") or list(document.tags or []),
        url=_canonical(tree) or document.url or "",
        language=(tree.get("lang") if tree is not None else "") or document.language or "",
    )


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _parse_tree(page: str):
    try:
        return lxml.html.fromstring(page)
    except (lxml.etree.ParserError, ValueError):
        return None


def _blocks(body) -> list[Block]:
    if body is None:
        return []
    blocks: list[Block] = []
    for element in body:
        if element.tag == "head":
            blocks.append(Block(BlockKind.HEADING, clean_text("".join(element.itertext()))))
        elif element.tag == "list":
            blocks.extend(
                Block(BlockKind.PARAGRAPH, clean_text("".join(item.itertext())))
                for item in element.iter("item")
            )
        elif element.tag in ("p", "quote"):
            blocks.append(Block(BlockKind.PARAGRAPH, clean_text("".join(element.itertext()))))
    return blocks


def _page_title(tree) -> str:
    if tree is None:
        return ""
    for xpath in ("//meta[@property='og:title']/@content", "//h1//text()", "//title/text()"):
        found = " ".join(t.strip() for t in tree.xpath(xpath) if t.strip())
        if found:
            return found
    return ""


def _meta(tree, name: str) -> str:
    values = _meta_all(tree, name)
    return values[0] if values else ""


def _meta_all(tree, name: str) -> list[str]:
    if tree is None:
        return []
    xpath = f"//meta[@property='{name}' or @name='{name}']/@content"
    return [v.strip() for v in tree.xpath(xpath) if v.strip()]


def _canonical(tree) -> str:
    if tree is None:
        return ""
    links = tree.xpath("//link[@rel='canonical']/@href")
    return links[0].strip() if links else _meta(tree, "og:url")


def _published(tree) -> str:
    """The full publication date-time with its offset; trafilatura keeps only the day."""
    if tree is None:
        return ""
    return (
        _meta(tree, "article:published_time")
        or _ld_field(tree, "datePublished")
        or next(iter(tree.xpath("//article//time/@datetime")), "")
    )


def _ld_field(tree, key: str) -> str:
    """A field of the page's schema.org JSON-LD Article, as text (authors by name)."""
    if tree is None:
        return ""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]):
            if isinstance(item, dict) and key in item:
                return _ld_text(item[key])
    return ""


def _ld_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_ld_text(v) for v in value)))
    if isinstance(value, dict):
        return str(value.get("name", ""))
    return str(value)


def _first(values) -> str:
    return values[0] if values else ""
