"""Several articles → one Script: an audio edition, e.g. the day's top stories.

An edition is an intro that lists the headlines, then each article as a chapter of its own (a
short spoken header, then its body), a sting between articles, and an outro. Each body comes
from build.body_segments with the normalizer its own episode uses, so its sentences are spoken
exactly as there and their speech is taken from the cache: only the edition's own intro,
headers and outro can be new to the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from audiocast.config import Edition
from audiocast.model import Article, Block, BlockKind, Script, Segment, SegmentKind
from audiocast.script.build import (
    CHAPTER_TITLES,
    PAUSES,
    body_segments,
    open_chapter,
    template_segments,
)
from audiocast.script.dates import date_in_words
from audiocast.script.normalize import Normalizer
from audiocast.script.templates import SpokenTemplates

EDITION_CATEGORY_PREFIX = "edition:"
# what the description of an edition says before its headlines
_CONTENTS = {"ru": "В выпуске", "az": "Buraxılışda", "en": "In this edition"}


def edition_category(slug: str) -> str:
    """The category an edition's episode is stored under: a show lists it to gather it."""
    return f"{EDITION_CATEGORY_PREFIX}{slug}"


def is_edition_category(category: str) -> bool:
    return category.startswith(EDITION_CATEGORY_PREFIX)


def gathered(articles: Iterable[Article], edition: Edition, when: datetime) -> list[Article]:
    """What EDITION gathers at WHEN out of ARTICLES (e.g. the store's): no edition, published in
    its last `hours`, in its categories (empty: any); newest first, all of them (max_articles
    applies after the articles in another language are left out)."""
    since = when - timedelta(hours=edition.hours)
    found = [
        article
        for article in articles
        if not is_edition_category(article.category)
        and since <= article.published <= when
        and (not edition.categories or article.category in edition.categories)
    ]
    return sorted(found, key=lambda article: article.published, reverse=True)


def each_once(articles: list[Article]) -> list[Article]:
    """ARTICLES in order, an article listed twice only the first time."""
    seen: set[str] = set()
    kept = []
    for article in articles:
        if article.identity not in seen:
            seen.add(article.identity)
            kept.append(article)
    return kept


def articles_in_language(articles: list[Article], language: str) -> tuple[list[Article], list[str]]:
    """The articles in LANGUAGE, and a warning for each one left out: an edition is spoken in
    one language, its show's."""
    kept = [article for article in articles if article.language == language]
    warnings = [
        f"{article.source}: in {article.language!r}, the edition is in {language!r}; left out"
        for article in articles
        if article.language != language
    ]
    return kept, warnings


def build_edition_script(
    articles: list[Article],
    edition: Edition,
    show_name: str,
    templates: SpokenTemplates,
    normalizer: Normalizer,
    *,
    language: str,
    when: datetime,
) -> Script:
    """The edition's script. ARTICLES are all in LANGUAGE (see articles_in_language), in the
    order they are to be heard; WHEN is the edition's date and time."""
    titles = CHAPTER_TITLES.get(language, CHAPTER_TITLES["ru"])
    values = {
        "show": show_name,
        "title": edition.title,
        "date_words": date_in_words(when, language),
        "headlines": [article.title.rstrip(".") for article in articles],
        "language": language,
    }
    intro = template_segments(templates, "edition_intro", values, SegmentKind.INTRO, normalizer)
    segments = open_chapter(intro, titles["intro"], PAUSES["intro"])
    for index, article in enumerate(articles):
        segments += article_segments(article, templates, normalizer, language, sting=index > 0)
    outro = template_segments(templates, "edition_outro", values, SegmentKind.OUTRO, normalizer)
    segments += open_chapter(outro, titles["outro"], PAUSES["outro"])
    about = edition_article(articles, edition, show_name, language, when)
    return Script(article=about, show=show_name, language=language, segments=segments)


def article_segments(
    article: Article,
    templates: SpokenTemplates,
    normalizer: Normalizer,
    language: str,
    sting: bool,
) -> list[Segment]:
    """One article of an edition: its header (title, author) from edition_item, then its body;
    the first segment opens a chapter named after the article and, with STING, asks for the
    sting before it."""
    values = {
        "title": article.title.rstrip("."),
        "author": article.author,
        "date_words": date_in_words(article.published, language),
        "category": article.category,
        "language": language,
    }
    header = template_segments(templates, "edition_item", values, SegmentKind.HEADING, normalizer)
    header = open_chapter(header, article.title, PAUSES["heading"])
    segments = header + body_segments(article, normalizer, chapters=False)
    segments[0] = replace(segments[0], chapter=article.title, sting_before=sting)
    return segments


def edition_article(
    articles: list[Article], edition: Edition, show_name: str, language: str, when: datetime
) -> Article:
    """The edition described as an Article, which is what an episode's metadata is made from:
    its title and date, the show as author, the edition's category, the headlines as body."""
    headlines = [article.title.rstrip(".") for article in articles]
    contents = _CONTENTS.get(language, _CONTENTS["ru"])
    return Article(
        source=f"edition {edition.slug} {when.date().isoformat()}",
        title=f"{edition.title} — {when:%d.%m.%Y}",
        body=[Block(BlockKind.PARAGRAPH, headline) for headline in headlines],
        published=when,
        author=show_name,
        category=edition_category(edition.slug),
        language=language,
        lead=f"{contents}: {'; '.join(headlines)}.",
    )
