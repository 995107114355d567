"""audiocast.toml → Settings. Every problem is reported at once, naming the file and the key."""

from __future__ import annotations

import math
import re
import stat
import sys
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from audiocast.errors import ConfigError

CONFIG_NAME = "audiocast.toml"


@dataclass(frozen=True)
class Show:
    """A podcast show: one feed, one Episode List page. `[[shows]]` in audiocast.toml."""

    slug: str  # its folder and URL name, e.g. "politika"
    title: str
    description: str = ""
    language: str = "ru"
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    category: str = "News"  # Apple Podcasts category and subcategory
    subcategory: str = "Politics"
    explicit: bool = False
    cover: Path | None = None  # square 1400–3000 px; drawn when not set
    voice: str | None = None  # voice profile for this show's episodes
    categories: tuple[str, ...] = ()  # the site categories it gathers; empty: every article
    # the languages of the articles it gathers; empty: its own `language` only. Its feed
    # declares `language` alone (RSS has one <language>), by which apps file and present it
    languages: tuple[str, ...] = ()
    apple_url: str = ""  # subscribe links shown on the pages, where configured
    spotify_url: str = ""
    guid: str = ""  # podcast:guid; derived from the feed URL when empty

    def includes(self, category: str) -> bool:
        return not self.categories or category in self.categories

    @property
    def gathered_languages(self) -> tuple[str, ...]:
        return self.languages or (self.language,)

    def gathers_language(self, language: str) -> bool:
        """Whether an episode in LANGUAGE ("az", or a tag such as "az-Latn") is the show's."""
        return language.split("-", 1)[0].lower() in self.gathered_languages

    @classmethod
    def defaults(cls, title: str, language: str, languages) -> tuple[Show, ...]:
        """The shows of a site that configures none: "all" gathers the articles in the site's
        LANGUAGE, and "all-<code>" those in each other of LANGUAGES (the languages the site
        has a voice for), each show in one language, as its feed declares."""
        shows = [cls(slug="all", title=title, language=language, author=title)]
        for other in sorted(set(languages) - {language}):
            if _LANGUAGE.fullmatch(other):  # a voice_by_language key is not checked otherwise
                name = f"{title} ({other})"
                shows.append(cls(slug=f"all-{other}", title=name, language=other, author=title))
        return tuple(shows)


@dataclass(frozen=True)
class SiteSource:
    """Where `audiocast sync` reads articles: `[[sources]]` in audiocast.toml."""

    name: str
    kind: str  # "wordpress" (its REST API) or "feed" (RSS/Atom with full content)
    url: str  # the site's root for WordPress, the feed's address for a feed
    max_pages: int = 5  # pages of the listing to read per sync (newest first)
    per_page: int = 20
    timeout_seconds: float = 20.0
    max_bytes: int = 10_000_000  # a larger answer is refused
    attempts: int = 3  # for time-outs, dropped connections, HTTP 429 and 5xx


@dataclass(frozen=True)
class Edition:
    """An audio edition: one episode gathering several articles (`[[editions]]`)."""

    slug: str  # e.g. "daily"
    title: str  # e.g. "Главное за день"
    show: str  # the slug of the show it is published in
    categories: tuple[str, ...] = ()  # the site categories it gathers; empty: every article
    max_articles: int = 10
    hours: int = 24  # articles published in the last HOURS before the edition's time


@dataclass(frozen=True)
class Settings:
    """Site settings. Relative paths are resolved against the folder of audiocast.toml."""

    root: Path
    show: str = "Minval Politika"
    language: str = "ru"  # for articles that do not say
    timezone: str = "UTC"  # for dates without an offset, e.g. "Asia/Baku"
    # Paragraphs of site chrome that extraction can leave in (subscribe boxes and the like):
    # a paragraph that starts with one of these is dropped. Case-insensitive.
    boilerplate: tuple[str, ...] = (
        "Следите за развитием событий",
        "Присоединяйтесь к подписчикам",
        "Подписывайтесь на",
        "Подписаться",
        "Читайте также",
        "Читайте нас в",
    )
    voice: str = "ru-espeak"
    voice_by_language: dict[str, str] = field(default_factory=lambda: {"az": "az-espeak"})
    episodes_dir: Path = Path("episodes")
    cache_dir: Path = Path(".audiocast/cache")
    voices_dir: Path | None = None  # extra profiles; bundled ones are always available
    templates_dir: Path | None = None  # overrides for bundled templates
    lexicon: Path | None = None  # pronunciation lexicon: a file, or a folder of <language>.toml
    bitrate_kbps: int = 64
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    cover: Path | None = None  # show cover image; generated when not set
    jingle: Path | None = None  # intro/outro jingle audio file; generated when not set
    max_article_chars: int = 200_000
    base_url: str = "http://localhost:8000/"  # where public_dir is served from
    public_dir: Path = Path("public")
    feed_limit: int = 100  # newest episodes in a feed; the pages list them all
    page_size: int = 20  # episodes per Episode List page
    shows: tuple[Show, ...] = ()  # none configured: one show of every article, named `show`
    sources: tuple[SiteSource, ...] = ()
    editions: tuple[Edition, ...] = ()
    remove_missing: bool = True  # an article gone from its source leaves the feeds
    workers: int = 0  # processes for a batch; 0: one per core

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone (checked when audiocast.toml is read: load_settings)."""
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ConfigError(f"timezone {self.timezone!r} is not an IANA time zone") from exc

    def all_shows(self) -> tuple[Show, ...]:
        if self.shows:
            return self.shows
        return Show.defaults(self.show, self.language, self.voice_by_language)

    def voice_for(self, language: str, requested: str | None = None) -> str:
        """The voice profile for an article: the one asked for, else by language, else default."""
        if requested:
            return requested
        return self.voice_by_language.get(language, self.voice)


@dataclass(frozen=True)
class _Range:
    """The values a number setting may take, as its problem says them."""

    low: float | None = None
    high: float | None = None
    above: bool = False  # LOW itself is not allowed
    note: str = ""  # the unit, or what a value means

    def admits(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.above else value < self.low):
            return False
        return self.high is None or value <= self.high

    def __str__(self) -> str:
        if self.low is not None and self.high is not None:
            text = f"from {self.low:g} to {self.high:g}"
        elif self.low is not None:
            text = f"{'>' if self.above else '≥'} {self.low:g}"
        else:
            text = f"≤ {self.high:g}" if self.high is not None else ""
        return f"{text} {self.note}".strip()


_ALLOWED_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192)
# the number settings and their ranges; their types come from their fields
_RANGES = {
    "loudness_lufs": _Range(-40, -10, note="LUFS"),
    # the pipeline holds sample peaks 1.5 dB under it, and ffmpeg's alimiter stops at -24 dB
    "true_peak_dbtp": _Range(-9, -0.1, note="dBTP"),
    "max_article_chars": _Range(1000),
    "feed_limit": _Range(1),
    "page_size": _Range(1),
    "workers": _Range(0, note="(0: one per core)"),
}
HEADROOM_DB = 6  # loudness_lufs at least this far under true_peak_dbtp: speech needs the room
_TABLE_RANGES = {
    SiteSource: {
        "max_pages": _Range(1),
        "per_page": _Range(1, 100, note="(WordPress's limit)"),
        "timeout_seconds": _Range(0, above=True, note="seconds"),
        "max_bytes": _Range(1),
        "attempts": _Range(1),
    },
    Edition: {"max_articles": _Range(1), "hours": _Range(1, 24 * 366)},
}
# path settings: what each must be when it exists ("folder", "file", or None: either);
# a folder that does not exist yet is fine (the command that needs it makes or refuses it)
_PATH_KEYS = {
    "episodes_dir": "folder",
    "cache_dir": "folder",
    "voices_dir": "folder",
    "templates_dir": "folder",
    "lexicon": None,
    "cover": "file",
    "jingle": "file",
    "public_dir": "folder",
}
_REQUIRED_PATHS = ("episodes_dir", "cache_dir", "public_dir")  # no default of None to fall to
# validating patterns are used with fullmatch: `$` would let a final newline through
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_HTTP_URL = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?")


def load_settings(folder: Path) -> Settings:
    """Read FOLDER/audiocast.toml if there is one; defaults otherwise."""
    folder = folder.resolve()
    path = folder / CONFIG_NAME
    if not path.exists():
        return _resolve_paths(Settings(root=folder), folder)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return _resolve_paths(_settings_from(data, folder, path), folder)


def _settings_from(data: dict, folder: Path, path: Path) -> Settings:
    problems: list[str] = []
    known = set(Settings.__dataclass_fields__) - {"root"}
    for key in data:
        if key not in known:
            problems.append(f"{path}: unknown key {key!r} (known: {', '.join(sorted(known))})")
    values: dict = {}
    for key, value in data.items():  # in the file's order
        if key not in known:
            continue
        if key in _PATH_KEYS:
            if not isinstance(value, str):
                problems.append(f"{path}: {key} must be a path string, got {value!r}")
                continue
            problem = _path_problem(value, folder, _PATH_KEYS[key])
            if not value and key in _REQUIRED_PATHS:
                problem = "must be a path, not empty"
            if problem:
                problems.append(f"{path}: {key} = {value!r}: {problem}")
                continue
            values[key] = Path(value) if value else None
        elif key == "bitrate_kbps":
            if not _is_int(value) or value not in _ALLOWED_BITRATES:
                problems.append(
                    f"{path}: bitrate_kbps = {_shown(value)} is not an MP3 bit rate; "
                    f"use one of {', '.join(map(str, _ALLOWED_BITRATES))}"
                )
                continue
            values[key] = value
        elif key in _RANGES:
            before = len(problems)
            annotation = str(Settings.__dataclass_fields__[key].type)
            value = _typed(value, annotation, f"{path}: {key}", problems, _RANGES[key])
            if len(problems) == before:
                values[key] = value
        elif key == "shows":
            shows = _shows_from(value, folder, path, problems)
            if shows is not None:
                values[key] = shows
        elif key in ("sources", "editions"):
            kind = SiteSource if key == "sources" else Edition
            tables = _tables_from(value, kind, f"{path}: {key}", problems)
            if tables is not None:
                values[key] = tables
        elif key == "remove_missing":
            if not isinstance(value, bool):
                problems.append(f"{path}: remove_missing must be true or false")
                continue
            values[key] = value
        elif key == "boilerplate":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{path}: boilerplate must be a list of strings")
                continue
            values[key] = tuple(value)
        elif key == "voice_by_language":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                problems.append(f"{path}: voice_by_language must be a table of language = voice")
                continue
            values[key] = dict(value)
        else:
            if not isinstance(value, str):
                problems.append(f"{path}: {key} must be a string, got {value!r}")
                continue
            problem = _text_problem(key, value)
            if problem:
                problems.append(f"{path}: {problem}")
                continue
            values[key] = value
    _check_headroom(data, values, path, problems)
    if problems:
        raise ConfigError("\n".join(problems))
    return Settings(root=folder, **values)


def _check_headroom(data: dict, values: dict, path: Path, problems: list[str]) -> None:
    """loudness_lufs at least HEADROOM_DB under true_peak_dbtp, when each is good on its own."""
    keys = ("loudness_lufs", "true_peak_dbtp")
    if any(key in data and key not in values for key in keys):
        return  # already reported
    loudness, peak = (values.get(key, getattr(Settings, key)) for key in keys)
    if loudness > peak - HEADROOM_DB:
        problems.append(
            f"{path}: loudness_lufs = {loudness:g} with true_peak_dbtp = {peak:g}: "
            f"loudness_lufs must be at least {HEADROOM_DB} dB under true_peak_dbtp "
            f"(here ≤ {peak - HEADROOM_DB:g} LUFS); speech needs the headroom"
        )


def _text_problem(key: str, value: str) -> str | None:
    """What is wrong with the string VALUE of KEY (a setting or a show's), if anything."""
    if key == "language" and not _LANGUAGE.fullmatch(value):
        return f"language {value!r} is not a language code of 2 or 3 lower-case letters, e.g. 'ru'"
    if key == "timezone" and not _is_time_zone(value):
        return f"timezone {value!r} is not an IANA time zone (e.g. Asia/Baku)"
    if key in ("apple_url", "spotify_url") and value and not _HTTP_URL.fullmatch(value):
        return f"{key} {value!r} must be an http(s) address, without spaces, or empty"
    return None


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder
        return False
    return True


def _path_problem(value: str, folder: Path, kind: str | None) -> str | None:
    """Why the path VALUE (relative to FOLDER) cannot be the KIND ("folder", "file", None:
    either) its setting wants. What does not exist yet is fine here."""
    if "\0" in value:
        return "a path cannot hold a NUL character"
    if not value:
        return None
    try:
        mode = (folder / value).stat().st_mode
    except NotADirectoryError:
        return "a part of it is a file, not a folder"
    except OSError:
        return None  # not there yet, or not readable by us: the command that needs it says
    if kind == "folder" and not stat.S_ISDIR(mode):
        return "is a file, not a folder"
    if kind == "file" and stat.S_ISDIR(mode):
        return "is a folder, not a file"
    return None


def _shows_from(value, folder: Path, path: Path, problems: list[str]) -> tuple[Show, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(f"{path}: shows must be an array of tables ([[shows]])")
        return None
    known = {f.name for f in fields(Show)}
    shows: list[Show] = []
    for index, table in enumerate(value):
        where = f"{path}: shows[{index}]"
        before = len(problems)
        for key in table.keys() - known:
            problems.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        for key in ("slug", "title"):
            if not isinstance(table.get(key), str) or not table.get(key):
                problems.append(f"{where}: {key} is required (a string)")
        slug = table.get("slug", "")
        if isinstance(slug, str) and slug and not _SLUG.fullmatch(slug):
            problems.append(f"{where}: slug {slug!r} must be lower-case letters, digits and -")
        if "explicit" in table and not isinstance(table["explicit"], bool):
            problems.append(f"{where}: explicit must be true or false")
        categories = table.get("categories", [])
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            problems.append(f"{where}: categories must be a list of site category names")
        languages = table.get("languages", [])
        _check_languages(languages, table.get("language", Show.language), where, problems)
        text_keys = known - {"explicit", "categories", "languages"}
        for key in text_keys & table.keys():
            if not isinstance(table[key], str):
                problems.append(f"{where}: {key} must be a string")
            elif problem := _text_problem(key, table[key]):
                problems.append(f"{where}: {problem}")
        cover = table.get("cover")
        if isinstance(cover, str) and (problem := _path_problem(cover, folder, "file")):
            problems.append(f"{where}: cover = {cover!r}: {problem}")
        if len(problems) > before:
            continue
        shows.append(
            Show(
                **{k: v for k, v in table.items() if k not in ("categories", "cover", "languages")},
                categories=tuple(categories),
                languages=tuple(languages),
                cover=(folder / cover) if cover else None,
            )
        )
    slugs = [show.slug for show in shows]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        problems.append(f"{path}: two shows have the slug {slug!r}")
    return tuple(shows)


def _check_languages(languages, own, where: str, problems: list[str]) -> None:
    """A show's `languages`: a list of language codes that holds its own `language` (its feed
    declares that one; a show of none of the languages it gathers would mislabel all)."""
    if not isinstance(languages, list) or not all(isinstance(v, str) for v in languages):
        problems.append(f'{where}: languages must be a list of language codes, e.g. ["ru", "az"]')
        return
    wrong = [code for code in languages if not _LANGUAGE.fullmatch(code)]
    for code in wrong:
        problems.append(
            f"{where}: languages: {code!r} is not a language code of 2 or 3 lower-case letters"
        )
    if languages and not wrong and isinstance(own, str) and own not in languages:
        problems.append(
            f"{where}: languages must include the show's own language {own!r} (its feed "
            "declares it), or be left out"
        )


_SOURCE_KINDS = ("wordpress", "feed")


def _tables_from(value, kind, where: str, problems: list[str]) -> tuple | None:
    """An array of tables as dataclasses of KIND, each value checked against its field's type."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(f"{where} must be an array of tables ([[...]])")
        return None
    specs = {f.name: f for f in fields(kind)}
    required = [f.name for f in fields(kind) if f.default is MISSING]
    made = []
    for index, table in enumerate(value):
        here, before = f"{where}[{index}]", len(problems)
        for key in table.keys() - specs.keys():
            problems.append(f"{here}: unknown key {key!r} (known: {', '.join(specs)})")
        for key in required:
            if key not in table:
                problems.append(f"{here}: {key} is required")
        converted = {}
        for key in table.keys() & specs.keys():
            allowed = _TABLE_RANGES.get(kind, {}).get(key, _ANY)
            converted[key] = _typed(
                table[key], str(specs[key].type), f"{here}: {key}", problems, allowed
            )
        if kind is SiteSource and table.get("kind") not in _SOURCE_KINDS:
            problems.append(f"{here}: kind must be one of {', '.join(_SOURCE_KINDS)}")
        url = table.get("url")
        if kind is SiteSource and isinstance(url, str) and not _HTTP_URL.fullmatch(url):
            problems.append(f"{here}: url {url!r} must be an http or https address, without spaces")
        if len(problems) == before:
            made.append(kind(**converted))
    return tuple(made)


_ANY = _Range()


def _typed(value, annotation: str, where: str, problems: list[str], allowed: _Range = _ANY):
    """VALUE as a field of type ANNOTATION holds it; a problem (VALUE returned as it is) when it
    is not of that type, or is a number outside ALLOWED."""
    if annotation in ("int", "float"):
        if annotation == "int":
            fits, what = _is_int(value), "an integer"
        else:
            fits, what = _is_finite_number(value), "a finite number"
        if not fits or not allowed.admits(value):
            problems.append(f"{where} = {_shown(value)}: must be {what} {allowed}".rstrip())
            return value
        return float(value) if annotation == "float" else value
    if annotation == "tuple[str, ...]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where} must be a list of strings")
            return value
        return tuple(value)
    if annotation == "str" and not isinstance(value, str):
        problems.append(f"{where} must be a string")
    return value


def _is_int(value) -> bool:
    """A TOML integer: not a bool (true == 1 in Python), not a float (64.0 == 64)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_finite_number(value) -> bool:
    """An int (not a bool) or a float, that a finite float holds: not nan, not inf, and not an
    integer past the float's range (TOML's integers have no bound in tomllib)."""
    if _is_int(value):
        return abs(value) <= sys.float_info.max
    return isinstance(value, float) and math.isfinite(value)


def _shown(value) -> str:
    """VALUE as it is written in TOML (true, not True)."""
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _resolve_paths(settings: Settings, folder: Path) -> Settings:
    resolved = {}
    for key in _PATH_KEYS:
        value = getattr(settings, key)
        if value is not None and not value.is_absolute():
            resolved[key] = folder / value
    return Settings(**{**settings.__dict__, **resolved})
