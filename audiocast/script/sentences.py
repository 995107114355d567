"""Splitting paragraphs into sentences, aware of Russian abbreviations and initials, and cutting
a sentence too long to be spoken in one take into pieces."""

from __future__ import annotations

import re
import unicodedata

import razdel

# razdel already keeps «т. е.», «г.», initials («В. В. Путин») and «и т. д.» inside a sentence.
# A sentence shorter than this is glued to the next one: a stray «1.» or «—» is not a sentence.
_MIN_SENTENCE_CHARS = 3
_WORD = re.compile(r"\w")

# The longest piece of written text spoken in one take. Each take is synthesized whole in
# memory: espeak-ng gives about 1,000 samples a character, and the engine's chunks, their join
# and the silence trimming (an int32 copy, its absolute value, the mask) hold them several
# times over: about 10 KiB of peak memory a character, measured from 200 to 50,000 characters
# (normalizing and sentence splitting cost next to nothing). An episode of one 150,000-character
# sentence without a full stop peaked at 1,669 MiB, in every worker of a sync; in pieces, at
# 231 MiB (benchmarks/hostile_input.py). At 400 characters a take costs about 4 MiB and 19 s
# of speech, and real sentences stay whole (the longest in the seed article has 277
# characters), so their takes and cache keys are what they were.
MAX_SPOKEN_CHARS = 400
# A cut after a comma, semicolon, colon or dash, before the whitespace that follows it; a
# hyphen standing between spaces is a dash too («Баку - столица»).
_CLAUSE_BREAK = re.compile(r"(?<=[,;:—–])\s|(?<=\s-)\s")
_SPACE = re.compile(r"\s")


def split_sentences(paragraph: str) -> list[str]:
    """PARAGRAPH's sentences; one longer than MAX_SPOKEN_CHARS comes as pieces (cut_long)."""
    sentences: list[str] = []
    carry = ""
    for piece in razdel.sentenize(paragraph):
        text = f"{carry} {piece.text}".strip() if carry else piece.text.strip()
        if len(text) < _MIN_SENTENCE_CHARS or not _WORD.search(text):
            carry = text
            continue
        sentences.append(text)
        carry = ""
    if carry:
        if sentences:
            sentences[-1] = f"{sentences[-1]} {carry}"
        elif _WORD.search(carry):
            sentences.append(carry)
    return [piece for sentence in sentences for piece in cut_long(sentence)]


def cut_long(sentence: str, limit: int = MAX_SPOKEN_CHARS) -> list[str]:
    """SENTENCE as it is when it is at most LIMIT characters; else pieces of at most LIMIT,
    each cut at the best place the piece offers: after the last comma, semicolon, colon or
    dash in its second half, else at its last space, else (one "word" longer than LIMIT)
    between two characters, never before a combining mark. Joined with spaces (without, after
    a cut inside a word) the pieces give back the sentence's words in order. A piece with no
    letter or digit in it (a run of punctuation) is left out: there is nothing to say."""
    if len(sentence) <= limit:
        return [sentence]
    pieces: list[str] = []
    text = sentence.strip()
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit + 1]  # a space just after LIMIT characters will do
        clause = [m.start() for m in _CLAUSE_BREAK.finditer(window)]
        space = [m.start() for m in _SPACE.finditer(window)]
        if clause and clause[-1] >= limit // 2:
            cut = clause[-1]
        elif space and space[-1] > 0:
            cut = space[-1]
        else:
            cut = limit
            while cut > 1 and unicodedata.combining(window[cut]):
                cut -= 1
        pieces.append(window[:cut].rstrip())
        start += cut
        while start < len(text) and text[start].isspace():
            start += 1
    pieces.append(text[start:])
    return [piece for piece in pieces if _WORD.search(piece)]
