"""Article → Script: intro and outro from templates, sentences, headings, pauses, chapters."""

from __future__ import annotations

import dataclasses

from audiocast.model import SegmentKind
from audiocast.pipeline import Pipeline
from audiocast.script import PAUSES
from tests.conftest import ARTICLES


def test_intro_reads_show_title_author_and_date_in_words(pipeline):
    script = pipeline.script(pipeline.read(str(ARTICLES / "minval-baku-kiev.html")))
    intro = [s.spoken for s in script.segments if s.kind is SegmentKind.INTRO]
    # the site's name from the lexicon, read in Russian; stress marks where espeak misplaces it
    assert intro == [
        "Минва\u0301л Поли\u0301тика.",
        "Баку\u0301 и Киев переходят к делу.",
        "Автор: Ильгар Велизаде\u0301.",
        "Материал от двадцать шестого августа две тысячи двадцать пятого года.",
    ]
    outro = [s.text for s in script.segments if s.kind is SegmentKind.OUTRO]
    assert outro[0] == "Вы слушали материал «Баку и Киев переходят к делу»."


def test_chapters_open_at_intro_body_each_heading_and_outro(pipeline):
    script = pipeline.script(pipeline.read(str(ARTICLES / "minval-baku-kiev.html")))
    chapters = [(s.kind, s.chapter) for s in script.segments if s.chapter]
    assert chapters == [
        (SegmentKind.INTRO, "Вступление"),
        (SegmentKind.SENTENCE, "Баку и Киев переходят к делу"),
        (SegmentKind.HEADING, "Энергетика как основа"),
        (SegmentKind.HEADING, "Многовекторная дипломатия"),
        (SegmentKind.OUTRO, "Завершение"),
    ]


def test_pauses_differ_after_sentence_paragraph_and_heading(pipeline):
    script = pipeline.script(pipeline.read(str(ARTICLES / "short-news.json")))
    body = [s for s in script.segments if s.kind is SegmentKind.SENTENCE]
    # three paragraphs of two sentences each: sentence pause inside, paragraph pause at the end
    assert [s.pause_after for s in body] == [PAUSES["sentence"], PAUSES["paragraph"]] * 3
    headed = pipeline.script(pipeline.read(str(ARTICLES / "minval-baku-kiev.md")))
    heading = next(s for s in headed.segments if s.kind is SegmentKind.HEADING)
    assert heading.pause_after == PAUSES["heading"]
    assert PAUSES["sentence"] < PAUSES["paragraph"] < PAUSES["heading"]


def test_spoken_form_expands_numbers_and_abbreviations_transcript_keeps_the_text(pipeline):
    script = pipeline.script(pipeline.read(str(ARTICLES / "short-news.json")))
    pairs = {s.text: s.spoken for s in script.segments}
    sentence = next(t for t in pairs if t.startswith("На национальном стенде"))
    assert "более 40 производителей" in sentence and "т. е." in sentence
    assert "более сорока производителей" in pairs[sentence]
    assert "то есть" in pairs[sentence]
    year = next(t for t in pairs if "2025 г." in t)
    assert "в две тысячи двадцать пятом году" in pairs[year]


def test_site_template_overrides_the_bundled_one(settings, tmp_path):
    site_templates = tmp_path / "site-templates" / "spoken"
    site_templates.mkdir(parents=True)
    (site_templates / "intro.ru.txt.j2").write_text(
        "Здравствуйте! Это {{ show }}.\nСегодня: {{ title }}.\n", encoding="utf-8"
    )
    settings = dataclasses.replace(settings, templates_dir=tmp_path / "site-templates")
    pipeline = Pipeline(settings)
    script = pipeline.script(pipeline.read(str(ARTICLES / "short-news.json")))
    intro = [s.text for s in script.segments if s.kind is SegmentKind.INTRO]
    assert intro == [
        "Здравствуйте!",
        "Это Minval Politika.",
        "Сегодня: Азербайджанская продукция покоряет международную выставку в Дубае.",
    ]
    outro = [s.text for s in script.segments if s.kind is SegmentKind.OUTRO]
    assert outro[-1] == "Спасибо, что слушаете."  # not overridden: the bundled one


def test_azerbaijani_article_gets_azerbaijani_wording(pipeline):
    script = pipeline.script(pipeline.read(str(ARTICLES / "azerbaijani.md")))
    intro = [s.text for s in script.segments if s.kind is SegmentKind.INTRO]
    assert intro[2] == "Müəllif: Minval redaksiyası."
    assert script.segments[0].chapter == "Giriş"


def test_a_lead_the_text_opens_with_is_not_said_twice_even_over_a_short_paragraph(pipeline):
    from audiocast.model import Block, BlockKind

    article = dataclasses.replace(
        pipeline.read(str(ARTICLES / "short-news.json")),
        body=[
            Block(BlockKind.PARAGRAPH, "Коротко."),
            Block(BlockKind.PARAGRAPH, "Сборная победила."),
        ],
        lead="Коротко. Сборная победила.",
    )
    spoken = [s.text for s in pipeline.script(article).segments]
    assert spoken.count("Коротко.") == 1
    other = dataclasses.replace(article, lead="Главное о победе сборной.")
    assert "Главное о победе сборной." in [s.text for s in pipeline.script(other).segments]
