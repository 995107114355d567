"""Markdown with YAML front matter (title, author, date, category, tags, url, language, lead).

The front matter is read through python-frontmatter's handlers, with two of our own. YAML is
read as safely as python-frontmatter reads it (SafeLoader's types: a date stays a date), but
anchors and aliases (`&a`, `*a`) are refused: an article has no need of them, and nine lines of
nested aliases, "billion laughs", expand to hundreds of millions of items. Whatever the front
matter holds must be keys and values (python-frontmatter would drop a list or a text silently).
JSON front matter (`{` … `}` lines) is read as python-frontmatter reads it, with the same check.
Any problem is an ArticleError.
"""

from __future__ import annotations

import frontmatter
import yaml
from frontmatter.default_handlers import JSONHandler, YAMLHandler
from markdown_it import MarkdownIt
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from audiocast.errors import ArticleError
from audiocast.ingest.common import ArticleFields, decode_bytes
from audiocast.ingest.jsonfile import fields_from_mapping, kind_of
from audiocast.model import Block, BlockKind

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

_BLOCK_KINDS = {"heading_open": BlockKind.HEADING, "paragraph_open": BlockKind.PARAGRAPH}
_ALIASES_REFUSED = "front matter uses YAML aliases (&/*), which are not allowed"


class _Refused(Exception):
    """Front matter that cannot be read; the reason, for ArticleError."""


class _RefusingAliases(Composer):
    """A composer that refuses an alias, and a node with an anchor, before composing it: no
    node is ever shared, so nothing can expand."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(_ALIASES_REFUSED)
        return super().compose_node(parent, index)


class _NoAliasSafeLoader(_RefusingAliases, yaml.SafeLoader):
    """yaml.SafeLoader without anchors and aliases, all in Python."""


_NoAliasLoader: type
if CParser is None:
    _NoAliasLoader = _NoAliasSafeLoader
else:

    class _NoAliasCLoader(_RefusingAliases, CParser, SafeConstructor, Resolver):
        """The same, with libyaml's scanner and parser under the Python composer (libyaml's
        CSafeLoader composes in C, where the aliases cannot be refused). libyaml refuses
        flow nesting deeper than 1,000 levels at once, where the Python scanner takes a second
        and a half to reach the recursion limit, and it reads a large front matter six times
        as fast (300 kB: 0.24 s against 1.5 s)."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            _RefusingAliases.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _NoAliasLoader = _NoAliasCLoader


def _mapping(value: object) -> dict:
    if value is None:  # "---" and "---" with nothing between
        return {}
    if not isinstance(value, dict):
        raise _Refused(f"front matter must be keys and values, got {kind_of(value)}")
    return value


class _YAMLFrontMatter(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> dict:
        kwargs["Loader"] = _NoAliasLoader
        try:
            return _mapping(super().load(fm, **kwargs))
        except yaml.YAMLError as exc:
            if "maximum nesting depth" in str(exc):  # libyaml's limit
                raise _Refused("front matter nested too deeply") from exc
            raise _Refused(f"front matter is not valid YAML: {_first_line(exc)}") from exc
        except RecursionError as exc:
            raise _Refused("front matter nested too deeply") from exc
        except (ValueError, OverflowError) as exc:  # 2025-13-45, a 5,000-digit number
            reason = _first_line(exc)
            if "integer string conversion" in reason:
                reason = "a number too long to read"
            raise _Refused(f"front matter has a value YAML cannot read: {reason}") from exc


class _JSONFrontMatter(JSONHandler):
    def load(self, fm: str, **kwargs: object) -> dict:
        try:
            return _mapping(super().load(fm, **kwargs))
        except RecursionError as exc:
            raise _Refused("front matter nested too deeply") from exc
        except ValueError as exc:
            raise _Refused(f"front matter is not valid JSON: {_first_line(exc)}") from exc


_HANDLERS = (_YAMLFrontMatter(), _JSONFrontMatter())


def read(source: str, data: bytes, declared_charset: str | None) -> ArticleFields:
    text = decode_bytes(source, data, declared_charset)
    handler = frontmatter.detect_format(text, _HANDLERS)
    try:
        # with no front matter (or no closing "---"), python-frontmatter gives {} and the text
        metadata, content = frontmatter.parse(text, handler=handler) if handler else ({}, text)
    except _Refused as exc:
        raise ArticleError(source, str(exc)) from exc
    fields = fields_from_mapping(source, metadata)
    fields.body = blocks_from_markdown(content.strip())
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
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
