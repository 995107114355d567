"""Command line: parse, call the pipeline, show progress. No logic of its own."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from audiocast import __version__
from audiocast.errors import AudiocastError
from audiocast.state import (
    STATE_FILE,
    ArticleState,
    ArticleStatus,
    Exclusion,
    Exclusions,
    OutcomeStatus,
    SyncState,
)

# Each command imports what it needs when it runs (tests/test_startup.py): `--help` and
# `status` load no numpy, pipeline, page or terminal machinery, and start in a fraction of a
# second instead of over one.
if TYPE_CHECKING:
    from rich.console import Console

    from audiocast.config import Settings
    from audiocast.pipeline import EpisodeResult, Pipeline
    from audiocast.sync import StopFlag

# an edition gathers articles of the hours before its date: far from today, the arithmetic
# on dates leaves datetime's range (year 1 or 9999) and nothing could be gathered anyway
_EDITION_YEARS = (1970, 9000)
_PARAGRAPH_END = 0.8  # a pause this long or longer ends a paragraph in the script preview


def run() -> None:
    """The `audiocast` command: main(), then out at once.

    Python's own shutdown would free every object one by one (a tenth of a second after an
    episode: the normalizer's dictionaries, numpy's state) when nothing is left to do: files
    are closed, temporary folders removed and engines stopped by then. Output is flushed
    first; an error that escapes main() takes the normal way out, with its traceback."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader that went away (`| head`): nothing more to say to it
            code = code or 1
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)  # `--help` and `--version` end here
    from rich.console import Console

    from audiocast.config import load_settings

    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    # past a file-size limit (ulimit -f) the kernel would kill the process without a word;
    # ignored, the write fails with EFBIG and the article that met it says so
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        settings = load_settings(Path(arguments.site))
        if getattr(arguments, "show", None):
            settings = dataclasses.replace(settings, show=arguments.show)
        return arguments.run(arguments, settings, errors)
    except AudiocastError as exc:
        errors.print(f"error: {exc}", markup=False)
        return 2
    except OSError as exc:  # the site folder itself: unreadable, full, gone
        where = f": {exc.filename}" if exc.filename else ""
        errors.print(f"error: {exc.strerror or exc}{where}", markup=False)
        return 2
    except KeyboardInterrupt:
        errors.print("interrupted", markup=False)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audiocast", description="Podcast episodes from a news site's articles."
    )
    parser.add_argument("--version", action="version", version=f"audiocast {__version__}")
    parser.add_argument(
        "--site", default=".", help="folder with audiocast.toml (default: the current folder)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    episode = commands.add_parser("episode", help="make one episode per article")
    episode.add_argument("sources", nargs="+", metavar="SOURCE", help="file or http(s) URL")
    episode.add_argument("--show", help="show name (default: from audiocast.toml)")
    episode.add_argument("--voice", help="voice profile (default: by the article's language)")
    episode.set_defaults(run=_episode)

    edition = commands.add_parser(
        "edition", help="one episode gathering several articles, a chapter each"
    )
    edition.add_argument(
        "sources", nargs="*", metavar="SOURCE",
        help="file or http(s) URL, in the order to be heard (default: the stored episodes "
        "of the edition's last hours and categories)",
    )  # fmt: skip
    edition.add_argument("--edition", help="edition slug (default: the first configured)")
    edition.add_argument("--at", help="the edition's date and time, ISO 8601 (default: now)")
    edition.add_argument("--voice", help="voice profile (default: by the show's language)")
    edition.set_defaults(run=_edition)

    script = commands.add_parser("script", help="print the script as it will be spoken")
    script.add_argument("source", metavar="SOURCE")
    script.add_argument("--show", help="show name (default: from audiocast.toml)")
    script.add_argument("--voice", help="voice profile (default: by the article's language)")
    script.set_defaults(run=_script)

    voices = commands.add_parser("voices", help="list voice profiles and whether they work here")
    voices.set_defaults(run=_voices)

    demo = commands.add_parser(
        "demo", help="make episodes from the bundled sample articles, then build public/"
    )
    demo.add_argument("--show", help="show name (default: from audiocast.toml)")
    demo.set_defaults(run=_demo)

    build_command = commands.add_parser(
        "build", help="write the feeds, pages and player into public/ (only what changed)"
    )
    build_command.set_defaults(run=_build)

    serve = commands.add_parser("serve", help="build, then preview public/ on this machine")
    serve.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any)")
    serve.add_argument("--no-build", action="store_true", help="serve public/ as it is")
    serve.set_defaults(run=_serve)

    sync = commands.add_parser(
        "sync", help="new and edited site articles → episodes; removed ones dropped; rebuild"
    )
    sync.add_argument("--workers", type=int, help="processes (default: one per core)")
    sync.add_argument(
        "--watch", type=float, metavar="SECONDS", help="run again every SECONDS until stopped"
    )
    sync.add_argument("--no-build", action="store_true", help="do not rebuild public/")
    sync.set_defaults(run=_sync)

    status = commands.add_parser("status", help="what sync has pending, done and failed")
    status.set_defaults(run=_status)
    exclude = commands.add_parser(
        "exclude", help="leave an episode out of the podcast (from the next build; not voiced)"
    )
    exclude.add_argument("episode_id", metavar="EPISODE_ID")
    exclude.add_argument("--reason", default="", help="why, for the journal and the desk")
    exclude.set_defaults(run=_exclusion)
    include = commands.add_parser("include", help="put an excluded episode back in the podcast")
    include.add_argument("episode_id", metavar="EPISODE_ID")
    include.set_defaults(run=_exclusion)
    _desk_parser(commands)
    return parser


def _desk_parser(commands) -> None:
    """`audiocast desk` (the editors' web app) and `audiocast desk user …` (its accounts)."""
    desk = commands.add_parser(
        "desk", help="the editors' desk: a web app on this site (sign-in required)"
    )
    desk.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    desk.add_argument("--port", type=int, default=8700, help="port (default: 8700; 0: any)")
    desk.set_defaults(run=_desk)
    desk_commands = desk.add_subparsers(dest="desk_command", metavar="{user,token}")
    user = desk_commands.add_parser("user", help="the desk's accounts")
    users = user.add_subparsers(dest="user_command", required=True)
    add = users.add_parser(
        "add", help="add a user; the password is asked twice (or read from standard input)"
    )
    add.add_argument("name")
    add.add_argument(
        "--role", choices=("editor", "viewer"), default="editor",
        help="editor (default) or viewer: reads and listens only",
    )  # fmt: skip
    passwd = users.add_parser("passwd", help="change a user's password; ends their sessions")
    passwd.add_argument("name")
    remove = users.add_parser("remove", help="remove a user; ends their sessions")
    remove.add_argument("name")
    users.add_parser("list", help="the users: name, role, created, last seen")
    user.set_defaults(run=_desk_user)
    token = desk_commands.add_parser("token", help="API tokens for /api/ (one per caller)")
    tokens = token.add_subparsers(dest="token_command", required=True)
    token_add = tokens.add_parser("add", help="a new token for USER, printed once")
    token_add.add_argument("name", metavar="USER")
    token_add.add_argument("--label", default="", help="what the token is for (e.g. wordpress)")
    token_list = tokens.add_parser("list", help="id, user, label, created, last used; no secrets")
    token_list.add_argument("name", metavar="USER", nargs="?")
    token_revoke = tokens.add_parser("revoke", help="revoke token ID (from `desk token list`)")
    token_revoke.add_argument("id", metavar="ID")
    token.set_defaults(run=_desk_token)


def _episode(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.pipeline import Pipeline

    pipeline = Pipeline(settings)
    results, failures = _make_episodes(pipeline, arguments.sources, arguments.voice, errors)
    if len(arguments.sources) > 1:
        _summary(results, failures, errors)
    return 1 if failures else 0


def _edition(arguments, settings: Settings, errors: Console) -> int:
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


def _demo(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.resources import samples_dir

    sources = sorted(str(p) for p in samples_dir().iterdir() if p.is_file())
    status = _episode(argparse.Namespace(sources=sources, voice=None), settings, errors)
    return max(status, _build(arguments, settings, errors))


def _build(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.publish.build import build

    report = build(settings)
    for problem in report.problems:
        errors.print(f"error: {problem}", markup=False)
    for warning in report.warnings:
        errors.print(f"warning: {warning}", markup=False)
    for feed in report.feeds:
        print(f"{feed.path}\t{feed.episodes} episodes\t{feed.title}")
    errors.print(
        f"{report.public_dir}: {len(report.written)} written, {report.unchanged} unchanged, "
        f"{len(report.removed)} removed"
        + (f", {len(report.excluded)} excluded" if report.excluded else ""),
        markup=False,
    )
    return 1 if report.problems else 0


def _serve(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.publish.serve import make_server, server_url

    if not arguments.no_build:
        _build(arguments, settings, errors)
    server = make_server(settings.public_dir, arguments.host, arguments.port)
    errors.print(
        f"serving {settings.public_dir} at {server_url(server)} (Ctrl+C stops)", markup=False
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


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


def _script(arguments, settings: Settings, errors: Console) -> int:
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


def _voices(arguments, settings: Settings, errors: Console) -> int:
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


def _sync(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.sync import StopFlag

    if not settings.sources:
        raise AudiocastError("no [[sources]] in audiocast.toml: nothing to sync")
    stop = StopFlag()
    stop.install()
    while True:
        report = _sync_with_progress(settings, arguments.workers, stop, errors)
        if not arguments.no_build and not report.interrupted:
            _build(arguments, settings, errors)
        if arguments.watch is None or stop.set:
            failed = report.failed or report.source_errors or report.gaps
            return (
                1 if failed or any(e.status == OutcomeStatus.FAILED for e in report.editions) else 0
            )
        errors.print(f"next sync in {arguments.watch:g} s (Ctrl-C stops)", markup=False)
        if stop.event.wait(arguments.watch):
            return 0


def _sync_with_progress(settings: Settings, workers, stop: StopFlag, errors: Console):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from audiocast.sync import sync_once

    columns = (
        TextColumn("sync"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task("sync", total=None, status="reading sources")
        failed = 0

        def advance(outcome, total):
            nonlocal failed
            if outcome is None:
                progress.update(task, total=total, status="")
                return
            failed += outcome.status == OutcomeStatus.FAILED
            status = f"[red]{failed} failed" if failed else ""
            progress.update(task, advance=1, status=status)

        report = sync_once(settings, workers=workers, stop=stop, on_progress=advance)
    _sync_summary(report, errors)
    return report


def _sync_summary(report, errors: Console) -> None:
    from rich.table import Table

    for message in report.source_errors:
        errors.print(f"error: {message}", markup=False)
    for message in report.problems:
        errors.print(f"warning: {message}", markup=False)
    for message in report.gaps:  # posts out of reach: said on every run while it lasts
        errors.print(f"warning: {message}", markup=False)
    for outcome in report.outcomes + report.editions:
        for warning in outcome.warnings:
            errors.print(f"warning: {warning}", markup=False)
        if outcome.status == OutcomeStatus.FAILED:
            errors.print(f"error: {outcome.error}", markup=False)
        else:
            print(f"{outcome.episode_id}\t{outcome.seconds:.1f}s\t{outcome.title}")
    if report.outcomes:
        table = Table(title="sync")
        for column in ("article", "result", "seconds", "sentences made"):
            table.add_column(column)
        for outcome in report.outcomes:
            result = outcome.episode_id if outcome.status == OutcomeStatus.MADE else "[red]failed"
            table.add_row(outcome.title, result, f"{outcome.seconds:.1f}", str(outcome.synthesized))
        errors.print(table)
    made = len(report.outcomes) - len(report.failed)
    errors.print(
        f"{made} made, {len(report.failed)} failed, {report.unchanged} unchanged, "
        f"{len(report.removed)} removed, {len(report.source_errors)} sources down"
        + (f", {len(report.gaps)} listings not read whole" if report.gaps else "")
        + (f", {len(report.excluded)} excluded" if report.excluded else "")
        + (" — interrupted" if report.interrupted else ""),
        markup=False,
    )


def _status(arguments, settings: Settings, errors: Console) -> int:
    path = settings.episodes_dir / STATE_FILE
    if not path.exists():
        errors.print("no sync has run on this store yet", markup=False)
        return 0
    state = SyncState(path)
    try:
        rows = _with_exclusions(state.all(), state.exclusions())
        sources = state.sources()
    finally:
        state.close()
    # a line per source as the last sync read it: "ok", or each of its problems (down, or
    # posts its listing would not give); sources no longer configured are left out
    configured = {source.name for source in settings.sources}
    sources = [s for s in sources if not configured or s.name in configured]
    for source in sources:
        for problem in source.problems or ["ok"]:
            print("\t".join(("source", source.name, source.read_at, problem)))
    troubled = sum(bool(source.problems) for source in sources)
    # one line per article, tab-separated, for people and scripts alike
    order = {str(status): rank for rank, status in enumerate(
        (ArticleStatus.FAILED, ArticleStatus.PENDING, ArticleStatus.DONE, ArticleStatus.REMOVED,
         EXCLUDED)
    )}  # fmt: skip
    for row in sorted(rows, key=lambda r: (order.get(r.status, 9), r.title)):
        fields = (row.status, row.title, row.source, row.episode_id or "-", row.updated_at)
        print("\t".join(fields + ((row.error,) if row.error else ())))
    counts = {s: sum(r.status == s for r in rows) for s in order}
    if not counts[EXCLUDED]:  # the line scripts read stays as it was where nothing is excluded
        del counts[EXCLUDED]
    print(
        ", ".join(f"{count} {status}" for status, count in counts.items())
        + (f", {troubled} sources with problems" if troubled else "")
    )
    return 1 if counts[ArticleStatus.FAILED] or troubled else 0


def _exclusion(arguments, settings: Settings, errors: Console) -> int:
    """`audiocast exclude` / `include`: as an editor at the desk, in the OS user's name."""
    import getpass

    from audiocast.desk import exclusions

    user = getpass.getuser()
    if arguments.command == "exclude":
        changed = exclusions.exclude(settings, arguments.episode_id, user, arguments.reason)
        said = "excluded" if changed else "already excluded"
    else:
        changed = exclusions.include(settings, arguments.episode_id, user)
        said = "included" if changed else "not excluded"
        if exclusions.is_excluded(settings, arguments.episode_id):
            said += " (still excluded by another source)"
    errors.print(f"{arguments.episode_id}: {said}; `audiocast build` publishes it", markup=False)
    return 0


EXCLUDED = "excluded"  # `status`: an article excluded from the podcast, whatever sync says


def _with_exclusions(rows: list[ArticleState], exclusions: Exclusions) -> list[ArticleState]:
    """ROWS, those excluded (unless gone from the site) shown as EXCLUDED with who excluded
    them and why; and a row for each excluded episode sync did not make."""
    if not exclusions:
        return rows
    shown = []
    for row in rows:
        found = exclusions.of(row.episode_id, row.identity)
        if found and row.status != ArticleStatus.REMOVED:
            row = dataclasses.replace(
                row, status=EXCLUDED, error=_why(found), updated_at=found[0].at
            )
        shown.append(row)
    known = {row.episode_id for row in rows if row.episode_id} | {row.identity for row in rows}
    others: dict[str, list[Exclusion]] = {}
    for item in exclusions.rows:
        if item.episode_id not in known and item.identity not in known:
            others.setdefault(item.episode_id, []).append(item)
    for episode_id, found in others.items():
        first = found[0]
        shown.append(ArticleState(
            first.identity or "", "-", first.title, "", "", "", "", None, episode_id, EXCLUDED,
            _why(found), 0, first.at,
        ))  # fmt: skip
    return shown


def _why(found: list[Exclusion]) -> str:
    """Who excluded it, and why: "excluded by anna: an advertisement"."""
    return "; ".join(
        f"excluded by {item.user_name or item.excluded_by}"
        + (f": {item.reason}" if item.reason else "")
        for item in found
    )


def _desk(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.desk.commands import start_desk

    return start_desk(
        settings, arguments.host, arguments.port, lambda line: errors.print(line, markup=False)
    )


def _desk_token(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.desk import commands

    if arguments.token_command == "add":
        token, said = commands.add_token(settings, arguments.name, arguments.label)
        print(token)  # the only time it is shown: standard output, for a script to keep
    elif arguments.token_command == "list":
        for line in commands.token_lines(settings, arguments.name):
            print(line)
        return 0
    else:
        said = commands.revoke_token(settings, arguments.id)
    errors.print(said, markup=False)
    return 0


def _desk_user(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.desk import commands

    if arguments.user_command == "list":
        for line in commands.user_lines(settings):
            print(line)
        return 0
    if arguments.user_command == "add":
        said = commands.add_user(settings, arguments.name, arguments.role)
    elif arguments.user_command == "passwd":
        said = commands.change_password(settings, arguments.name)
    else:
        said = commands.remove_user(settings, arguments.name)
    errors.print(said, markup=False)
    return 0
