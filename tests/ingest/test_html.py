"""The site's real article page (tests/fixtures/articles/minval-baku-kiev.html, made from the
page as scraped text, tests/fixtures/seeds/minval-baku-kiev.txt): the article comes out, the page
chrome does not."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from audiocast.ingest import read_article
from audiocast.model import BlockKind, SegmentKind
from tests.conftest import ARTICLES, SEED

PAGE = ARTICLES / "minval-baku-kiev.html"

# Text that is on the page but not in the article: menus, the ticker, the view counter, share
# buttons, the Telegram boxes, the tag list, related and sidebar news, the footer.
CHROME = [
    "Ильхам Алиев подписал важное соглашение с Грузией",
    "Генсек НАТО пытается спасти альянс от Трампа",
    "CSIS: потери России",
    "4056",
    "Facebook",
    "Телеграм-канале",
    "ПОДПИСАТЬСЯ",
    "Minval-LIVE",
    "геополитические реалии",
    "Из этой рубрики",
    "Повтор старой схемы",
    "Лента новостей",
    "Тегеран готов говорить с США",
    "Фото и видео",
    "Ватикан опубликовал фото",
    "При размещении материалов",
    "Контакты",
    "Global Player",
    "Показать еще",
]


def seed_paragraphs() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    body = text[text.index("Отношения между Азербайджаном") : text.index("\nnull\n")]
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def test_metadata_comes_from_the_page(settings):
    article = read_article(str(PAGE), settings)
    assert article.title == "Баку и Киев переходят к делу"
    assert article.author == "Ильгар Велизаде"
    assert article.published == datetime(2025, 8, 26, 9, 30, tzinfo=timezone(timedelta(hours=4)))
    assert article.category == "Статьи"
    assert article.tags == ["Азербайджан и Украина", "геополитические реалии",
                            "энергетическая безопасность"]  # fmt: skip
    assert article.url == "https://minval.az/news/124123"
    assert article.language == "ru"
    assert article.warnings == []


def test_body_is_exactly_the_articles_paragraphs_and_headings(settings):
    article = read_article(str(PAGE), settings)
    paragraphs = [b.text for b in article.body if b.kind is BlockKind.PARAGRAPH]
    headings = [b.text for b in article.body if b.kind is BlockKind.HEADING]
    assert paragraphs == seed_paragraphs()
    assert headings == ["Энергетика как основа", "Многовекторная дипломатия"]


def test_spoken_script_holds_the_article_and_none_of_the_chrome(pipeline):
    article = pipeline.read(str(PAGE))
    script = pipeline.script(article)
    transcript = " ".join(segment.text for segment in script.segments)
    for paragraph in seed_paragraphs():
        # every sentence of the article is spoken, in order
        assert paragraph[:60] in transcript
        assert paragraph[-60:] in transcript
    for chrome in CHROME:
        assert chrome not in transcript, chrome
    spoken = " ".join(segment.spoken for segment in script.segments)
    assert "function" not in spoken and "{" not in spoken  # no script or style text


def test_page_in_a_declared_legacy_charset_is_decoded(settings, tmp_path):
    # Russian sites still serve windows-1251; the page says so in its meta tag
    page = PAGE.read_text(encoding="utf-8").replace(
        '<meta charset="utf-8">', '<meta charset="windows-1251">'
    )
    assert '<meta charset="windows-1251">' in page
    path = tmp_path / "legacy.html"
    path.write_bytes(page.encode("cp1251", errors="replace"))
    article = read_article(str(path), settings)
    assert article.title == "Баку и Киев переходят к делу"


JNEWS = ARTICLES / "jnews-title-in-article.html"


def test_a_title_heading_inside_the_article_is_not_spoken_twice(pipeline):
    """JNews puts h1.jeg_post_title inside <article>: extraction keeps it as the first heading."""
    article = pipeline.read(str(JNEWS))
    assert article.title == "Баку и Киев переходят к делу"
    assert article.body[0].kind is BlockKind.PARAGRAPH
    script = pipeline.script(article)
    # said once at the start (the intro), once more only in the outro's farewell
    before_outro = [s.text for s in script.segments if s.kind is not SegmentKind.OUTRO]
    assert sum("Баку и Киев переходят к делу" in text for text in before_outro) == 1
    chapters = [segment.chapter for segment in script.segments if segment.chapter]
    assert chapters == [
        "Вступление", "Баку и Киев переходят к делу", "Энергетика как основа", "Завершение"
    ]  # fmt: skip


def test_a_first_heading_that_is_not_the_title_is_kept(settings, tmp_path):
    page = JNEWS.read_text("utf-8").replace(
        '<h1 class="jeg_post_title">Баку и Киев переходят к делу</h1>',
        "<h2>Главное за неделю</h2>",
    )
    path = tmp_path / "other-heading.html"
    path.write_text(page, encoding="utf-8")
    article = read_article(str(path), settings)
    assert (article.body[0].kind, article.body[0].text) == (BlockKind.HEADING, "Главное за неделю")


def test_a_title_heading_is_dropped_from_any_reader(settings, tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: Баку и Киев переходят к делу - Minval Politika\n---\n\n"
        "# Баку и Киев — переходят к делу!\n\nТекст статьи.\n\n## Дальше\n\nЕщё текст.\n",
        encoding="utf-8",
    )
    article = read_article(str(path), settings)
    assert [(b.kind, b.text) for b in article.body] == [
        (BlockKind.PARAGRAPH, "Текст статьи."),
        (BlockKind.HEADING, "Дальше"),
        (BlockKind.PARAGRAPH, "Ещё текст."),
    ]
