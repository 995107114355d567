"""One lexicon entry as the desk takes it from a form: WRITTEN = SPOKEN checked by the rules
the loader reads every lexicon with (script/lexicon.py: check_entry), said in Russian, then by
the desk's limits on size; and Refused, how the desk's lexicon parts say no to a change or a
sample.
"""

from __future__ import annotations

import unicodedata

from audiocast.script.lexicon import check_entry

MAX_WRITTEN = 100  # characters of a written form, of a spoken form, of a sample sentence
MAX_SPOKEN = 200
MAX_SENTENCE = 300

_RUSSIAN = {  # the loader's rules (script/lexicon.py: check_entry), said on the page
    ("written", "empty"): "Напишите слово так, как оно пишется в статьях.",
    ("spoken", "empty"): "Напишите, как слово произносить.",
    ("spoken", "stray-plus"): (
        "Знак «+» отмечает ударение и ставится прямо перед гласной, например «Бак+у»."
    ),
}


class Refused(Exception):
    """A change or a sample the desk will not make. MESSAGE says why in Russian; FIELD is the
    form's field at fault ("written", "spoken", "sentence"; "" for the whole form); DETAIL is
    the lexicon loader's own words, when its rules are the reason; STATUS the HTTP status."""

    def __init__(self, message: str, field: str = "", detail: str = "", status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.detail = detail
        self.status = status

    @property
    def said(self) -> str:
        """The message, with the loader's own words after it when there are any."""
        return self.message + (f" ({self.detail})" if self.detail else "")


def checked_entry(written: str, spoken: str) -> tuple[str, str]:
    """WRITTEN = SPOKEN as the file will hold it (trimmed), or Refused: first by the rules the
    loader reads every lexicon with, then by the desk's limits on size."""
    written, spoken = written.strip(), spoken.strip()
    problem = check_entry(written, spoken)
    if problem is not None:
        message = _RUSSIAN.get((problem.field, problem.code), "Словарь не примет такую запись.")
        raise Refused(message, problem.field, problem.message)
    for name, value, limit in (("written", written, MAX_WRITTEN), ("spoken", spoken, MAX_SPOKEN)):
        if len(value) > limit:
            raise Refused(f"Не длиннее {limit} знаков (сейчас {len(value)}).", name)
        if has_control(value):
            raise Refused("Одна строка, без переводов строки и управляющих знаков.", name)
    return written, spoken


def has_control(text: str) -> bool:
    """Whether TEXT has a control character (a line break among them)."""
    return any(unicodedata.category(c) == "Cc" for c in text)
