"""What every reader shares: decoding, cleaning text, dates, and the checks on the result."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from audiocast.config import Settings
from audiocast.errors import ArticleError
from audiocast.model import Article, Block, BlockKind


@dataclass
class ArticleFields:
    """What a reader found; finish_article() checks it and fills the defaults."""

    source: str
    title: str = ""
    body: list[Block] = field(default_factory=list)
    published: str | date | None = None
    author: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    url: str = ""
    site_id: str = ""
    language: str = ""
    lead: str = ""
    file_identity: str = ""  # see Article.file_identity; set by read_article for files


# Longer than this, a "title" (or author, or category) is not one: it is read in the intro and
# again on the page, and a body pasted into the title field would be spoken twice.
MAX_TITLE_CHARS = 400
MAX_NAME_CHARS = 200
_WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Characters no reader of ours may pass on, removed once here for every reader and source:
# C0 and C1 controls (a vertical tab pasted from Word, NUL, ESC that starts a terminal escape
# sequence; XML 1.0 refuses them, so one would break every later feed), bidirectional
# overrides and isolates (U+202E turns a title around on the page and in the terminal), lone
# surrogates (not UTF-8) and the noncharacters U+FFFE/U+FFFF. Those that separate words
# (vertical tab, form feed, the information separators, NEL, U+2028/U+2029) become a space.
_SEPARATORS = re.compile(r"[\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
_UNSPEAKABLE = re.compile(
    r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
# a terminal escape sequence whole (CSI "ESC [ … m", OSC "ESC ] … BEL", or ESC and one letter),
# so that no "[31m" is left behind when its ESC is removed
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_HAS_WORD = re.compile(r"\w{2,}")


def decode_bytes(source: str, data: bytes, declared: str | None = None) -> str:
    """Decode as the declared charset, else UTF-8; anything else is an error, not mojibake."""
    encodings = [declared, "utf-8"] if declared and declared.lower() != "utf-8" else ["utf-8"]
    for encoding in encodings:
        try:
            text = data.decode(encoding).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError):
            continue
        # before any parser sees them: YAML refuses the file for one vertical tab, and an HTML
        # parser drops an ESC but keeps the rest of its escape sequence
        return without_controls(text)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            source, f"not UTF-8 text (undecodable byte 0x{data[exc.start]:02x} at {exc.start})"
        ) from exc
    raise ArticleError(source, "cannot decode text")  # pragma: no cover - utf-8 succeeded above


def without_controls(value: str) -> str:
    """VALUE without the characters no reader may pass on (see _UNSPEAKABLE); line breaks and
    tabs are kept, separators become spaces."""
    return _UNSPEAKABLE.sub("", _SEPARATORS.sub(" ", _ESCAPE_SEQUENCE.sub("", value)))


def clean_text(value: str) -> str:
    """One line of readable text: no control or bidirectional characters, normalized Unicode,
    no zero-width marks, single spaces."""
    value = unicodedata.normalize("NFC", without_controls(value)).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", value.replace("\r", " ").replace("\n", " ")).strip()


def paragraphs_from_text(value: str) -> list[Block]:
    """Blank-line separated paragraphs; single newlines inside a paragraph are spaces."""
    chunks = re.split(r"\n\s*\n", value.replace("\r\n", "\n"))
    return [Block(BlockKind.PARAGRAPH, t) for t in map(clean_text, chunks) if t]


def parse_datetime(value: str | date) -> datetime | None:
    """ISO 8601 or 'YYYY-MM-DD HH:MM'; None when it is not a date."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def finish_article(
    fields: ArticleFields, settings: Settings, fallback_time: float | None
) -> Article:
    """Check what a reader found and fill documented defaults, or raise ArticleError."""
    source = fields.source
    title = clean_text(fields.title)
    if not title:
        raise ArticleError(source, "no title")
    _check_length(source, "title", title, MAX_TITLE_CHARS)
    author, category = clean_text(fields.author), clean_text(fields.category)
    _check_length(source, "author", author, MAX_NAME_CHARS)
    _check_length(source, "category", category, MAX_NAME_CHARS)
    body = [Block(b.kind, clean_text(b.text)) for b in fields.body]
    body = [b for b in body if _HAS_WORD.search(b.text) and not _is_chrome(b.text, settings)]
    body = _without_title_heading(title, body)
    if not any(b.kind is BlockKind.PARAGRAPH for b in body):
        raise ArticleError(source, "no body text found (empty or image-only article)")
    lead = clean_text(fields.lead)
    length = len(title) + len(lead) + sum(len(b.text) for b in body)
    if length > settings.max_article_chars:
        raise ArticleError(
            source,
            f"article is {length:,} characters, over the limit of {settings.max_article_chars:,} "
            "(max_article_chars in audiocast.toml)",
        )
    warnings: list[str] = []
    url = clean_text(fields.url)
    if url and not _WEB_ADDRESS.fullmatch(url):
        # only an http(s) address may become a link: "javascript:…" would run on the page
        warnings.append(f"{source}: url {url[:80]!r} is not an http(s) address; left out")
        url = ""
    language = _language(fields.language, title, body) or settings.language
    if fields.language.strip() and not fields.language.strip().lower().startswith(language):
        warnings.append(
            f"{source}: language {clean_text(fields.language)[:20]!r} is not a language code; "
            f"taken as {language!r}"
        )
    zone = settings.zone
    published = parse_datetime(fields.published) if fields.published else None
    if fields.published and published is None:
        warnings.append(f"{source}: date {fields.published!r} not understood; using file time")
    if published is None:
        if fallback_time is None:
            published = datetime.now(UTC).astimezone(zone)
            warnings.append(f"{source}: no publication date; using the current time")
        else:
            published = datetime.fromtimestamp(fallback_time, zone)
            if not fields.published:
                warnings.append(f"{source}: no publication date; using the file's time")
    if published.tzinfo is None:
        published = published.replace(tzinfo=zone)
    return Article(
        source=source,
        title=title,
        body=body,
        published=published,
        author=author,
        category=category,
        tags=[t[:MAX_NAME_CHARS] for t in map(clean_text, fields.tags) if t],
        url=url,
        site_id=clean_text(str(fields.site_id)),
        language=language,
        lead=lead,
        warnings=warnings,
        file_identity=fields.file_identity,
    )


def _without_title_heading(title: str, body: list[Block]) -> list[Block]:
    """BODY without the heading it opens with when that heading is the title again: a theme
    that puts its title inside the article container (JNews: h1.jeg_post_title inside
    <article>) would have the title spoken twice within seconds, and the body's chapter named
    by a heading rather than by the article."""
    while body and body[0].kind is BlockKind.HEADING and _same_words(body[0].text, title):
        body = body[1:]
    return body


def _same_words(heading: str, title: str) -> bool:
    """HEADING says what TITLE says, or what TITLE says before a site name ("… - Minval")."""
    words = _words(heading)
    if not words:
        return False
    return words == _words(title) or words == _words(_SITE_SUFFIX.split(title, maxsplit=1)[0])


def _words(text: str) -> list[str]:
    return _WORD_RUN.findall(text.casefold().replace("ё", "е"))


def _check_length(source: str, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ArticleError(
            source, f"{name} is {len(value):,} characters, over the limit of {limit:,}"
        )


def article_fingerprint(article: Article) -> str:
    """sha256 of what an episode says: title, author, date, category, language (the voice),
    lead and body blocks. Tags, the URL and the source's modification time are left out, so a
    re-save that changes nothing spoken keeps the fingerprint and needs no new episode."""
    spoken = [
        article.title,
        article.author,
        article.published.isoformat(),
        article.category,
        article.language,
        article.lead,
        [[block.kind.value, block.text] for block in article.body],
    ]
    return hashlib.sha256(json.dumps(spoken, ensure_ascii=False).encode()).hexdigest()


_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-ZəƏğĞıİşŞçÇöÖüÜ]")
_AZERBAIJANI_ONLY = re.compile(r"[əƏ]")  # schwa: Azerbaijani, not Turkish or English
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_WORD_RUN = re.compile(r"\w+")
_SITE_SUFFIX = re.compile(r"\s[-–—|]\s(?!.*\s[-–—|]\s)")  # the last " - " or " | " in a title


def _language(declared: str, title: str, body: list[Block]) -> str:
    """The declared language (its first two letters: "ru-RU" is "ru"), else what the text is
    written in: Cyrillic is Russian; Latin with Azerbaijani letters is Azerbaijani; else
    undecided."""
    code = clean_text(declared).lower()[:2]
    if _LANGUAGE_CODE.fullmatch(code):
        return code
    sample = title + " " + " ".join(b.text for b in body[:5])
    cyrillic, latin = len(_CYRILLIC.findall(sample)), len(_LATIN.findall(sample))
    if cyrillic > latin:
        return "ru"
    if latin > cyrillic and _AZERBAIJANI_ONLY.search(sample):
        return "az"
    return ""


def _is_chrome(text: str, settings: Settings) -> bool:
    lowered = text.casefold()
    return any(lowered.startswith(prefix.casefold()) for prefix in settings.boilerplate)
