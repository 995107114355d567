"""Text rules applied before synthesis: the written sentence → the words to be spoken."""

from __future__ import annotations

import re
from collections.abc import Callable

Normalizer = Callable[[str], str]

# espeak-ng and most engines read these as symbols or pause oddly on them
_QUOTES = str.maketrans({"«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "‘": "'", "’": "'"})
_SPACES = re.compile(r"\s+")


def normalizer_for(language: str) -> Normalizer:
    """The text rules for LANGUAGE; languages without rules only get their spacing tidied."""
    if language == "ru":
        return _normalize_russian
    return _tidy


def _normalize_russian(text: str) -> str:
    # ru-normalizr expands numbers with case agreement, dates, ordinals, Roman numerals and
    # common abbreviations («т. е.»); imported here because loading its dictionaries takes time
    from ru_normalizr import normalize

    return _tidy(normalize(text))


def _tidy(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()
