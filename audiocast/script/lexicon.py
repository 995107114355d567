"""The pronunciation lexicon: written form → spoken form, per language, editable without code.

A lexicon is a TOML file with a `[words]` table or a CSV file of rows `written,spoken[,note]`.
A "+" before a vowel in the spoken form marks stress («Бак+у»); it is stored as U+0301 after
the vowel («Баку́»), the mark that reaches the engines. The bundled lexicon of a language is
`templates/lexicon/<language>.toml`; a site's lexicon (`lexicon` in audiocast.toml: one file
for the site's language, or a folder of `<language>.toml` / `<language>.csv`) extends it and
overrides its entries.

Matching is by whole words, longest entry first, so «SDF/YPG» wins over «SDF» and multi-word
entries work. All-caps entries (acronyms: «НАТО», «IT») match only in capitals, so «нато» or
the English word «it» in a quotation are left alone; every other entry matches in any case.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from audiocast.errors import ConfigError
from audiocast.model import STRESS_MARK
from audiocast.resources import bundled_dir

_VOWELS = "аеёиоуыэюяАЕЁИОУЫЭЮЯaeiouyAEIOUY"
_PLUS_STRESS = re.compile(rf"\+([{_VOWELS}])")
_LEXICON_SUFFIXES = (".toml", ".csv")


class Lexicon:
    """Entries compiled once into matchers. Entries that only add stress to a word («Баку» →
    «Баку́») are kept apart from those that rewrite it («SOCAR» → «сока́р»): a text rule may
    need the plain word (ru-normalizr reads «г. Баку» as a city), so stress is added last."""

    def __init__(self, entries: Mapping[str, str] | None = None):
        self.entries: dict[str, str] = dict(entries or {})
        self._exact = {w: s for w, s in self.entries.items() if _is_acronym(w)}
        self._folded = {w.lower(): s for w, s in self.entries.items() if not _is_acronym(w)}
        stresses = {w for w, s in self.entries.items() if s.replace(STRESS_MARK, "") == w}
        self._rewrites = _matcher([w for w in self.entries if w not in stresses])
        self._stresses = _matcher(list(stresses))

    def __len__(self) -> int:
        return len(self.entries)

    def apply(self, text: str) -> str:
        return self.add_stress(self.rewrite(text))

    def rewrite(self, text: str) -> str:
        """Every entry that changes the letters, written form → spoken form."""
        return self._rewrites.sub(self._spoken, text) if self._rewrites else text

    def add_stress(self, text: str) -> str:
        """Every entry that only marks the stress of a word."""
        return self._stresses.sub(self._spoken, text) if self._stresses else text

    def _spoken(self, match: re.Match[str]) -> str:
        written = match.group(0)
        spoken = self._exact.get(written)
        return spoken if spoken is not None else self._folded[written.lower()]


def match_key(written: str) -> str:
    """What a Lexicon knows the entry WRITTEN by: itself for an acronym (matched in capitals
    only), its lower case otherwise. Two entries with one key are one entry, the later winning."""
    return written if _is_acronym(written) else written.lower()


def _is_acronym(written: str) -> bool:
    letters = [c for c in written if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _matcher(entries: list[str]) -> re.Pattern[str] | None:
    """One pattern for all ENTRIES, built as a trie so that its cost hardly grows with the
    size of the lexicon: at each position only the entries sharing the text's next letters are
    tried, longest first. An entry that starts (ends) with a letter or digit must start (end) a
    word; one like «ОПЕК+» or «т. е.» ends in punctuation. Acronyms are tried before the
    case-insensitive entries."""
    if not entries:
        return None
    acronyms = [w for w in entries if _is_acronym(w)]
    others = [w.lower() for w in entries if not _is_acronym(w)]
    alternatives = []
    for starts_a_word, before in ((True, r"(?<!\w)"), (False, "")):
        exact = _trie([w for w in acronyms if bool(re.match(r"\w", w)) is starts_a_word])
        folded = _trie([w for w in others if bool(re.match(r"\w", w)) is starts_a_word])
        parts = [p for p in (exact, f"(?i:{folded})" if folded else "") if p]
        if parts:
            alternatives.append(f"{before}(?:{'|'.join(parts)})")
    return re.compile("|".join(alternatives))


def _trie(words: list[str]) -> str:
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _trie_pattern(root, "") if words else ""


def _trie_pattern(node: dict, last_char: str) -> str:
    """Longer continuations first, then the end of a word here (with its boundary)."""
    branches = [re.escape(c) + _trie_pattern(child, c) for c, child in sorted(node.items()) if c]
    if "" in node:
        branches.append(r"(?!\w)" if re.match(r"\w", last_char) else "")
    if len(branches) == 1:
        return branches[0]
    return f"(?:{'|'.join(branches)})"


def stress_from_plus(spoken: str) -> str:
    """«Бак+у» → «Баку́»: the editor's "+" before a vowel becomes U+0301 after it."""
    return _PLUS_STRESS.sub(lambda m: m.group(1) + STRESS_MARK, spoken)


def read_lexicon(path: Path) -> dict[str, str]:
    """The entries of one lexicon file, stress as U+0301; every bad entry is reported, one line
    each."""
    return {written: stress_from_plus(spoken) for written, spoken in lexicon_entries(path).items()}


def lexicon_entries(path: Path, text: str | None = None) -> dict[str, str]:
    """The entries of one lexicon file as written in it (the spoken forms keep their "+"), by
    the rules every lexicon is read with; every bad entry is reported, one line each. TEXT: the
    file's content to check instead of PATH's (the desk checks a file before it writes it)."""
    problems: list[str] = []
    if path.suffix == ".csv":
        rows = _csv_rows(path, problems, text)
    elif path.suffix == ".toml":
        rows = _toml_rows(path, problems, text)
    else:
        raise ConfigError(f"{path}: a lexicon is a .toml or .csv file")
    entries: dict[str, str] = {}
    for where, written, spoken in rows:
        problem = check_entry(written, spoken)
        if problem or not isinstance(written, str) or not isinstance(spoken, str):
            problems.append(f"{path}: {where}: {problem}")
            continue
        entries[written.strip()] = spoken.strip()
    if problems:
        raise ConfigError("\n".join(problems))
    return entries


@dataclass(frozen=True)
class EntryProblem:
    """Why one entry cannot be used: FIELD is the form at fault, CODE the rule it breaks."""

    field: str  # "written" | "spoken"
    code: str  # "empty" | "stray-plus"
    message: str

    def __str__(self) -> str:
        return self.message


def check_entry(written: object, spoken: object) -> EntryProblem | None:
    """What is wrong with the entry WRITTEN = SPOKEN (SPOKEN with its "+" marks), or None."""
    if not isinstance(written, str) or not written.strip():
        return EntryProblem("written", "empty", "the written form is empty")
    if not isinstance(spoken, str) or not spoken.strip():
        return EntryProblem(
            "spoken",
            "empty",
            f"entry {written!r}: the spoken form must be a non-empty string, got {spoken!r}",
        )
    stray = re.search(rf"\+(?![{_VOWELS}])", spoken)
    if stray:
        return EntryProblem(
            "spoken",
            "stray-plus",
            f"entry {written!r}: '+' marks stress and must stand right before a vowel",
        )
    return None


def _toml_rows(
    path: Path, problems: list[str], text: str | None = None
) -> list[tuple[str, object, object]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8") if text is None else text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    for key in data.keys() - {"words"}:
        problems.append(f"{path}: unknown key {key!r}; entries go in the [words] table")
    words = data.get("words", {})
    if not isinstance(words, dict):
        problems.append(f'{path}: words must be a table: [words] then "written" = "spoken"')
        return []
    return [(f"[words] {written!r}", written, spoken) for written, spoken in words.items()]


def _csv_rows(
    path: Path, problems: list[str], text: str | None = None
) -> list[tuple[str, object, object]]:
    try:
        if text is None:
            text = path.read_text(encoding="utf-8-sig")
        lines = text.removeprefix("\ufeff").splitlines()
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8: {exc}") from exc
    rows: list[tuple[str, object, object]] = []
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if number == 1 and [c.strip().lower() for c in row[:2]] == ["written", "spoken"]:
            continue  # a header row
        if len(row) not in (2, 3):
            problems.append(f"{path}: line {number}: expected written,spoken[,note], got {row}")
            continue
        rows.append((f"line {number}", row[0], row[1]))
    return rows


def load_lexicons(site_lexicon: Path | None, site_language: str) -> dict[str, Lexicon]:
    """Per language: the bundled lexicon extended by the site's. Read and checked at once, so a
    bad entry stops the run before any work."""
    by_language: dict[str, dict[str, str]] = {}
    sources = [language_files(bundled_lexicon_folder())]
    if site_lexicon is not None:
        if site_lexicon.is_dir():
            sources.append(language_files(site_lexicon))
        elif site_lexicon.is_file():
            sources.append({site_language: [site_lexicon]})
        else:
            raise ConfigError(f"lexicon: {site_lexicon} does not exist")
    for source in sources:
        for language, paths in source.items():
            for path in paths:
                by_language.setdefault(language, {}).update(read_lexicon(path))
    return {language: Lexicon(entries) for language, entries in by_language.items()}


def bundled_lexicon_folder() -> Path:
    """templates/lexicon/: the bundled `<language>.toml` files, never edited by a site."""
    return bundled_dir("templates") / "lexicon"


def language_files(folder: Path) -> dict[str, list[Path]]:
    """`ru.toml`, `ru.csv`, `az.toml`… in FOLDER, by language (TOML first, CSV over it)."""
    found: dict[str, list[Path]] = {}
    if not folder.is_dir():
        return found
    for suffix in _LEXICON_SUFFIXES:
        for path in sorted(folder.glob(f"*{suffix}")):
            found.setdefault(path.stem, []).append(path)
    return found
