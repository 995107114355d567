"""What the text rules changed in a sentence: the spoken sentence as pieces, each either said
as written or standing for written words it replaced («$380» → «триста восемьдесят долларов»).

The normalizer (script/normalize.py) is a chain of rewrites that keeps no record of which
words became which, so the pieces come from a word-level diff (difflib) of the written sentence
against the spoken one. Words are compared as a listener hears them: without case, stress marks,
«ё» or the punctuation around them, so «Баку» and «Баку́», or «"цитата"» and «цитата», are the same
word, while «40» and «сорока», or «т. е.» and «то есть», are changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from audiocast.model import STRESS_MARK

_PUNCTUATION = "\"'«»„“”‘’.,;:!?()[]…—–-"


@dataclass(frozen=True)
class Piece:
    """SPOKEN words; WRITTEN is None when they are said as written, else the written words
    they stand for ("" when the rules added them; SPOKEN is "" when they dropped WRITTEN)."""

    spoken: str
    written: str | None = None

    @property
    def changed(self) -> bool:
        return self.written is not None


def changes(written: str, spoken: str) -> list[Piece]:
    written_words, spoken_words = written.split(), spoken.split()
    matcher = SequenceMatcher(
        None, [_heard(w) for w in written_words], [_heard(w) for w in spoken_words], autojunk=False
    )
    pieces: list[Piece] = []
    for tag, w1, w2, s1, s2 in matcher.get_opcodes():
        said = " ".join(spoken_words[s1:s2])
        if tag == "equal":
            if pieces and not pieces[-1].changed:  # one plain piece between two changes
                said = f"{pieces.pop().spoken} {said}"
            pieces.append(Piece(said))
        else:
            pieces.append(Piece(said, " ".join(written_words[w1:w2])))
    return pieces


def _heard(word: str) -> str:
    """WORD as the comparison sees it; a word of punctuation only («—») stays itself."""
    plain = word.replace(STRESS_MARK, "").casefold().replace("ё", "е").strip(_PUNCTUATION)
    return plain or word
