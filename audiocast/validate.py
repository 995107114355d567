"""Tables of a TOML file read into dataclasses, each described once: a Spec names how each key
is read (a kind: its type, and what values it admits), which keys are required, and the rules
between keys. One walk reads a table against its spec and reports every problem at once, each
naming its key ("shows[0]: slug 'X!' must be …"); the caller puts the file's name before them."""

from __future__ import annotations

import dataclasses
import math
import stat
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar


class Invalid(Exception):
    """The problems of a value or a table, one line each, each naming its key."""

    def __init__(self, *problems: str):
        super().__init__(*problems)
        self.problems = list(problems)


# The kinds, checks and specs are dataclasses without __eq__, __repr__ or frozen __setattr__:
# generating those would cost every command a millisecond a class at start-up. None is
# changed once made.


class Kind:
    """How the value of one key is read: `read` gives it as its field holds it, or raises
    Invalid. ROOT is the folder that relative paths are read against."""

    def read(self, key: str, value: Any, root: Path) -> Any:
        raise NotImplementedError

    def of_type(self, hint: object) -> Kind:
        """This kind for a field of type HINT."""
        return self


@dataclass(eq=False, repr=False)
class Check:
    """A test of a string, and the problem when it fails, said after "KEY 'VALUE' "."""

    test: Callable[[str], object]
    problem: str

    def __call__(self, key: str, value: str) -> list[str]:
        return [] if self.test(value) else [f"{key} {value!r} {self.problem}"]


@dataclass(eq=False, repr=False)
class Text(Kind):
    check: Check | None = None

    def read(self, key: str, value: Any, root: Path) -> str:
        if not isinstance(value, str):
            raise Invalid(_wrong_type(key, value, "a string"))
        if self.check and (problems := self.check(key, value)):
            raise Invalid(*problems)
        return value


@dataclass(eq=False, repr=False)
class Flag(Kind):
    def read(self, key: str, value: Any, root: Path) -> bool:
        if not isinstance(value, bool):
            raise Invalid(_wrong_type(key, value, "true or false"))
        return value


@dataclass(eq=False, repr=False)
class Strings(Kind):
    """A list of strings, read as a tuple; each passes ITEM, if given."""

    item: Check | None = None
    what: str = "a list of strings"

    def read(self, key: str, value: Any, root: Path) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(_wrong_type(key, value, self.what))
        problems = [p for item in value for p in self.item(f"{key}:", item)] if self.item else []
        if problems:
            raise Invalid(*problems)
        return tuple(value)


@dataclass(eq=False, repr=False)
class TextTable(Kind):
    """A table of string values, read as a dict."""

    what: str = "a table of strings"

    def read(self, key: str, value: Any, root: Path) -> dict[str, str]:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise Invalid(_wrong_type(key, value, self.what))
        return dict(value)


@dataclass(eq=False, repr=False)
class Choice(Kind):
    """One of VALUES, of the same type (64.0 is not 64, true is not 1)."""

    values: tuple[object, ...]
    problem: str = "is not one of"

    def read(self, key: str, value: Any, root: Path) -> Any:
        if not any(type(value) is type(v) and value == v for v in self.values):
            listed = ", ".join(map(str, self.values))
            raise Invalid(f"{key} = {_shown(value)} {self.problem} {listed}")
        return value


@dataclass(eq=False, repr=False)
class Integer(Kind):
    """A whole number (not a bool, not a float) from LOW (or above it) to HIGH; NOTE is its unit
    or what a value means."""

    low: float | None = None
    high: float | None = None
    above: bool = False  # LOW itself is not allowed
    note: str = ""
    what: ClassVar[str] = "an integer"

    def read(self, key: str, value: Any, root: Path) -> Any:
        if not self.fits(value) or not self.admits(value):
            raise Invalid(f"{key} = {_shown(value)}: must be {self.what} {self.allowed()}".rstrip())
        return value

    def fits(self, value: Any) -> bool:
        return _is_int(value)

    def admits(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.above else value < self.low):
            return False
        return self.high is None or value <= self.high

    def allowed(self) -> str:
        if self.low is not None and self.high is not None:
            text = f"from {self.low:g} to {self.high:g}"
        elif self.low is not None:
            text = f"{'>' if self.above else '≥'} {self.low:g}"
        else:
            text = f"≤ {self.high:g}" if self.high is not None else ""
        return f"{text} {self.note}".strip()


class Number(Integer):
    """An integer or a float that a finite float holds, read as a float, in the range."""

    what = "a finite number"

    def read(self, key: str, value: Any, root: Path) -> float:
        return float(super().read(key, value, root))

    def fits(self, value: Any) -> bool:
        return _is_finite_number(value)


@dataclass(eq=False, repr=False)
class PathKey(Kind):
    """A path, read as ROOT / it. Where it exists it must be a KIND ("folder", "file", or None:
    either); a path that does not exist yet is fine (the command that needs it says). "" is
    no path (None) for a field that may be None, and refused for one that may not."""

    kind: str | None = None
    optional: bool = False

    def of_type(self, hint: object) -> Kind:
        return dataclasses.replace(self, optional=type(None) in typing.get_args(hint))

    def read(self, key: str, value: Any, root: Path) -> Path | None:
        if not isinstance(value, str):
            raise Invalid(_wrong_type(key, value, "a path string"))
        if not value and self.optional:
            return None
        problem = _path_problem(value, root, self.kind) if value else "must be a path, not empty"
        if problem:
            raise Invalid(f"{key} = {value!r}: {problem}")
        return root / value


@dataclass(eq=False, repr=False)
class Tables(Kind):
    """An array of tables ([[key]]), each read against SPEC into its dataclass; no two may
    have the same UNIQUE field, if given."""

    spec: Spec
    unique: str | None = None

    def read(self, key: str, value: Any, root: Path) -> tuple:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise Invalid(f"{key} must be an array of tables ([[{key}]])")
        made, problems = [], []
        for index, table in enumerate(value):
            try:
                made.append(self.spec.cls(**self.spec.read(table, root)))
            except Invalid as exc:
                problems += [f"{key}[{index}]: {problem}" for problem in exc.problems]
        if self.unique:
            seen = [getattr(item, self.unique) for item in made]
            repeated = sorted({v for v in seen if seen.count(v) > 1})
            problems += [f"two {key} have the {self.unique} {v!r}" for v in repeated]
        if problems:
            raise Invalid(*problems)
        return tuple(made)


@dataclass(eq=False, repr=False)
class Rule:
    """A rule between KEYS: TEST of their values (the file's or the defaults) gives a problem
    or None. It is not tried when one of them has a problem of its own."""

    keys: tuple[str, ...]
    test: Callable[..., str | None]


@dataclass(eq=False, repr=False)
class Spec:
    """A table: its dataclass, how each key is read, the required ones, the rules."""

    cls: type
    kinds: dict[str, Kind]
    required: tuple[str, ...]
    defaults: dict[str, Any]
    rules: tuple[Rule, ...] = ()

    def read(self, table: dict, root: Path) -> dict[str, Any]:
        """TABLE's values as its fields hold them; Invalid with every problem, if any."""
        values, problems = {}, []
        for key, value in table.items():  # in the file's order
            try:
                values[key] = self.kind(key).read(key, value, root)
            except Invalid as exc:
                problems += exc.problems
        problems += [f"{key} is required" for key in self.required if key not in table]
        problems += self._broken_rules(values, table)
        if problems:
            raise Invalid(*problems)
        return values

    def kind(self, key: str) -> Kind:
        if key not in self.kinds:
            raise Invalid(f"unknown key {key!r} (known: {', '.join(sorted(self.kinds))})")
        return self.kinds[key]

    def _broken_rules(self, values: dict, table: dict) -> list[str]:
        problems = []
        for rule in self.rules:
            if any(key in table and key not in values for key in rule.keys):
                continue  # already reported
            problem = rule.test(*(values.get(key, self.defaults.get(key)) for key in rule.keys))
            problems += [problem] if problem else []
        return problems


# the kind of a field that its spec does not name, by its type
_BY_TYPE: dict[object, Kind] = {
    str: Text(),
    str | None: Text(),
    bool: Flag(),
    int: Integer(),
    float: Number(),
    tuple[str, ...]: Strings(),
}


def spec(cls: type, kinds: dict[str, Kind], rules: tuple[Rule, ...] = (), skip=()) -> Spec:
    """The spec of the dataclass CLS as a table: each field (but those in SKIP) is a key, read
    as KINDS names or else by its type; a field without a default is required."""
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.name not in skip]
    if unknown := kinds.keys() - {f.name for f in fields}:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    defaults = {f.name: _default(f) for f in fields}
    return Spec(
        cls,
        kinds={f.name: _kind(cls, f.name, hints[f.name], kinds) for f in fields},
        required=tuple(name for name, value in defaults.items() if value is dataclasses.MISSING),
        defaults=defaults,
        rules=rules,
    )


def _kind(cls: type, name: str, hint: Any, kinds: dict[str, Kind]) -> Kind:
    """How the field NAME of type HINT is read: as KINDS names, else by its type."""
    kind = kinds.get(name) or _BY_TYPE.get(hint)
    if kind is None:
        raise TypeError(f"{cls.__name__}.{name}: no kind for {hint}; name one")
    return kind.of_type(hint)


def _default(field: dataclasses.Field) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def _path_problem(value: str, root: Path, kind: str | None) -> str | None:
    """Why the path VALUE (relative to ROOT) cannot be the KIND ("folder", "file", None:
    either) its key wants. What does not exist yet is fine here."""
    if "\0" in value:
        return "a path cannot hold a NUL character"
    try:
        mode = (root / value).stat().st_mode
    except NotADirectoryError:
        return "a part of it is a file, not a folder"
    except OSError:
        return None  # not there yet, or not readable by us: the command that needs it says
    if kind == "folder" and not stat.S_ISDIR(mode):
        return "is a file, not a folder"
    if kind == "file" and stat.S_ISDIR(mode):
        return "is a folder, not a file"
    return None


def _wrong_type(key: str, value: Any, what: str) -> str:
    return f"{key} must be {what}, got {_shown(value)}"


def _is_int(value: Any) -> bool:
    """A TOML integer: not a bool (true == 1 in Python), not a float (64.0 == 64)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_finite_number(value: Any) -> bool:
    """An int (not a bool) or a float, that a finite float holds: not nan, not inf, and not an
    integer past the float's range (TOML's integers have no bound in tomllib)."""
    if _is_int(value):
        return abs(value) <= sys.float_info.max
    return isinstance(value, float) and math.isfinite(value)


def _shown(value: Any) -> str:
    """VALUE as it is written in TOML (true, not True)."""
    return str(value).lower() if isinstance(value, bool) else repr(value)
