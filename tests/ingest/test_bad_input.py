"""Bad input: one clear error naming the source and the problem."""

from __future__ import annotations

import pytest

from audiocast.errors import ArticleError
from audiocast.ingest import read_article
from tests.conftest import ARTICLES

BAD = ARTICLES / "bad"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.md", "no body text found"),
        ("no-title.json", "no title"),
        ("image-only.html", "no body text found"),
        ("scripts-only.html", "no body text found"),
        ("undecodable.txt", "not UTF-8 text"),
    ],
)
def test_bad_article_is_refused_with_its_reason(settings, name, reason):
    with pytest.raises(ArticleError) as caught:
        read_article(str(BAD / name), settings)
    message = str(caught.value)
    assert message.startswith(str(BAD / name) + ": ")
    assert reason in message
    assert "\n" not in message


def test_missing_file(settings, tmp_path):
    missing = tmp_path / "nope.md"
    with pytest.raises(ArticleError, match=r"nope\.md: file not found"):
        read_article(str(missing), settings)


def test_folder_is_not_an_article(settings, tmp_path):
    with pytest.raises(ArticleError, match="is a folder"):
        read_article(str(tmp_path), settings)


def test_overlong_article_is_refused_with_the_limit(settings, tmp_path):
    path = tmp_path / "huge.txt"
    paragraph = "Очень длинная статья о переговорах в регионе и их последствиях. " * 20
    path.write_text("Заголовок\n\n" + "\n\n".join([paragraph] * 240))
    assert path.stat().st_size > 300_000
    with pytest.raises(ArticleError) as caught:
        read_article(str(path), settings)
    assert "over the limit of 200,000" in str(caught.value)
    assert "max_article_chars" in str(caught.value)


def test_invalid_json_and_front_matter_name_the_problem(settings, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "T", "body": [')
    with pytest.raises(ArticleError, match=r"broken\.json: not valid JSON"):
        read_article(str(broken), settings)
    yaml = tmp_path / "broken.md"
    yaml.write_text("---\ntitle: [unclosed\n---\nТекст.\n")
    with pytest.raises(ArticleError, match=r"broken\.md: front matter is not valid YAML"):
        read_article(str(yaml), settings)


def test_script_and_style_text_never_reaches_the_body(settings):
    article = read_article(str(ARTICLES / "minval-baku-kiev.html"), settings)
    text = " ".join(b.text for b in article.body)
    assert "function" not in text and "gtag" not in text and "{" not in text
