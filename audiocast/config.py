"""audiocast.toml → Settings. Every problem is reported at once, naming the file and the key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path

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
    apple_url: str = ""  # subscribe links shown on the pages, where configured
    spotify_url: str = ""
    guid: str = ""  # podcast:guid; derived from the feed URL when empty

    def includes(self, category: str) -> bool:
        return not self.categories or category in self.categories


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

    def all_shows(self) -> tuple[Show, ...]:
        if self.shows:
            return self.shows
        return (Show(slug="all", title=self.show, language=self.language, author=self.show),)

    def voice_for(self, language: str, requested: str | None = None) -> str:
        """The voice profile for an article: the one asked for, else by language, else default."""
        if requested:
            return requested
        return self.voice_by_language.get(language, self.voice)


_ALLOWED_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192)
_PATH_KEYS = (
    "episodes_dir",
    "cache_dir",
    "voices_dir",
    "templates_dir",
    "lexicon",
    "cover",
    "jingle",
    "public_dir",
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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
    for key in known & set(data):
        value = data[key]
        if key in _PATH_KEYS:
            if not isinstance(value, str):
                problems.append(f"{path}: {key} must be a path string, got {value!r}")
                continue
            values[key] = Path(value) if value else None
        elif key == "bitrate_kbps":
            if value not in _ALLOWED_BITRATES:
                problems.append(
                    f"{path}: bitrate_kbps = {value!r} is not an MP3 bit rate; "
                    f"use one of {', '.join(map(str, _ALLOWED_BITRATES))}"
                )
                continue
            values[key] = value
        elif key in ("loudness_lufs", "true_peak_dbtp"):
            if not isinstance(value, int | float) or value >= 0:
                problems.append(f"{path}: {key} must be a negative number, got {value!r}")
                continue
            values[key] = float(value)
        elif key == "max_article_chars":
            if not isinstance(value, int) or value < 1000:
                problems.append(f"{path}: max_article_chars must be an integer ≥ 1000")
                continue
            values[key] = value
        elif key in ("feed_limit", "page_size"):
            if not isinstance(value, int) or value < 1:
                problems.append(f"{path}: {key} must be a positive integer, got {value!r}")
                continue
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
        elif key == "workers":
            if not isinstance(value, int) or value < 0:
                problems.append(f"{path}: workers must be 0 (one per core) or a positive integer")
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
            values[key] = value
    if problems:
        raise ConfigError("\n".join(problems))
    return Settings(root=folder, **values)


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
        if isinstance(slug, str) and slug and not _SLUG.match(slug):
            problems.append(f"{where}: slug {slug!r} must be lower-case letters, digits and -")
        if "explicit" in table and not isinstance(table["explicit"], bool):
            problems.append(f"{where}: explicit must be true or false")
        categories = table.get("categories", [])
        if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
            problems.append(f"{where}: categories must be a list of site category names")
        text_keys = known - {"explicit", "categories", "cover", "voice"}
        for key in text_keys & table.keys():
            if not isinstance(table[key], str):
                problems.append(f"{where}: {key} must be a string")
        if len(problems) > before:
            continue
        cover = table.get("cover")
        shows.append(
            Show(
                **{k: v for k, v in table.items() if k not in ("categories", "cover")},
                categories=tuple(categories),
                cover=(folder / cover) if cover else None,
            )
        )
    slugs = [show.slug for show in shows]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        problems.append(f"{path}: two shows have the slug {slug!r}")
    return tuple(shows)


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
            converted[key] = _typed(table[key], specs[key].type, f"{here}: {key}", problems)
        if kind is SiteSource and table.get("kind") not in _SOURCE_KINDS:
            problems.append(f"{here}: kind must be one of {', '.join(_SOURCE_KINDS)}")
        if kind is SiteSource and not str(table.get("url", "")).startswith(("http://", "https://")):
            problems.append(f"{here}: url must be an http or https address")
        if len(problems) == before:
            made.append(kind(**converted))
    return tuple(made)


def _typed(value, annotation: str, where: str, problems: list[str]):
    expected = {"str": str, "int": int, "float": (int, float), "tuple[str, ...]": list}
    wanted = expected.get(annotation, object)
    if isinstance(value, bool) or not isinstance(value, wanted):
        problems.append(f"{where} must be {annotation.replace('tuple[str, ...]', 'a list')}")
        return value
    if annotation == "tuple[str, ...]":
        return tuple(str(v) for v in value)
    return float(value) if annotation == "float" else value


def _resolve_paths(settings: Settings, folder: Path) -> Settings:
    resolved = {}
    for key in _PATH_KEYS:
        value = getattr(settings, key)
        if value is not None and not value.is_absolute():
            resolved[key] = folder / value
    return Settings(**{**settings.__dict__, **resolved})
