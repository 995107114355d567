"""The feed's own checks refuse a value with a final newline (`$` matches before one)."""

from __future__ import annotations

import pytest

from audiocast.config import Show
from audiocast.publish.feeds import check_show
from audiocast.publish.podcast20 import Podcast20EntryExtension

SHOW = Show(slug="politika", title="Minval Politika", owner_email="podcast@minval.az")


def test_check_show_refuses_a_language_or_an_e_mail_with_a_final_newline():
    assert check_show(SHOW) == []
    show = Show(slug="politika", title="T", language="ru\n", owner_email="podcast@minval.az\n")
    assert check_show(show) == [
        "shows[politika]: language 'ru\\n' is not a language code like 'ru'",
        "shows[politika]: owner_email 'podcast@minval.az\\n' is not an e-mail address",
    ]


@pytest.mark.parametrize(
    ("url", "mime_type", "expected"),
    [
        ("https://example.com/t.vtt\n", "text/vtt", "absolute"),
        ("https://example.com/t.vtt", "text/vtt\n", "MIME type"),
    ],
)
def test_a_transcript_with_a_final_newline_is_refused(url, mime_type, expected):
    entry = Podcast20EntryExtension()
    entry.transcript("https://example.com/t.vtt", "text/vtt")  # the same, without: fine
    with pytest.raises(ValueError, match=expected):
        entry.transcript(url, mime_type)


def test_a_chapters_url_with_a_final_newline_is_refused():
    entry = Podcast20EntryExtension()
    entry.chapters("https://example.com/chapters.json")
    with pytest.raises(ValueError, match="absolute"):
        entry.chapters("https://example.com/chapters.json\n")
