"""What the «Подборки» page works with: the site's editions, the store's articles an edition
may be made of, the editor's picked list (read from the page's query or form and checked), and
the preview of the edition's intro.

The preview is written by script.edition.build_edition_script, the very function the edition
job's pipeline uses (pipeline.Pipeline.make_edition), with the site's spoken templates: what
the page shows is what the intro will say. Only the written text is shown, so the script is
made with an identity normalizer (no lexicon to load, nothing synthesized).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from audiocast.config import Edition, Settings
from audiocast.desk.articles import ArticleRow, Status
from audiocast.desk.job_arguments import EPISODE_ID
from audiocast.desk.voicing import can_revoice
from audiocast.editions import find_edition, show_of, site_time
from audiocast.episode.store import ARTICLE_FILE
from audiocast.errors import AudiocastError, ConfigError
from audiocast.ingest.stored import read_stored_article
from audiocast.model import SegmentKind
from audiocast.script.edition import build_edition_script, is_edition_category
from audiocast.script.templates import SpokenTemplates

MAX_PICKED_FIELDS = 200  # ids one request may carry; an edition holds far fewer


class PickProblem(Exception):
    """The picked list cannot be made into an edition: the message says why, in Russian."""


@dataclass(frozen=True)
class EditionChoice:
    """The editions the page offers, and what it says when the site configures none (then
    the built-in one find_edition gives, as `audiocast edition` makes it)."""

    editions: tuple[Edition, ...]
    note: str = ""


@dataclass(frozen=True)
class Preview:
    """The edition's title, the lines its intro says and its headlines, in order."""

    title: str
    lines: tuple[str, ...]
    headlines: tuple[str, ...]
    problem: str = ""


def edition_choice(settings: Settings) -> EditionChoice:
    if settings.editions:
        return EditionChoice(tuple(settings.editions))
    default = find_edition(settings, None)
    note = (
        "В audiocast.toml подборки не описаны ([[editions]]): собирается встроенная "
        f"«{default.title}» в шоу «{default.show}», как её собирает команда audiocast edition."
    )
    return EditionChoice((default,), note)


def chosen_edition(settings: Settings, slug: str) -> Edition:
    """The edition SLUG names (empty: the first); an unknown one is a PickProblem."""
    try:
        return find_edition(settings, slug or None)
    except ConfigError:
        known = ", ".join(f"«{e.slug}»" for e in edition_choice(settings).editions)
        raise PickProblem(f"Нет такой подборки: «{shown(slug)}». Есть: {known}.") from None


def edition_language(settings: Settings, edition: Edition) -> str:
    """The language the edition is spoken in: its show's."""
    try:
        return show_of(settings, edition).language
    except ConfigError:
        raise PickProblem(f"Подборка «{edition.title}» публикуется в шоу «{edition.show}», "
                          "а такого шоу на сайте нет.") from None  # fmt: skip


def picked_ids(values: Sequence[object]) -> list[str]:
    """The ids of a query or form in order, each once; empty values left out."""
    ids = [value for value in values if isinstance(value, str) and value != ""]
    return list(dict.fromkeys(ids))


def pick_problem(row: ArticleRow | None, value: str, language: str) -> str:
    """Why the article of episode VALUE (its ROW in the list, None: none) cannot go into an
    edition spoken in LANGUAGE; "" when it can."""
    episode = row.episode if row is not None else None
    if row is None or episode is None or not EPISODE_ID.fullmatch(value):
        return f"Такого выпуска в хранилище нет: «{shown(value)}»."
    title = episode.title  # the article's own (sync's may be shorter or older)
    if is_edition_category(episode.category):
        return f"«{title}» — сама выпуск-подборка: в подборку входят только статьи."
    if row.status is not Status.VOICED:
        return f"Статья «{title}» сейчас «{row.label}»: в подборку её не взять."
    if not episode.has_audio:
        return f"Статья «{title}» не озвучена: в подборку её не взять."
    if not can_revoice(episode):
        return f"У выпуска «{title}» не сохранён текст статьи: в подборку его не взять."
    if episode.language != language:
        return (f"Статья «{title}» на языке «{episode.language}», а подборка — "
                f"на «{language}».")  # fmt: skip
    return ""


def is_pickable(row: ArticleRow, language: str) -> bool:
    """Whether ROW can go into an edition in LANGUAGE: pick_problem's answer, the checks that
    need no file first (the list asks it of every row of the store)."""
    episode = row.episode
    if episode is None or episode.language != language or row.status is not Status.VOICED:
        return False
    return not pick_problem(row, episode.episode_id, language)


def checked_pick(
    ids: list[str], rows: Mapping[str, ArticleRow], edition: Edition, language: str
) -> list[ArticleRow]:
    """The rows of IDS, in order, when they can make EDITION; else a PickProblem (the first
    thing wrong, one sentence)."""
    if not ids:
        raise PickProblem("Не выбрано ни одной статьи для подборки.")
    if len(ids) > edition.max_articles:
        raise PickProblem(f"Слишком много статей: {len(ids)}. В подборку «{edition.title}» "
                          f"входит не больше {edition.max_articles}.")  # fmt: skip
    return picked_rows(ids, rows.get, language)


def picked_rows(
    ids: Sequence[str], row_of: Callable[[str], ArticleRow | None], language: str
) -> list[ArticleRow]:
    """The rows of IDS (ROW_OF finds each), in order, when each can go into an edition in
    LANGUAGE; else a PickProblem naming the first that cannot."""
    chosen = []
    for value in ids:
        row = row_of(value)
        problem = pick_problem(row, value, language)
        if problem:
            raise PickProblem(problem)
        assert row is not None
        chosen.append(row)
    return chosen


def moved(ids: list[str], move: str) -> tuple[list[str], str]:
    """IDS after MOVE ("up:<id>", "down:<id>" or "remove:<id>"), and the id to show the
    page at ("" when it is gone). An unknown move or id leaves IDS as they are."""
    action, _, target = move.partition(":")
    if target not in ids:
        return ids, ""
    ids = list(ids)
    index = ids.index(target)
    if action == "remove":
        del ids[index]
        return ids, ""
    step = {"up": -1, "down": 1}.get(action, 0)
    other = index + step
    if step and 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids, target


def preview(
    settings: Settings, edition: Edition, rows: list[ArticleRow], when: datetime | None = None
) -> Preview:
    """The intro of EDITION made of ROWS' articles (in order) at WHEN (default: now), as
    pipeline.make_edition would write it."""
    if not rows:
        return Preview(edition.title, (), ())
    try:
        show = show_of(settings, edition)
        articles = [read_stored_article(_article_path(row)) for row in rows]
        script = build_edition_script(
            articles, edition, show.title, spoken_templates(settings.templates_dir),
            _as_written, language=show.language, when=site_time(settings.zone, when),
        )  # fmt: skip
    except (AudiocastError, OSError) as exc:
        return Preview(edition.title, (), (), f"Вступление не составить: {exc}")
    lines = tuple(s.text for s in script.segments if s.kind is SegmentKind.INTRO)
    headlines = tuple(block.text for block in script.article.body)
    return Preview(script.article.title, lines, headlines)


@functools.lru_cache(maxsize=4)
def spoken_templates(site_dir: Path | None) -> SpokenTemplates:
    """The site's spoken templates, made once (jinja2 sees a changed file by itself)."""
    return SpokenTemplates.from_dirs(site_dir)


def shown(value: object) -> str:
    """A value from a query or form, as a page may quote it: one line, not too long."""
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:59] + "…"


def _article_path(row: ArticleRow) -> Path:
    assert row.episode is not None
    return row.episode.folder / ARTICLE_FILE


def _as_written(text: str) -> str:
    return text
