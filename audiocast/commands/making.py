"""The commands that make audio or show what would be made: episode, edition, demo, script,
voices."""

from __future__ import annotations

import argparse
import functools
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from audiocast.commands.site import build
from audiocast.errors import AudiocastError

# heavy imports wait inside each command (tests/test_startup.py)
if TYPE_CHECKING:
    from rich.console import Console

    from audiocast.config import Settings
    from audiocast.pipeline import EpisodeResult, Pipeline

# an edition gathers articles of the hours before its date: far from today, the arithmetic
# on dates leaves datetime's range (year 1 or 9999) and nothing could be gathered anyway
_EDITION_YEARS = (1970, 9000)
_PARAGRAPH_END = 0.8  # a pause this long or longer ends a paragraph in the script preview


def episode(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.pipeline import Pipeline

    pipeline = Pipeline(settings)
    results, failures = _make_episodes(pipeline, arguments.sources, arguments.voice, errors)
    if len(arguments.sources) > 1:
        _summary(results, failures, errors)
    return 1 if failures else 0


def edition(arguments, settings: Settings, errors: Console) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from audiocast.pipeline import Pipeline, find_edition

    edition = find_edition(settings, arguments.edition)
    at = _iso_datetime(arguments.at) if arguments.at else None
    pipeline = Pipeline(settings)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        sentences = progress.add_task(f"edition {edition.slug}", total=None)
        try:
            result = pipeline.make_edition(
                arguments.sources, edition, at, arguments.voice,
                on_take=lambda: progress.advance(sentences),
            )  # fmt: skip
        except AudiocastError as exc:
            errors.print(f"error: {exc}", markup=False)
            return 1
    for warning in result.warnings:
        errors.print(f"warning: {warning}", markup=False)
    print(f"{result.folder}\t{result.info.duration:.1f}s\t{result.info.title}")
    return 0


def _iso_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise AudiocastError(f"--at {text!r}: not an ISO 8601 date and time") from exc
    if not _EDITION_YEARS[0] <= moment.year <= _EDITION_YEARS[1]:
        raise AudiocastError(
            f"--at {text!r}: an edition's date must lie between the years "
            f"{_EDITION_YEARS[0]} and {_EDITION_YEARS[1]}"
        )
    return moment


def demo(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.resources import samples_dir

    sources = sorted(str(p) for p in samples_dir().iterdir() if p.is_file())
    status = episode(argparse.Namespace(sources=sources, voice=None), settings, errors)
    return max(status, build(arguments, settings, errors))


def _make_episodes(pipeline: Pipeline, sources, voice, errors: Console):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    results: list[EpisodeResult] = []
    failures: list[tuple[str, str]] = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as progress:
        articles = progress.add_task("articles", total=len(sources), status="")
        for source in sources:
            sentences = progress.add_task(f"  {Path(source).name}", total=None, status="")
            try:
                result = pipeline.make_episode(
                    source, voice, on_take=functools.partial(progress.advance, sentences)
                )
            except AudiocastError as exc:
                failures.append((source, str(exc)))
                errors.print(f"error: {exc}", markup=False)
            except OSError as exc:  # one article's file trouble never stops the batch
                failures.append((source, f"{source}: {exc.strerror or exc}"))
                errors.print(f"error: {source}: {exc.strerror or exc}", markup=False)
            else:
                results.append(result)
                for warning in result.warnings:
                    errors.print(f"warning: {warning}", markup=False)
                print(f"{result.folder}\t{result.info.duration:.1f}s\t{result.info.title}")
            finally:
                progress.remove_task(sentences)
                status = f"[red]{len(failures)} failed" if failures else ""
                progress.update(articles, advance=1, status=status)
    return results, failures


def _summary(results: list[EpisodeResult], failures, errors: Console) -> None:
    from rich.table import Table

    table = Table(title="episodes")
    for column in ("article", "episode", "duration", "sentences new/cached"):
        table.add_column(column)
    for result in results:
        table.add_row(
            result.info.title,
            result.folder.name,
            f"{result.info.duration:.0f} s",
            f"{result.synthesized}/{result.cached}",
        )
    for source, message in failures:
        table.add_row(Path(source).name, "[red]failed", "", message)
    errors.print(table)
    errors.print(f"{len(results)} made, {len(failures)} failed", markup=False)


def script(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.model import SegmentKind
    from audiocast.pipeline import Pipeline

    pipeline = Pipeline(settings)
    article = pipeline.read(arguments.source)
    for warning in article.warnings:
        errors.print(f"warning: {warning}", markup=False)
    pipeline.voice_for(article, arguments.voice)  # the same checks as a real run
    script = pipeline.script(article)
    lines: list[str] = []
    for segment in script.segments:
        if segment.chapter:
            lines.append(f"# {segment.chapter}")
        prefix = "## " if segment.kind is SegmentKind.HEADING else ""
        lines.append(prefix + segment.spoken)
        if segment.pause_after >= _PARAGRAPH_END:
            lines.append("")
    sys.stdout.write("\n".join(lines).rstrip("\n") + "\n")
    return 0


def voices(arguments, settings: Settings, errors: Console) -> int:
    from rich.console import Console
    from rich.table import Table

    from audiocast.pipeline import Pipeline
    from audiocast.speech.engine import voice_problem
    from audiocast.speech.voices import find_voice

    pipeline = Pipeline(settings)
    find_voice(pipeline.voices, settings.voice)
    table = Table(title="voice profiles")
    for column in ("name", "engine", "language", "usable here", "description"):
        table.add_column(column)
    for voice in sorted(pipeline.voices.values(), key=lambda v: v.name):
        try:
            problem = voice_problem(pipeline.engines.get(voice.engine), voice)
        except AudiocastError as exc:
            problem = str(exc)
        usable = "yes" if problem is None else f"no: {problem}"
        table.add_row(voice.name, voice.engine, voice.language, usable, voice.description)
    Console(highlight=False, soft_wrap=True).print(table)
    return 0
