"""Article → Script.

The body (`body_segments`), the template parts (`template_segments`) and chapter openings
(`open_chapter`) are shared with audio editions (edition.py), so that an article's sentences
come out the same in its own episode and in an edition, and its speech is taken from the cache.
"""

from __future__ import annotations

from dataclasses import replace

from audiocast.model import Article, Block, BlockKind, Script, Segment, SegmentKind
from audiocast.script.dates import date_in_words
from audiocast.script.normalize import Normalizer
from audiocast.script.sentences import cut_long, split_sentences
from audiocast.script.templates import SpokenTemplates

# Seconds of silence after each kind of segment: a presenter breathes after a sentence, pauses
# longer at the end of a paragraph, and longer still after a heading or the intro.
PAUSES = {
    "sentence": 0.35,
    "paragraph": 0.8,
    "heading": 0.9,
    "intro": 0.8,
    "outro": 0.5,
}

CHAPTER_TITLES = {
    "ru": {"intro": "Вступление", "outro": "Завершение"},
    "az": {"intro": "Giriş", "outro": "Sonluq"},
    "en": {"intro": "Introduction", "outro": "Closing"},
}


def build_script(
    article: Article,
    show: str,
    templates: SpokenTemplates,
    normalize: Normalizer,
) -> Script:
    """NORMALIZE is the article language's text rules (a Pipeline builds them once, with the
    site's lexicon)."""
    language = article.language
    titles = CHAPTER_TITLES.get(language, CHAPTER_TITLES["ru"])
    values = {
        "show": show,
        "title": article.title.rstrip("."),
        "author": article.author,
        "date_words": date_in_words(article.published, language),
        "category": article.category,
        "language": language,
    }
    segments: list[Segment] = []
    intro = template_segments(templates, "intro", values, SegmentKind.INTRO, normalize)
    segments += open_chapter(intro, titles["intro"], PAUSES["intro"])
    segments += body_segments(article, normalize)
    outro = template_segments(templates, "outro", values, SegmentKind.OUTRO, normalize)
    segments += open_chapter(outro, titles["outro"], PAUSES["outro"])
    return Script(article=article, show=show, language=language, segments=segments)


def template_segments(
    templates: SpokenTemplates, part: str, values: dict, kind: SegmentKind, normalize: Normalizer
) -> list[Segment]:
    """The template PART rendered with VALUES (in values["language"]), one segment a sentence."""
    sentences = [
        sentence
        for line in templates.render_lines(part, values["language"], values)
        for sentence in split_sentences(line)
    ]
    return [Segment(kind, s, normalize(s), PAUSES["sentence"]) for s in sentences]


def open_chapter(segments: list[Segment], chapter: str, last_pause: float) -> list[Segment]:
    """Mark the first segment as opening CHAPTER and give the last one a longer pause."""
    if not segments:
        return []
    segments[0] = replace(segments[0], chapter=chapter)
    segments[-1] = replace(segments[-1], pause_after=last_pause)
    return segments


def _opens(blocks: list[Block], lead: str) -> bool:
    """Whether BLOCKS begin with LEAD's first words (an automatic excerpt, or a lead the text
    repeats), over as many blocks as it takes: a short first paragraph is not a new lead."""
    words = lead.removesuffix("…").split()[:8]
    return " ".join(block.text for block in blocks).split()[: len(words)] == words


def body_segments(article: Article, normalize: Normalizer, chapters: bool = True) -> list[Segment]:
    """The lead and body as sentences and headings. With CHAPTERS, the body opens a chapter
    named after the article and each sub-heading opens its own; without, none is marked (an
    edition gives each article one chapter of its own)."""
    blocks = list(article.body)
    if article.lead and not _opens(blocks, article.lead):
        blocks.insert(0, Block(BlockKind.PARAGRAPH, article.lead))
    segments: list[Segment] = []
    # The body before the first sub-heading is one chapter named after the article.
    pending_chapter: str | None = article.title if chapters else None
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            # a heading too long for one take is spoken in pieces (sentences.cut_long); the
            # first opens the chapter and names it
            pieces = cut_long(block.text.rstrip("."))
            for index, text in enumerate(pieces):
                last = index == len(pieces) - 1
                pause = PAUSES["heading"] if last else PAUSES["sentence"]
                chapter = text if chapters and index == 0 else None
                segments.append(Segment(SegmentKind.HEADING, text, normalize(text), pause, chapter))
            pending_chapter = None
            continue
        sentences = split_sentences(block.text)
        for index, sentence in enumerate(sentences):
            last = index == len(sentences) - 1
            pause = PAUSES["paragraph"] if last else PAUSES["sentence"]
            segments.append(
                Segment(SegmentKind.SENTENCE, sentence, normalize(sentence), pause, pending_chapter)
            )
            pending_chapter = None
    return segments
