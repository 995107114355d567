"""Markdown, JSON and plain-text articles, and the defaults they get."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from audiocast.ingest import read_article
from audiocast.model import BlockKind
from tests.conftest import ARTICLES

BAKU = timezone(timedelta(hours=4))


def test_markdown_with_front_matter_matches_the_html_page(settings):
    markdown = read_article(str(ARTICLES / "minval-baku-kiev.md"), settings)
    html = read_article(str(ARTICLES / "minval-baku-kiev.html"), settings)
    for field in ("title", "author", "published", "category", "tags", "url", "body"):
        assert getattr(markdown, field) == getattr(html, field), field
    assert markdown.lead.startswith("Отношения между Азербайджаном и Украиной")


def test_json_article(settings):
    article = read_article(str(ARTICLES / "short-news.json"), settings)
    assert article.title == "Азербайджанская продукция покоряет международную выставку в Дубае"
    assert article.published == datetime(2026, 1, 28, 19, 1, tzinfo=BAKU)
    assert article.category == "Экономика"
    assert len(article.body) == 3


def test_json_body_as_typed_blocks(settings, tmp_path):
    path = tmp_path / "typed.json"
    body = [{"type": "heading", "text": "Итоги"}, {"type": "paragraph", "text": "Текст абзаца."}]
    path.write_text(json.dumps({"title": "T", "date": "2026-01-01T10:00:00Z", "body": body}))
    article = read_article(str(path), settings)
    assert [(b.kind, b.text) for b in article.body] == [
        (BlockKind.HEADING, "Итоги"),
        (BlockKind.PARAGRAPH, "Текст абзаца."),
    ]
    assert article.published.utcoffset() == timedelta(0)


def test_plain_text_without_date_takes_the_file_time_and_says_so(settings):
    path = ARTICLES / "plain-note.txt"
    article = read_article(str(path), settings)
    assert article.title == "Кремль пригласил Зеленского в Москву"
    assert len(article.body) == 2
    assert abs(article.published.timestamp() - path.stat().st_mtime) < 1
    assert article.published.tzinfo is not None
    assert any("no publication date" in w and "plain-note.txt" in w for w in article.warnings)


def test_naive_date_gets_the_site_time_zone(settings, tmp_path):
    path = tmp_path / "naive.md"
    path.write_text("---\ntitle: T\ndate: 2026-01-28 10:41\n---\nТекст статьи здесь.\n")
    article = read_article(str(path), settings)
    assert article.published == datetime(2026, 1, 28, 10, 41, tzinfo=BAKU)


def test_azerbaijani_article_is_declared(settings):
    article = read_article(str(ARTICLES / "azerbaijani.md"), settings)
    assert article.language == "az"
    assert article.title == "Bakıda beş yeni tramvay xətti çəkiləcək"


def test_identity_is_the_site_id_else_url_else_file_name(settings, tmp_path):
    with_url = read_article(str(ARTICLES / "short-news.json"), settings)
    assert with_url.identity == "https://minval.az/news/130001"
    path = tmp_path / "sub" / "note.json"
    path.parent.mkdir()
    # a site id wins over the URL: a WordPress post keeps its id when its link is edited
    both = {"title": "T", "id": 42, "url": "https://minval.az/news/42", "body": "Текст статьи."}
    path.write_text(json.dumps(both))
    assert read_article(str(path), settings).identity == "site-id:42"
    path.write_text(json.dumps({**both, "url": "https://minval.az/news/42-renamed"}))
    assert read_article(str(path), settings).identity == "site-id:42"
    path.write_text(json.dumps({"title": "T", "body": "Текст статьи."}))
    # no id, no URL: where the file lies in the site folder
    assert read_article(str(path), settings).identity == "source:sub/note.json"


def test_undeclared_azerbaijani_is_detected_and_russian_too(settings, tmp_path):
    az = tmp_path / "az.txt"
    az.write_text(
        "Bakıda beş yeni tramvay xətti çəkiləcək\n\n"
        "Bakı şəhərində beş yeni tramvay xəttinin çəkilməsi planlaşdırılır.\n",
        encoding="utf-8",
    )
    assert read_article(str(az), settings).language == "az"
    ru = tmp_path / "ru.txt"
    ru.write_text("Кремль пригласил Зеленского\n\nВ Кремле заявили о готовности.\n")
    assert read_article(str(ru), settings).language == "ru"
    english = tmp_path / "en.txt"
    english.write_text("Title\n\nPlain English text without any hint.\n")
    assert read_article(str(english), settings).language == settings.language
