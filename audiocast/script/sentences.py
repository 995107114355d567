"""Splitting paragraphs into sentences, aware of Russian abbreviations and initials."""

from __future__ import annotations

import re

import razdel

# razdel already keeps «т. е.», «г.», initials («В. В. Путин») and «и т. д.» inside a sentence.
# A sentence shorter than this is glued to the next one: a stray «1.» or «—» is not a sentence.
_MIN_SENTENCE_CHARS = 3
_WORD = re.compile(r"\w")


def split_sentences(paragraph: str) -> list[str]:
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
    return sentences
