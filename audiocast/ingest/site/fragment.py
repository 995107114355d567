"""An HTML fragment from a site's API or feed (a post's content, title or excerpt) → text.

Unlike a whole page, a post's content holds only the article, so no extraction is needed: it
is walked in order, keeping paragraphs, list items and headings, and dropping what is not read
aloud (images, figures and their captions, embeds, scripts, tables, forms)."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from audiocast.ingest.common import clean_text
from audiocast.model import Block, BlockKind

_MORE = re.compile(r"\s*\[(?:…|\.\.\.)\]$")  # how WordPress ends an automatic excerpt
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARAGRAPHS = {"p", "pre", "address"}  # hold only inline content once parsed
_DROPPED = {
    "script", "style", "noscript", "template", "iframe", "embed", "object", "video", "audio",
    "source", "track", "img", "picture", "svg", "canvas", "map", "figure", "figcaption",
    "table", "form", "button", "input", "select", "textarea", "aside", "nav",
}  # fmt: skip
# embeds and share boxes that WordPress themes and plugins put inside a post's content
_DROPPED_CLASSES = {
    "twitter-tweet", "instagram-media", "tiktok-embed", "wp-block-embed", "sharedaddy",
    "jp-relatedposts", "wp-block-buttons",
}  # fmt: skip
_BLOCK_LEVEL = {
    "div", "section", "article", "main", "header", "footer", "blockquote", "ul", "ol", "li",
    "dl", "dt", "dd", "details", "summary", "center", "hr",
}  # fmt: skip


def blocks_from_html(fragment: str) -> list[Block]:
    """Paragraphs and headings in document order; text loose between blocks is a paragraph."""
    root = _parse(fragment)
    if root is None:
        return []
    blocks: list[Block] = []
    _read_container(root, blocks)
    return blocks


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment on one line: tags dropped, entities decoded."""
    root = _parse(fragment)
    return "" if root is None else _text(root)


def excerpt_text(fragment: str) -> str:
    """An excerpt as text; an automatic excerpt's "[…]" (and a "Read more" link) leave an
    ellipsis."""
    root = _parse(fragment)
    if root is None:
        return ""
    for link in root.xpath(".//a[contains(concat(' ', @class, ' '), ' more-link ')]"):
        link.drop_tree()
    text = _text(root)
    trimmed = _MORE.sub("", text)
    return trimmed + "…" if trimmed != text else text


def editors_lead(excerpt: str, content: str, body: list[Block]) -> str:
    """EXCERPT (excerpt_text) as the article's lead, when an editor wrote it. Without one,
    WordPress makes it itself from CONTENT (HTML): its first 55 words, table cells, captions
    and pull quotes included. Such an excerpt is only the opening of the text again, so it
    becomes the opening of BODY (the text as ingest reads it, without what it leaves out): a
    description with no table cells in it, and a lead the script knows not to say twice."""
    words = excerpt.removesuffix("…").split()
    if not words:
        return excerpt  # none: nothing to compare (and no parse)
    root = _parse(content)
    # every word of the content, as WordPress strips its tags (nothing left out, no spaces added)
    if root is None or root.text_content().split()[: len(words)] != words:
        return excerpt  # written by an editor (or none)
    body_words = " ".join(block.text for block in body).split()
    opening = " ".join(body_words[: len(words)])
    return opening + "…" if excerpt.endswith("…") and len(body_words) > len(words) else opening


def _parse(fragment: str):
    if not fragment or not fragment.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


def _read_container(element, blocks: list[Block]) -> None:
    run: list[str] = [element.text or ""]  # inline text waiting for the next block

    def flush() -> None:
        text = clean_text("".join(run))
        if text:
            blocks.append(Block(BlockKind.PARAGRAPH, text))
        run.clear()

    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else None  # None: a comment
        if tag is None or _is_dropped(child):
            pass
        elif tag in _HEADINGS:
            flush()
            blocks.append(Block(BlockKind.HEADING, _text(child)))
        elif tag in _PARAGRAPHS:
            flush()
            blocks.append(Block(BlockKind.PARAGRAPH, _text(child)))
        elif tag in _BLOCK_LEVEL:
            flush()
            _read_container(child, blocks)
        else:  # inline: a, strong, em, span, br…
            run.append(" " if tag == "br" else _text(child))
        run.append(child.tail or "")
    flush()


def _text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not _is_dropped(child):
            parts.append(_inner_text(child))
        parts.append(child.tail or "")
    return clean_text("".join(parts))


def _inner_text(element) -> str:
    """An element's text as part of its parent's: inline markup joins its words as they are
    («<b>Кара</b>бах»), a line break or a block inside becomes a space."""
    tag = element.tag.lower()
    if tag == "br":
        return " "
    if tag in _BLOCK_LEVEL or tag in _PARAGRAPHS or tag in _HEADINGS:
        return " " + _text(element) + " "
    return _text(element)


def _is_dropped(element) -> bool:
    if element.tag.lower() in _DROPPED:
        return True
    classes = set((element.get("class") or "").split())
    return bool(classes & _DROPPED_CLASSES)
