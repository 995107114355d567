"""Article → Script."""

from __future__ import annotations

from audiocast.model import Article, Block, BlockKind, Script, Segment, SegmentKind
from audiocast.script.dates import date_in_words
from audiocast.script.normalize import Normalizer, normalizer_for
from audiocast.script.sentences import split_sentences
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
    normalizer: Normalizer | None = None,
) -> Script:
    language = article.language
    normalize = normalizer or normalizer_for(language)
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
    intro = _template_segments(templates, "intro", values, SegmentKind.INTRO, normalize)
    segments += _opening(intro, titles["intro"], PAUSES["intro"])
    segments += _body_segments(article, normalize)
    outro = _template_segments(templates, "outro", values, SegmentKind.OUTRO, normalize)
    segments += _opening(outro, titles["outro"], PAUSES["outro"])
    return Script(article=article, show=show, language=language, segments=segments)


def _template_segments(templates, part, values, kind, normalize) -> list[Segment]:
    sentences = [
        sentence
        for line in templates.render_lines(part, values["language"], values)
        for sentence in split_sentences(line)
    ]
    return [Segment(kind, s, normalize(s), PAUSES["sentence"]) for s in sentences]


def _opening(segments: list[Segment], chapter: str, last_pause: float) -> list[Segment]:
    """Mark the first segment as opening CHAPTER and give the last one a longer pause."""
    if not segments:
        return []
    first = segments[0]
    segments[0] = Segment(first.kind, first.text, first.spoken, first.pause_after, chapter)
    last = segments[-1]
    segments[-1] = Segment(last.kind, last.text, last.spoken, last_pause, last.chapter)
    return segments


def _body_segments(article: Article, normalize: Normalizer) -> list[Segment]:
    blocks = list(article.body)
    if article.lead and (not blocks or not blocks[0].text.startswith(article.lead[:40])):
        blocks.insert(0, Block(BlockKind.PARAGRAPH, article.lead))
    segments: list[Segment] = []
    # The body before the first sub-heading is one chapter named after the article.
    pending_chapter: str | None = article.title
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            text = block.text.rstrip(".")
            spoken = normalize(text)
            segments.append(
                Segment(SegmentKind.HEADING, text, spoken, PAUSES["heading"], chapter=text)
            )
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
