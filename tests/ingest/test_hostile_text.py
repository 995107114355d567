"""What a careless or hostile article file cannot do: smuggle control characters, reordering
marks or terminal escapes into titles and text, pass a script URL on as a link, take another
article's identity, or make reading hang or crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from audiocast.errors import ArticleError
from audiocast.ingest import read_article
from audiocast.ingest.common import MAX_TITLE_CHARS
from audiocast.pipeline import episode_guid

# every kind of character ingest must not pass on, as a user pasted them
HOSTILE = "\x00\x01\x08\x0e\x1b[31m\x1b]0;owned\x07\x7f\x85\x9b\u202e\u2066\ufffe"


def _unwanted(text: str) -> list[str]:
    return [c for c in text if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u2066\ufffe"]


def test_a_vertical_tab_from_word_is_a_space_and_controls_are_gone(settings, tmp_path):
    path = tmp_path / "vt.md"
    path.write_text(
        "---\ntitle: T\x0bитул\x01\ndate: 2026-01-29T10:00:00+04:00\nauthor: \x1b[1mИван\n---\n\n"
        "Абзац\x0bиз Word.\x00 Конец\u202eтекста.\n",
        encoding="utf-8",
    )
    article = read_article(str(path), settings)
    assert article.title == "T итул"
    assert article.author == "Иван"
    assert article.body[0].text == "Абзац из Word. Конецтекста."


@pytest.mark.parametrize("suffix", [".md", ".json", ".txt", ".html"])
def test_no_reader_passes_control_or_bidirectional_characters_on(settings, tmp_path, suffix):
    title, text = f"Заголовок{HOSTILE}новости", f"Первое{HOSTILE} предложение статьи."
    path = tmp_path / f"article{suffix}"
    if suffix == ".md":
        content = f'---\ntitle: "{json.dumps(title)[1:-1]}"\ntags: [a{HOSTILE}b]\n---\n\n{text}\n'
    elif suffix == ".json":
        content = json.dumps({"title": title, "author": title, "tags": [title], "body": [text]})
    elif suffix == ".txt":
        content = f"{title}\n\n{text}\n"
    else:
        content = (
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text} {text} {text}</p></article></body></html>"
        )
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    article = read_article(str(path), settings)
    fields = [article.title, article.author, *article.tags, *(b.text for b in article.body)]
    assert not [c for field in fields for c in _unwanted(field)]
    assert "Заголовок" in article.title and "[31m" not in article.title


def test_a_lone_surrogate_in_a_title_is_dropped(settings, tmp_path):
    path = tmp_path / "surrogate.json"
    path.write_text('{"title": "До\\ud800после", "body": "Текст статьи."}', encoding="utf-8")
    article = read_article(str(path), settings)
    assert article.title == "Допосле"
    article.title.encode("utf-8")  # would raise with the surrogate


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,x",
            "vbscript:x", "//evil.example/x", "https://", "http://exa mple.com/"]
)  # fmt: skip
def test_only_an_http_address_is_kept_as_the_article_url(settings, tmp_path, url):
    path = tmp_path / "article.json"
    path.write_text(json.dumps({"title": "T", "url": url, "body": "Текст статьи."}))
    article = read_article(str(path), settings)
    assert article.url == ""
    assert any("is not an http(s) address" in warning for warning in article.warnings)


def test_an_http_address_is_kept(settings, tmp_path):
    path = tmp_path / "article.json"
    url = "https://minval.az/news/1?x=1#top"
    path.write_text(json.dumps({"title": "T", "url": url, "body": "Текст статьи."}))
    assert read_article(str(path), settings).url == url


def test_articles_with_the_same_file_name_in_two_folders_are_two_articles(settings):
    root = settings.root
    for folder in ("x", "y"):
        (root / folder).mkdir()
        (root / folder / "article.md").write_text(
            f"---\ntitle: {folder}\n---\n\nТекст статьи {folder}.\n", encoding="utf-8"
        )
    first = read_article(str(root / "x" / "article.md"), settings)
    second = read_article(str(root / "y" / "article.md"), settings)
    assert first.identity == "source:x/article.md"
    assert second.identity == "source:y/article.md"
    assert episode_guid(first) != episode_guid(second)
    # the same file read through another path is the same article
    os.chdir(root / "x")
    assert read_article("article.md", settings).identity == first.identity


def test_a_file_outside_the_site_folder_is_known_by_its_whole_path(settings, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "article.md"
    outside.write_text("---\ntitle: T\n---\n\nТекст статьи.\n", encoding="utf-8")
    assert read_article(str(outside), settings).identity == f"source:{outside.resolve()}"


def test_a_title_longer_than_any_headline_is_refused(settings, tmp_path):
    path = tmp_path / "long.json"
    title = "Очень длинный заголовок " * 250
    path.write_text(json.dumps({"title": title, "body": "Текст статьи."}))
    with pytest.raises(ArticleError) as caught:
        read_article(str(path), settings)
    message = str(caught.value)
    assert message.startswith(f"{path}: title is ")
    assert f"over the limit of {MAX_TITLE_CHARS}" in message and "\n" not in message


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("/dev/zero", "is not a regular file"),
        ("ftp://minval.az/news/1", "only http and https addresses are read"),
        ("file:///etc/passwd", "only http and https addresses are read"),
        ("x" * 300 + ".md", "cannot read file: File name too long"),
        ("nul\0byte.md", "not a file name"),
    ],
)
def test_what_is_not_an_article_file_is_one_line_saying_why(settings, source, reason):
    with pytest.raises(ArticleError) as caught:
        read_article(source, settings)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(settings, tmp_path):
    fifo = tmp_path / "article.md"
    os.mkfifo(fifo)
    with pytest.raises(ArticleError, match="is not a regular file"):
        read_article(str(fifo), settings)


def test_a_file_far_larger_than_any_article_is_not_read(settings, tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: no disk used
    with pytest.raises(ArticleError, match=r"file is 67,108,864 bytes, over the limit"):
        read_article(str(huge), settings)


def test_control_characters_in_a_feed_title_never_reach_the_article(settings, tmp_path):
    """The same cleaning covers every reader, the site sources' too (they share finish_article)."""
    from audiocast.ingest.common import ArticleFields, finish_article
    from audiocast.model import Block, BlockKind

    fields = ArticleFields(
        source="minval:1",
        title=f"Заголовок{HOSTILE}",
        body=[Block(BlockKind.PARAGRAPH, f"Текст{HOSTILE} статьи.")],
        site_id=f"1{HOSTILE}",
    )
    article = finish_article(fields, settings, fallback_time=None)
    assert not _unwanted(article.title + article.body[0].text + article.site_id)
    assert isinstance(Path(article.source), Path)
