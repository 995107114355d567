"""A post's HTML (WordPress content.rendered, a feed's content:encoded) → paragraphs and
headings; titles and excerpts → one line of text."""

from __future__ import annotations

from audiocast.ingest.site.fragment import (
    blocks_from_html,
    editors_lead,
    excerpt_text,
    plain_text,
)
from audiocast.model import BlockKind

P, H = BlockKind.PARAGRAPH, BlockKind.HEADING


def kinds_and_texts(html: str) -> list[tuple[BlockKind, str]]:
    return [(b.kind, b.text) for b in blocks_from_html(html)]


def test_paragraphs_headings_and_list_items_in_order():
    html = """<p>Первый <strong>абзац</strong>, «<a href="/x">Кара</a>бах».</p>
<!-- wp:heading --><h2>Энергетика</h2><!-- /wp:heading -->
<h3>Газ</h3>
<ul><li>Один пункт</li><li>Второй<ol><li>вложенный</li></ol></li></ul>
<blockquote class="wp-block-quote"><p>Цитата из речи.</p></blockquote>
<p>Строка<br>и продолжение</p>"""
    assert kinds_and_texts(html) == [
        (P, "Первый абзац, «Карабах»."),
        (H, "Энергетика"),
        (H, "Газ"),
        (P, "Один пункт"),
        (P, "Второй"),
        (P, "вложенный"),
        (P, "Цитата из речи."),
        (P, "Строка и продолжение"),
    ]


def test_images_captions_embeds_scripts_and_tables_are_not_read():
    html = """<p>До.</p>
<figure class="wp-block-image"><img src="a.jpg"><figcaption>Фото: Minval</figcaption></figure>
<p>С картинкой <img src="b.jpg" alt="внутри"> в строке.</p>
<blockquote class="twitter-tweet"><p>Твит</p></blockquote><script>alert("x")</script>
<iframe src="https://www.youtube.com/embed/x"></iframe><table><tr><td>1</td></tr></table>
<div class="sharedaddy"><p>Поделиться</p></div><style>p {}</style>
<p>После.</p>"""
    assert kinds_and_texts(html) == [(P, "До."), (P, "С картинкой в строке."), (P, "После.")]


def test_loose_text_between_blocks_is_a_paragraph_of_its_own():
    html = "Вступление без тега <em>курсивом</em>\n<p>Абзац.</p>\nхвост <div>в диве</div>"
    assert kinds_and_texts(html) == [
        (P, "Вступление без тега курсивом"),
        (P, "Абзац."),
        (P, "хвост"),
        (P, "в диве"),
    ]


def test_empty_or_blank_html_has_no_blocks():
    assert blocks_from_html("") == [] and blocks_from_html("  \n ") == []
    assert plain_text("") == ""


def test_titles_lose_tags_and_entities():
    assert plain_text("Матч для &#171;Карабаха&#187; &amp; <b>Лига</b>") == (
        "Матч для «Карабаха» & Лига"
    )


def test_an_automatic_excerpt_ends_with_an_ellipsis():
    assert excerpt_text("<p>Первые слова статьи [&hellip;]</p>\n") == "Первые слова статьи…"
    more = '<p>Начало [&hellip;] <a class="more-link" href="/x">Читать далее</a></p>'
    assert excerpt_text(more) == "Начало…"
    assert excerpt_text("<p>Ручной анонс.</p>") == "Ручной анонс."


TABLE_POST = (
    "<p>Коротко.</p>\n<p>Сборная победила.</p>\n"
    '<figure class="wp-block-table"><table><tbody><tr><td>Ячейка один</td><td>Ячейка два</td>'
    "</tr></tbody></table></figure>\n<p>Дальше текст статьи.</p>"
)


def test_wordpress_s_own_excerpt_becomes_the_opening_of_the_text_as_read():
    # WordPress's excerpt, made without an editor: the content's words, a table's cells too
    automatic = excerpt_text("<p>Коротко. Сборная победила. Ячейка одинЯчейка два [&hellip;]</p>")
    body = blocks_from_html(TABLE_POST)
    lead = editors_lead(automatic, TABLE_POST, body)
    assert lead == "Коротко. Сборная победила. Дальше текст статьи."  # as many words, no cells
    assert "Ячейка" not in lead
    # one an editor wrote is kept as written
    written = excerpt_text("<p>Главное о победе сборной.</p>")
    assert editors_lead(written, TABLE_POST, body) == "Главное о победе сборной."
    assert editors_lead("", TABLE_POST, body) == ""
