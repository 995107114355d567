"""Several articles → one edition script: the intro lists the headlines, each article is a
chapter (header, then its body exactly as in its own episode), stings between, an outro."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from audiocast.config import Edition
from audiocast.model import Article, Block, BlockKind, SegmentKind
from audiocast.script import SpokenTemplates
from audiocast.script.edition import (
    articles_in_language,
    build_edition_script,
    each_once,
    edition_article,
    gathered,
)
from tests.conftest import ARTICLES

BAKU = timezone(timedelta(hours=4))
WHEN = datetime(2026, 1, 28, 20, 0, tzinfo=BAKU)
DAILY = Edition(slug="daily", title="Главное за день", show="politika")
SOURCES = ("short-news.json", "plain-note.txt", "minval-baku-kiev.md")


@pytest.fixture
def articles(pipeline):
    return [pipeline.read(str(ARTICLES / name)) for name in SOURCES]


def edition_script(pipeline, articles, show="Minval Politika", language="ru", templates=None):
    normalizer = pipeline.normalizers.for_language(language)
    templates = templates or pipeline.templates
    return build_edition_script(
        articles, DAILY, show, templates, normalizer, language=language, when=WHEN
    )


def test_intro_names_the_show_the_date_and_every_headline(pipeline, articles):
    script = edition_script(pipeline, articles)
    intro = [s.text for s in script.segments if s.kind is SegmentKind.INTRO]
    assert intro[:2] == [
        "Minval Politika.",
        "Главное за день: выпуск от двадцать восьмого января две тысячи двадцать шестого года.",
    ]
    listing = " ".join(intro[2:])
    assert listing.startswith("В выпуске: ")
    for article in articles:
        assert article.title in listing
    # a show named like the edition is not said twice
    same = edition_script(pipeline, articles, show="Главное за день")
    first = next(s.text for s in same.segments if s.kind is SegmentKind.INTRO)
    assert first.startswith("Главное за день: выпуск от")
    outro = [s.text for s in same.segments if s.kind is SegmentKind.OUTRO]
    assert outro == ["Это был выпуск «Главное за день».", "Спасибо, что слушаете."]


def test_one_chapter_per_article_with_a_sting_before_all_but_the_first(pipeline, articles):
    script = edition_script(pipeline, articles)
    chapters = [s.chapter for s in script.segments if s.chapter]
    assert chapters == ["Вступление", *(a.title for a in articles), "Завершение"]
    openers = [s for s in script.segments if s.chapter in {a.title for a in articles}]
    assert [s.sting_before for s in openers] == [False, True, True]
    assert [s.sting_before for s in script.segments].count(True) == 2
    # each article opens with its header: the title, then the author when there is one
    assert [s.text for s in openers] == [f"{a.title.rstrip('.')}." for a in articles]
    after = script.segments[script.segments.index(openers[0]) + 1]
    assert (after.kind, after.text) == (SegmentKind.HEADING, "Автор: Редакция Minval.")


def test_each_body_is_spoken_exactly_as_in_its_own_episode(pipeline, articles):
    """Same segments, same spoken text: the edition takes the bodies' speech from the cache."""
    script = edition_script(pipeline, articles)
    edition_body = [s for s in script.segments if s.kind is SegmentKind.SENTENCE]
    own_bodies = []
    for article in articles:
        own = pipeline.script(article).segments
        own_bodies += [s for s in own if s.kind is SegmentKind.SENTENCE]
    assert [s.spoken for s in edition_body] == [s.spoken for s in own_bodies]
    assert [s.pause_after for s in edition_body] == [s.pause_after for s in own_bodies]
    # sub-headings are said as in the article, but open no chapter of their own here
    headings = [s for s in script.segments if s.text == "Энергетика как основа"]
    assert len(headings) == 1 and headings[0].chapter is None
    own_heading = next(
        s for s in pipeline.script(articles[2]).segments if s.text == "Энергетика как основа"
    )
    assert headings[0].spoken == own_heading.spoken


def test_the_edition_as_metadata(articles):
    about = edition_article(articles, DAILY, "Minval Politika", "ru", WHEN)
    assert about.title == "Главное за день — 28.01.2026"
    assert about.author == "Minval Politika"
    assert about.category == "edition:daily"
    assert about.published == WHEN
    assert about.lead == (
        "В выпуске: Азербайджанская продукция покоряет международную выставку в Дубае; "
        "Кремль пригласил Зеленского в Москву; Баку и Киев переходят к делу."
    )


def test_articles_in_another_language_are_left_out_with_a_warning(pipeline, articles):
    azerbaijani = pipeline.read(str(ARTICLES / "azerbaijani.md"))
    kept, warnings = articles_in_language([articles[0], azerbaijani, articles[1]], "ru")
    assert kept == articles[:2]
    assert warnings == [
        f"{azerbaijani.source}: in 'az', the edition is in 'ru'; left out",
    ]


def test_an_azerbaijani_edition_speaks_azerbaijani(pipeline):
    azerbaijani = pipeline.read(str(ARTICLES / "azerbaijani.md"))
    script = edition_script(pipeline, [azerbaijani], show="Minval", language="az")
    texts = [s.text for s in script.segments]
    assert any(t.startswith("Buraxılışda: ") for t in texts)
    assert texts[-1] == "Dinlədiyiniz üçün təşəkkür edirik."
    assert [s.chapter for s in script.segments if s.chapter] == [
        "Giriş",
        azerbaijani.title,
        "Sonluq",
    ]


def test_a_site_template_changes_the_wording(pipeline, articles, tmp_path):
    (tmp_path / "spoken").mkdir()
    (tmp_path / "spoken" / "edition_item.ru.txt.j2").write_text("Далее: {{ title }}.\n")
    script = edition_script(pipeline, articles, templates=SpokenTemplates.from_dirs(tmp_path))
    openers = [s.text for s in script.segments if s.chapter in {a.title for a in articles}]
    assert openers == [f"Далее: {a.title}." for a in articles]


def stored(title: str, category: str, hours_before: float) -> Article:
    body = [Block(BlockKind.PARAGRAPH, f"{title}.")]
    return Article(title, title, body, WHEN - timedelta(hours=hours_before), category=category)


def test_an_edition_gathers_its_window_and_categories_newest_first_never_an_edition():
    articles = [
        stored("at the edition's time", "Политика", 0),
        stored("a day before, to the minute", "Экономика", 24),
        stored("just older than a day", "Политика", 24.01),
        stored("after the edition's time", "Политика", -0.5),
        stored("another category", "Спорт", 1),
        stored("an earlier edition", "edition:daily", 2),
        stored("earlier that day", "Экономика", 5),
    ]
    edition = dataclasses.replace(DAILY, categories=("Политика", "Экономика"))
    titles = [a.title for a in gathered(articles, edition, WHEN)]
    assert titles == ["at the edition's time", "earlier that day", "a day before, to the minute"]
    everything = [a.title for a in gathered(articles, DAILY, WHEN)]  # no categories: any
    assert "another category" in everything and "an earlier edition" not in everything
    twice = each_once([articles[0], articles[1], articles[0]])
    assert twice == articles[:2]
