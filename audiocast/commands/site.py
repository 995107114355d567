"""The commands that keep the site: build, serve, sync, status, exclude and include."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

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

# heavy imports wait inside each command (tests/test_startup.py): `status` loads none
if TYPE_CHECKING:
    from rich.console import Console

    from audiocast.config import Settings
    from audiocast.sync import StopFlag


def build(arguments, settings: Settings, errors: Console) -> int:
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
        + (f", {len(report.excluded)} excluded" if report.excluded else "")
        + (f", {len(report.waiting)} scheduled" if report.waiting else ""),
        markup=False,
    )
    return 1 if report.problems else 0


def serve(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.publish.serve import make_server, server_url

    if not arguments.no_build:
        build(arguments, settings, errors)
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


def sync(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.sync import StopFlag

    if not settings.sources:
        raise AudiocastError("no [[sources]] in audiocast.toml: nothing to sync")
    stop = StopFlag()
    stop.install()
    while True:
        report = _sync_with_progress(settings, arguments.workers, stop, errors)
        if not arguments.no_build and not report.interrupted:
            build(arguments, settings, errors)
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
        + (f", {len(report.scheduled)} scheduled" if report.scheduled else "")
        + (" — interrupted" if report.interrupted else ""),
        markup=False,
    )


def status(arguments, settings: Settings, errors: Console) -> int:
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


def exclusion(arguments, settings: Settings, errors: Console) -> int:
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
