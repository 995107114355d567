"""The stored articles a lexicon word is in: after a change, the ones to voice again (listed
on the «Словарь» page, for POST /jobs/); before a sample, a sentence of one to speak. An
article matches where the lexicon would replace the word (whole words; an acronym in capitals
only), as every run's text rules would.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audiocast.desk.lexicon_entry import MAX_SENTENCE
from audiocast.episode import store as store_files
from audiocast.errors import AudiocastError
from audiocast.ingest.stored import read_stored_article
from audiocast.script.lexicon import Lexicon

if TYPE_CHECKING:
    from audiocast.publish.catalogue import PublishedEpisode

MAX_FOUND = 500  # articles listed for re-voicing after a change


@dataclass(frozen=True)
class Found:
    episode_id: str
    title: str
    sentence: str  # the first sentence that has the word


def articles_with(
    written: str,
    episodes: Iterable[PublishedEpisode],
    language: str,
    *,
    limit: int = MAX_FOUND,
    deadline: float | None = None,
) -> list[Found]:
    """The stored EPISODES in LANGUAGE whose article (article.json beside it) has WRITTEN where
    the lexicon would match it (whole words; an acronym in capitals only), at most LIMIT, in
    the order given, looking until DEADLINE (time.monotonic()) at most. A file is parsed only
    when its text holds the word in some case."""
    matcher = Lexicon({written: "\x00"})  # replaces the word wherever the entry would
    rough = written.casefold() if not any(c in written for c in '"\\') else ""
    found: list[Found] = []
    for episode in episodes:
        if len(found) >= limit or (deadline is not None and time.monotonic() > deadline):
            break
        if episode.language.split("-", 1)[0].lower() != language:
            continue
        path = Path(episode.location) / store_files.ARTICLE_FILE
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # an edition, or an episode made before articles were kept
        if rough and rough not in raw.casefold():
            continue
        sentence = _sentence_with(path, matcher)
        if sentence is not None:
            found.append(Found(episode.episode_id, episode.title, sentence))
    return found


def _sentence_with(path: Path, matcher: Lexicon) -> str | None:
    from audiocast.script.sentences import split_sentences  # razdel: not at the desk's start

    try:
        article = read_stored_article(path)
    except AudiocastError:
        return None
    for text in (article.title, article.lead, *(block.text for block in article.body)):
        if text and matcher.rewrite(text) != text:
            for sentence in split_sentences(text):
                if matcher.rewrite(sentence) != sentence:
                    return sentence
            return text
    return None


def around(sentence: str, written: str, limit: int = MAX_SENTENCE) -> str:
    """SENTENCE, or the piece of it with WRITTEN when it is longer than LIMIT."""
    if len(sentence) <= limit:
        return sentence
    at = max(0, sentence.casefold().find(written.casefold()))
    start = max(0, min(at - limit // 3, len(sentence) - limit))
    piece = sentence[start : start + limit]
    if start > 0:
        piece = piece.split(" ", 1)[-1]
    if start + limit < len(sentence):
        piece = piece.rsplit(" ", 1)[0]
    return piece
