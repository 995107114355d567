"""Gathering an audio edition: which edition, in which show, made of which articles.

It sits between the publish stage and the pipeline in the import order (tests/test_layout.py):
it reads articles (ingest), chooses them (script.edition) and reads the ones kept beside the
store's episodes (episode.store), so it cannot live in script/ without script importing a later
stage; it needs nothing of publish, and the pipeline turns what it gathers into an episode.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from audiocast.config import Edition, Settings, Show
from audiocast.episode import store as store_files
from audiocast.episode.identity import episode_guid
from audiocast.episode.store import EpisodeStore
from audiocast.errors import ArticleError, AudiocastError, ConfigError
from audiocast.ingest import read_article
from audiocast.ingest.stored import read_stored_articles
from audiocast.model import Article
from audiocast.script.edition import articles_in_language, each_once, edition_category, gathered
from audiocast.state import STATE_FILE, read_publishing_state

DEFAULT_EDITION_SLUG = "daily"
DEFAULT_EDITION_TITLE = "Главное за день"

Sources = Sequence[str | Article]  # files, URLs, or articles a site source already read


@dataclass
class Gathering:
    """What an edition is made of: the SHOW it is published in (and spoken in the language
    of), its ARTICLES in the order heard, and WARNINGS about what was left out and why."""

    show: Show
    articles: list[Article]
    warnings: list[str]


def find_edition(settings: Settings, slug: str | None = None) -> Edition:
    """The edition named SLUG, else the first configured; with none configured, the built-in
    «Главное за день» published in the first show."""
    editions = settings.editions or (
        Edition(DEFAULT_EDITION_SLUG, DEFAULT_EDITION_TITLE, settings.all_shows()[0].slug),
    )
    if slug is None:
        return editions[0]
    for edition in editions:
        if edition.slug == slug:
            return edition
    known = ", ".join(edition.slug for edition in editions)
    raise ConfigError(f"editions: no edition {slug!r} (configured: {known})")


def site_time(zone: tzinfo, at: datetime | None) -> datetime:
    """AT (default: now) in the site's time ZONE; a time without an offset is taken there."""
    if at is None:
        return datetime.now(zone)
    return at.astimezone(zone) if at.tzinfo else at.replace(tzinfo=zone)


def gather(
    settings: Settings,
    edition: Edition,
    sources: Sources,
    when: datetime,
    store: Callable[[], EpisodeStore],
) -> Gathering:
    """EDITION's articles at WHEN: SOURCES read in order, or with none, those kept in the
    STORE (opened only then) that it gathers, at most `max_articles`. Only the articles in
    its show's language go in; none left is an ArticleError."""
    show = show_of(settings, edition)
    warnings = _publication_warnings(edition, show)
    if sources:
        articles = _read_all(sources, settings, warnings)
    else:
        articles = stored_articles(store(), edition, when, warnings)
    articles, other_language = articles_in_language(articles, show.language)
    warnings += other_language
    articles = each_once(articles)
    if not sources:
        articles = articles[: edition.max_articles]
    if not articles:
        raise ArticleError(f"edition {edition.slug}", _nothing_to_gather(edition, when, sources))
    return Gathering(show, articles, warnings)


def stored_articles(
    store: EpisodeStore, edition: Edition, when: datetime, warnings: list[str]
) -> list[Article]:
    """The articles kept beside STORE's episodes that EDITION gathers at WHEN (see
    script.edition.gathered). One that cannot be read is left out, named in WARNINGS."""
    # an article an editor took out of the podcast is not gathered into an edition either, nor
    # one whose post WordPress has not published yet, whatever its date says
    try:
        path = store.folder / STATE_FILE
        excluded = read_publishing_state(path, site_episodes=False).held_back
    except sqlite3.Error as exc:
        raise AudiocastError(
            f"{store.folder / STATE_FILE}: cannot read which articles are excluded ({exc})"
        ) from exc
    paths = [
        store.folder / name / store_files.ARTICLE_FILE
        for name in store.episode_ids()
        if name not in excluded
    ]
    # an edition's own folder, or an episode made before articles were kept, has none
    problems: list[str] = []
    stored = read_stored_articles([path for path in paths if path.is_file()], problems)
    found = gathered(stored, edition, when)
    warnings += [f"{problem}; left out of the edition" for problem in problems]
    return found


def show_of(settings: Settings, edition: Edition) -> Show:
    """The configured show EDITION is published in."""
    for show in settings.all_shows():
        if show.slug == edition.show:
            return show
    known = ", ".join(show.slug for show in settings.all_shows())
    raise ConfigError(
        f"editions: {edition.slug}: show {edition.show!r} is not a configured show (shows: {known})"
    )


def edition_about(edition: Edition, gathering: Gathering) -> dict:
    """What the publish stage needs to put the edition in its show, and what it holds: added
    to the edition's episode.json."""
    articles = [{"guid": episode_guid(a), "title": a.title} for a in gathering.articles]
    return {"edition": {"slug": edition.slug, "show": gathering.show.slug, "articles": articles}}


def _read_all(sources: Sources, settings: Settings, warnings: list[str]) -> list[Article]:
    """The articles that can be read; each one that cannot is a warning, not the end."""
    articles = []
    for source in sources:
        try:
            article = source if isinstance(source, Article) else read_article(source, settings)
        except ArticleError as exc:
            warnings.append(f"{exc}; left out of the edition")
            continue
        warnings += article.warnings
        articles.append(article)
    return articles


def _publication_warnings(edition: Edition, show: Show) -> list[str]:
    """An edition is published in its show only if that show gathers the edition's category
    (see publish/catalogue.py): say so now rather than leave it out of every feed silently."""
    category = edition_category(edition.slug)
    if show.includes(category):
        return []
    return [
        f"edition {edition.slug}: show {show.slug} gathers only {', '.join(show.categories)}; "
        f"add {category!r} to its categories, or the edition is in no feed"
    ]


def _nothing_to_gather(edition: Edition, when: datetime, sources: Sources) -> str:
    if sources:
        return "none of the articles given can go into it"
    since = when - timedelta(hours=edition.hours)
    categories = f" in {', '.join(edition.categories)}" if edition.categories else ""
    return (
        f"no episode in the store was published between {since:%Y-%m-%d %H:%M} and "
        f"{when:%Y-%m-%d %H:%M}{categories}"
    )
