"""audiocast.toml → Settings. Every problem is reported at once, naming the file and the key."""

from __future__ import annotations

import re
import stat
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from audiocast.errors import ConfigError
from audiocast.validate import (
    Check,
    Choice,
    Integer,
    Invalid,
    Number,
    PathKey,
    Rule,
    Strings,
    Tables,
    Text,
    TextTable,
    spec,
)

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
    # WordPress only: a user and the file holding one of their application passwords; with
    # them the REST API is asked with HTTP Basic auth and lists scheduled posts too (sync.md)
    user: str | None = None
    application_password_file: Path | None = None


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
    # the desk's «Добавить статью» (desk/adding.py): any public host, not only the sources'
    desk_any_host: bool = False
    # hosts the desk may fetch from although they are local (the site's own WordPress on this
    # machine or the LAN): "host" or "host:port"
    desk_local_hosts: tuple[str, ...] = ()

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


# validating patterns are used with fullmatch: `$` would let a final newline through
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_HTTP_URL = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?")
# a host of desk_local_hosts: a name or IPv4 address, or an IPv6 one in brackets; any port
_DESK_HOST = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder
        return False
    return True


HEADROOM_DB = 6  # loudness_lufs at least this far under true_peak_dbtp: speech needs the room


def _headroom(loudness: float, peak: float) -> str | None:
    if loudness <= peak - HEADROOM_DB:
        return None
    return (
        f"loudness_lufs = {loudness:g} with true_peak_dbtp = {peak:g}: "
        f"loudness_lufs must be at least {HEADROOM_DB} dB under true_peak_dbtp "
        f"(here ≤ {peak - HEADROOM_DB:g} LUFS); speech needs the headroom"
    )


def _holds_own_language(language: str, languages: tuple[str, ...]) -> str | None:
    """A show's `languages` hold its own `language`: its feed declares that one, and a show of
    none of the languages it gathers would mislabel all."""
    if not languages or language in languages:
        return None
    return (
        f"languages must include the show's own language {language!r} (its feed declares it), "
        "or be left out"
    )


_LANGUAGE_CODE = Check(
    _LANGUAGE.fullmatch, "is not a language code of 2 or 3 lower-case letters, e.g. 'ru'"
)
_SUBSCRIBE_URL = Check(
    re.compile(f"(?:{_HTTP_URL.pattern})?").fullmatch,
    "must be an http(s) address, without spaces, or empty",
)
_FOLDER, _FILE = PathKey("folder"), PathKey("file")

# Each table of audiocast.toml: a key per field of its dataclass, read by its type unless named
# here. Paths: what each must be where it exists; a folder that does not exist yet is fine.
_SHOW = spec(
    Show,
    {
        "slug": Text(Check(_SLUG.fullmatch, "must be lower-case letters, digits and -")),
        "title": Text(Check(bool, "must not be empty")),
        "language": Text(_LANGUAGE_CODE),
        "cover": _FILE,
        "categories": Strings(what="a list of site category names"),
        "languages": Strings(_LANGUAGE_CODE, 'a list of language codes, e.g. ["ru", "az"]'),
        "apple_url": Text(_SUBSCRIBE_URL),
        "spotify_url": Text(_SUBSCRIBE_URL),
    },
    rules=(Rule(("language", "languages"), _holds_own_language),),
)
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")  # http may carry a password only to these


def _credentials(kind: str, url: str, user: str | None, password: Path | None) -> str | None:
    """A source's application password: for WordPress, with its user, over https (or http to
    this machine), in a file that only its owner may read (as ssh asks of a private key), so
    that the secret is in neither audiocast.toml nor a file other users can read."""
    if user is None and password is None:
        return None
    if user is None or password is None:
        return "user and application_password_file go together: give both, or neither"
    if kind != "wordpress":
        return 'user and application_password_file are for kind = "wordpress" only'
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https" and host not in LOOPBACK_HOSTS:
        return (
            f"url {url!r} must be https with an application password: over http it would "
            "travel in clear (http is allowed only to localhost, 127.0.0.1 or ::1)"
        )
    return password_file_problem(password)


def password_file_problem(path: Path) -> str | None:
    """Why the application password file PATH cannot be used (None: it can)."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"application_password_file {str(path)!r} cannot be read ({exc.strerror})"
    if info.st_mode & 0o077:
        return (
            f"application_password_file {str(path)!r} may be read by other users (mode "
            f"{stat.S_IMODE(info.st_mode):o}): make it readable by its owner only (chmod 600)"
        )
    if info.st_size == 0:
        return f"application_password_file {str(path)!r} is empty"
    return None


_SOURCE = spec(
    SiteSource,
    {
        "kind": Choice(("wordpress", "feed")),
        "url": Text(Check(_HTTP_URL.fullmatch, "must be an http or https address, without spaces")),
        "max_pages": Integer(1),
        "per_page": Integer(1, 100, note="(WordPress's limit)"),
        "timeout_seconds": Number(0, above=True, note="seconds"),
        "max_bytes": Integer(1),
        "attempts": Integer(1),
        "user": Text(Check(bool, "must not be empty")),
        "application_password_file": _FILE,
    },
    rules=(Rule(("kind", "url", "user", "application_password_file"), _credentials),),
)
_EDITION = spec(Edition, {"max_articles": Integer(1), "hours": Integer(1, 24 * 366)})
_SETTINGS = spec(
    Settings,
    {
        "language": Text(_LANGUAGE_CODE),
        "timezone": Text(Check(_is_time_zone, "is not an IANA time zone (e.g. Asia/Baku)")),
        "voice_by_language": TextTable("a table of language = voice"),
        "episodes_dir": _FOLDER,
        "cache_dir": _FOLDER,
        "voices_dir": _FOLDER,
        "templates_dir": _FOLDER,
        "lexicon": PathKey(),  # a file, or a folder of <language>.toml
        "bitrate_kbps": Choice(
            (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192), "is not an MP3 bit rate; use one of"
        ),
        "loudness_lufs": Number(-40, -10, note="LUFS"),
        # the pipeline holds sample peaks 1.5 dB under it, and ffmpeg's alimiter stops at -24 dB
        "true_peak_dbtp": Number(-9, -0.1, note="dBTP"),
        "cover": _FILE,
        "jingle": _FILE,
        "max_article_chars": Integer(1000),
        "public_dir": _FOLDER,
        "feed_limit": Integer(1),
        "page_size": Integer(1),
        "shows": Tables(_SHOW, unique="slug"),
        "sources": Tables(_SOURCE),
        "editions": Tables(_EDITION),
        "workers": Integer(0, note="(0: one per core)"),
        "desk_local_hosts": Strings(
            Check(
                _DESK_HOST.fullmatch,
                "is not a host name or address with an optional :port "
                "(e.g. 'wp.local' or '127.0.0.1:8080')",
            ),
            'a list of hosts, e.g. ["wp.local", "127.0.0.1:8080"]',
        ),
    },
    rules=(Rule(("loudness_lufs", "true_peak_dbtp"), _headroom),),
    skip=("root",),
)


def load_settings(folder: Path) -> Settings:
    """Read FOLDER/audiocast.toml if there is one; defaults otherwise. Every problem is
    reported at once, each naming the file and the key."""
    folder = folder.resolve()
    path = folder / CONFIG_NAME
    if not path.exists():
        return _resolve_paths(Settings(root=folder), folder)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        values = _SETTINGS.read(data, folder)
    except Invalid as exc:
        raise ConfigError("\n".join(f"{path}: {problem}" for problem in exc.problems)) from None
    return _resolve_paths(Settings(root=folder, **values), folder)


def _resolve_paths(settings: Settings, folder: Path) -> Settings:
    """SETTINGS with its relative paths (the defaults') under FOLDER."""
    paths: dict[str, Any] = {
        k: folder / v for k, v in vars(settings).items() if isinstance(v, Path)
    }
    return replace(settings, **paths)
