"""A sentence too long for one take (no full stop in 150,000 characters) is spoken in pieces of
at most 400 characters, cut at the best place, and nothing of it is lost or reordered."""

from __future__ import annotations

from pathlib import Path

from audiocast.config import load_settings
from audiocast.ingest import read_article
from audiocast.model import SegmentKind
from audiocast.pipeline import Pipeline
from audiocast.publish.catalogue import read_cues
from audiocast.script.build import PAUSES
from audiocast.script.sentences import split_sentences

LIMIT = 400  # sentences.MAX_SPOKEN_CHARS: "a few hundred characters", see the comment there
FRONT = '---\ntitle: "Длинное предложение"\ndate: 2026-01-28T10:00:00+04:00\n---\n'


def script_of(tmp_path: Path, body: str):
    path = tmp_path / "article.md"
    path.write_text(FRONT + body, encoding="utf-8")
    settings = load_settings(tmp_path)
    return Pipeline(settings).script(read_article(str(path), settings))


def body_sentences(script) -> list:
    return [s for s in script.segments if s.kind is SegmentKind.SENTENCE]


def test_a_150000_character_sentence_comes_in_pieces_that_rejoin_to_its_words(tmp_path):
    script = script_of(tmp_path, "слово " * 25_000 + "\n")
    assert max(len(segment.text) for segment in script.segments) <= LIMIT
    pieces = body_sentences(script)
    assert len(pieces) >= 150_000 // LIMIT
    assert " ".join(piece.text for piece in pieces).split() == ["слово"] * 25_000
    # one paragraph: it opens the article's chapter, and only its last piece ends it
    assert pieces[0].chapter == "Длинное предложение"
    assert all(piece.chapter is None for piece in pieces[1:])
    assert [p.pause_after for p in pieces] == [PAUSES["sentence"]] * (len(pieces) - 1) + [
        PAUSES["paragraph"]
    ]


def test_pieces_are_cut_after_a_comma_semicolon_or_dash(tmp_path):
    marks = [",", ";", " —"]
    clauses = [f"пункт номер {n} длинного перечня{marks[n % 3]}" for n in range(300)]
    sentence = "П" + " ".join(clauses)[1:] + " и последний пункт."
    script = script_of(tmp_path, f"Короткое начало абзаца. {sentence} Короткий конец.\n")
    texts = [piece.text for piece in body_sentences(script)]
    assert texts[0] == "Короткое начало абзаца." and texts[-1] == "Короткий конец."
    pieces = texts[1:-1]
    assert len(pieces) > 1
    assert " ".join(pieces) == sentence
    assert all(LIMIT // 2 <= len(piece) <= LIMIT for piece in pieces[:-1])
    assert all(piece.endswith((",", ";", "—")) for piece in pieces[:-1])


def test_a_word_longer_than_the_limit_is_cut_but_never_before_its_stress_mark(tmp_path):
    word = "б" + "а\u0301" * 700  # every other code point a combining acute accent
    script = script_of(tmp_path, f"Начало абзаца {word} конец абзаца.\n")
    texts = [piece.text for piece in body_sentences(script)]
    assert max(map(len, texts)) <= LIMIT
    assert not any(text.startswith("\u0301") for text in texts)
    assert "".join(texts).replace(" ", "") == f"Начало абзаца {word} конец абзаца.".replace(" ", "")


def test_a_heading_longer_than_the_limit_is_spoken_in_pieces_and_opens_one_chapter(tmp_path):
    heading = "очень длинный заголовок раздела " * 40  # 1,280 characters
    script = script_of(tmp_path, f"Первый абзац.\n\n## {heading}\n\nВторой абзац.\n")
    headings = [s for s in script.segments if s.kind is SegmentKind.HEADING]
    assert len(headings) > 1
    assert max(len(h.text) for h in headings) <= LIMIT
    assert " ".join(h.text for h in headings).split() == heading.split()
    assert headings[0].chapter == headings[0].text
    assert all(h.chapter is None for h in headings[1:])
    assert headings[-1].pause_after == PAUSES["heading"]


def test_a_sentence_of_the_limit_stays_whole_and_one_longer_is_cut():
    at_limit = ("а" * 9 + " ") * (LIMIT // 10 - 1) + "а" * 9 + "."
    assert len(at_limit) == LIMIT
    assert split_sentences(at_limit) == [at_limit]
    over = "б" + at_limit
    pieces = split_sentences(over)
    assert len(pieces) == 2 and " ".join(pieces) == over


def test_the_episode_asks_the_engine_for_no_take_longer_than_the_limit(
    tmp_path, pipeline, counting_engine
):
    path = tmp_path / "article.md"
    path.write_text(FRONT + "слово " * 500 + "\n", encoding="utf-8")  # 3,000 characters
    result = pipeline.make_episode(str(path))
    assert counting_engine.calls
    assert max(map(len, counting_engine.calls)) <= LIMIT
    cues = read_cues(result.folder / "transcript.vtt")
    body = [cue.text for cue in cues if cue.text.startswith("слово")]
    assert len(body) > 1  # one cue a piece
    assert " ".join(body).split() == ["слово"] * 500
