"""mkdocs hooks (mkdocs.yml `hooks:`): the parts of the guide that are generated as it is built.

Two kinds of marker, each an HTML comment on a line of its own, are replaced in a page's
Markdown before it is rendered:

    <!-- audiocast:cli-reference -->       the usage and help of `audiocast` and of each of its
                                           commands, from the real argument parser
                                           (audiocast.cli._parser);
    <!-- audiocast:benchmark NAME -->      the figures of benchmarks/NAME.py, read from
                                           benchmarks/results/NAME.json (the figures of record,
                                           committed): when and where they were measured,
                                           each figure beside its target.

So neither can go stale by hand. A benchmark script or results file that the page has no marker
for gets a section of its own at the end of the page, described by the script's docstring, so
no figures of record go unshown; a marker that names no benchmark fails the build (mkdocs'
PluginError), and so does a results file this module cannot read.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import re
import statistics
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
RESULTS = BENCHMARKS / "results"
NOT_BENCHMARKS = {"results_file"}  # benchmarks/*.py that are helpers, not benchmarks
CLI_MARKER = "<!-- audiocast:cli-reference -->"
BENCHMARK_MARKER = re.compile(r"^<!-- audiocast:benchmark (?P<name>[\w-]+) -->$", re.MULTILINE)
HELP_WIDTH = 88  # columns of the generated help, whatever the terminal that builds the guide


def on_page_markdown(markdown: str, page, config, files, **kwargs) -> str:
    if CLI_MARKER in markdown:
        markdown = markdown.replace(CLI_MARKER, cli_reference())
    if BENCHMARK_MARKER.search(markdown):
        markdown = benchmark_sections(markdown, page.file.src_uri)
    return markdown


# -- the CLI reference ------------------------------------------------------------------------


def cli_reference() -> str:
    """`audiocast --help`, then a section per command with its own `--help`."""
    if str(ROOT) not in sys.path:  # a checkout whose package is not installed
        sys.path.insert(0, str(ROOT))
    from audiocast.cli import _parser

    parser = _parser()
    commands = subcommands(parser)
    parts = [
        "## Commands",
        "",
        "| command | what it does |",
        "|---|---|",
        *(
            f"| [`audiocast {name}`](#audiocast-{name}) | {_cell(about)} |"
            for name, about, _ in commands
        ),
        "",
        "## `audiocast`",
        "",
        _help_block(parser),
    ]
    for name, about, command in commands:
        parts += ["", f"## `audiocast {name}`", "", f"{_sentence(about)}", "", _help_block(command)]
    return "\n".join(parts)


def subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, help, parser) of each command of PARSER, in the order they were added."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            about = {choice.dest: choice.help or "" for choice in action._choices_actions}
            seen: set[int] = set()
            for name, command in action.choices.items():
                if id(command) not in seen:  # an alias names the same parser again
                    seen.add(id(command))
                    found.append((name, about.get(name, ""), command))
    return found


def _help_block(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = functools.partial(argparse.HelpFormatter, width=HELP_WIDTH)
    return "```text\n" + parser.format_help().rstrip() + "\n```"


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else ""


# -- the benchmarks ---------------------------------------------------------------------------


def benchmark_sections(markdown: str, page: str) -> str:
    """Each marker replaced by its benchmark's figures; then a section for every benchmark
    script or results file the page has no marker for, described by the script's docstring."""
    scripts = {p.stem for p in BENCHMARKS.glob("*.py")} - NOT_BENCHMARKS
    recorded = {p.stem for p in RESULTS.glob("*.json")}
    marked = set(BENCHMARK_MARKER.findall(markdown))
    stale = sorted(marked - scripts - recorded)
    if stale:
        raise PluginError(
            f"{page}: a benchmark marker names no benchmarks/NAME.py and no results file: "
            + ", ".join(stale)
        )
    markdown = BENCHMARK_MARKER.sub(lambda m: benchmark_figures(m["name"]), markdown)
    for name in sorted((scripts | recorded) - marked):
        markdown = markdown.rstrip() + "\n\n" + unmarked_section(name) + "\n"
    return markdown


def unmarked_section(name: str) -> str:
    """A benchmark the page does not describe: its script's summary and targets, its figures."""
    script = BENCHMARKS / f"{name}.py"
    parts = [f"## `benchmarks/{name}.py`", ""]
    if script.exists():
        summary, targets = _docstring_parts(script)
        parts += [summary or "(The script has no docstring.)", ""]
        if targets:
            parts += [f"Targets, as the script states them: {targets}", ""]
        if (RESULTS / f"{name}.json").exists():  # else the figures' note says how to run it
            parts += [f"`.venv/bin/python benchmarks/{name}.py`", ""]
    else:
        parts += ["*The script that wrote these figures is no longer in `benchmarks/`.*", ""]
    return "\n".join(parts) + "\n" + benchmark_figures(name)


def _docstring_parts(script: Path) -> tuple[str, str]:
    """The first paragraph of SCRIPT's docstring, and the text of its Target(s) paragraph."""
    try:
        doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError, ValueError):
        return "", ""
    paragraphs = doc.split("\n\n")
    summary = " ".join(paragraphs[0].split())
    targets = ""
    lines = doc.splitlines()
    for index, line in enumerate(lines):
        heading = re.match(r"Targets?\b[^:]*:?\s*(?P<rest>.*)", line)
        if heading:
            body = [heading["rest"]] if heading["rest"] else []
            for following in lines[index + 1 :]:
                if not following.strip() or not following[:1].isspace():
                    break
                body.append(following.strip().lstrip("* "))
            targets = " ".join(body)
            break
    return summary, targets


def benchmark_figures(name: str) -> str:
    """The figures of benchmarks/results/NAME.json as Markdown, or why there are none."""
    path = RESULTS / f"{name}.json"
    where = f"`benchmarks/results/{name}.json`"
    if not path.exists():
        return (
            f"*No figures of record yet: there is no {where}.* Run "
            f"`.venv/bin/python benchmarks/{name}.py` on a quiet machine and commit the file."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PluginError(f"{path}: cannot be read: {exc}") from exc
    render = RENDERERS.get(name, _generic)
    try:
        body = render(data)
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise PluginError(
            f"{path}: not the figures docs/hooks.py knows how to show: {exc!r}"
        ) from exc
    return f"Figures of record: {where}.\n\n{body}"


def _episode_stages(data: dict) -> str:
    medians, targets, verdicts = data["medians"], data["targets"], data["verdicts"]
    articles = list(medians)
    sizes = "; ".join(
        f"{a}: {medians[a]['chars']:,} characters → "
        f"{_duration(medians[a]['cold']['duration'])} of audio, {len(data['runs'][a])} runs"
        for a in articles
    )
    out = [_measured(data["measured_at"], data.get("machine", {})), ""]
    out += [f"Medians. {sizes}. Cold: an empty speech cache; warm: the same article again.", ""]
    columns = [(a, state) for a in articles for state in ("cold", "warm")]
    rows = []
    for stage in [*medians[articles[0]]["cold"]["stages"], "other", "total"]:
        cells = [f"**{stage}**" if stage == "total" else stage]
        for a, state in columns:
            run = medians[a][state]
            cells.append(_num(run["stages"][stage] if stage in run["stages"] else run.get(stage)))
        rows.append(cells)
    out.append(_table(["stage (s)", *(f"{a}, {state}" for a, state in columns)], rows))
    setup = "; ".join(
        f"{a} {sum(medians[a]['setup'].values()):.2f} s" for a in articles if "setup" in medians[a]
    )
    if setup:
        out += ["", f"Set-up, measured apart (imports, dictionaries, the engine, the encoder's "
                    f"level probe): {setup}."]  # fmt: skip
    peak_for = targets.get("peak_applies_to", articles)
    share = ["share outside speech and encoding"]
    share += [
        f"{medians[a]['cold']['share_percent']:.1f} % {_verdict(verdicts[a].get('share'))}"
        for a in articles
    ]
    peak = ["peak memory of the process"]
    peak += [
        f"{_mib(medians[a]['cold']['peak_self_mib'], mb=True)} "
        + (_verdict(verdicts[a].get("memory")) if a in peak_for else "")
        for a in articles
    ]
    share.append(f"< {targets['share_percent_below']:g} %")
    peak.append(f"< {targets['peak_self_mb_below']:g} MB ({', '.join(peak_for)})")
    out += ["", _table(["figure (cold runs)", *articles, "target"], [share, peak])]
    return "\n".join(out)


def _hostile_input(data: dict) -> str:
    targets, cases, verdicts = data["targets"], data["cases"], data["verdicts"]
    out = [_measured(data["measured_at"], data.get("machine", {})), ""]
    out += [f"- **{name}**: {_cell(about)}" for name, about in data.get("articles", {}).items()]
    rows = []
    for name, case in cases.items():
        seconds = _num(case["seconds"], 4 if case["seconds"] < 0.01 else 2)
        if "audio_seconds" in case:
            seconds += f" ({_duration(case['audio_seconds'])} of audio)"
        message = case.get("message") or "—"
        rows.append([name, seconds, _mib(case["peak_mib"]), case["exit_status"], message])
    header = ["case", "seconds", "peak memory", "exit status", "last line on stderr"]
    out += ["", _table(header, rows), ""]
    episode, bomb = cases["episode"], cases["alias_bomb"]
    out.append(
        _targets(
            (
                f"episode's peak memory < {targets['episode_peak_mb_below']:g} MB",
                _mib(episode["peak_mib"], mb=True),
                verdicts.get("episode_peak_below_300_mb"),
            ),
            (
                f"alias bomb refused in < {targets['alias_bomb_seconds_below']:g} s",
                f"exit status {bomb['exit_status']}, {bomb['seconds']:.4f} s",
                verdicts.get("alias_bomb_refused") and verdicts.get("alias_bomb_under_1_s"),
            ),
        )
    )
    return "\n".join(out)


def _publish_build(data: dict) -> str:
    runs, targets, met = data["runs"], data["targets"], data.get("met", {})
    out = [_measured(data["measured"], data.get("machine", {})), ""]
    out += [
        f"A store of {data['episodes']:,} episodes; {data['public_files']:,} files in `public/`. "
        "Time is the build's own, in a fresh process; the interpreter's start-up is beside it.",
        "",
    ]
    names = {
        "full": "full, into an empty `public/`",
        "unchanged": "nothing changed",
        "one_new": "one new episode",
    }
    header = ["build", "seconds", "start-up (s)", "peak memory", "written", "unchanged", "removed"]
    rows = [
        [names.get(key, key), _num(run["seconds"], 2), _num(run["startup_s"], 2)]
        + [_mib(run["peak_mib"]), f"{run['written']:,}", f"{run['unchanged']:,}"]
        + [f"{run['removed']:,}"]
        for key, run in runs.items()
    ]
    peak = max(run["peak_mib"] for run in runs.values())
    out += [_table(header, rows), ""]
    out.append(
        _targets(
            (
                f"full build < {targets['full_s']:g} s",
                f"{runs['full']['seconds']:.2f} s",
                met.get("full_s"),
            ),
            (
                f"one new episode < {targets['one_new_s']:g} s",
                f"{runs['one_new']['seconds']:.2f} s",
                met.get("one_new_s"),
            ),
            (f"peak memory < {targets['peak_mb']:g} MB", _mib(peak, mb=True), met.get("peak_mb")),
        )  # fmt: skip
    )
    return "\n".join(out)


def _single_article(data: dict) -> str:
    targets = data["targets"]
    out = [_machine_line(data.get("machine", {})), "", _sentence(data.get("figures", "")), ""]
    out += [f"- **{side}**: {_cell(about)}" for side, about in data.get("sides", {}).items()]
    header = [
        "seed",
        "measured",
        "audiocast: wall, CPU, peak",
        "peer: wall, CPU, peak",
        f"wall ratio (target ≤ {targets['wall_ratio_at_most']:g})",
        f"audiocast's peak (target ≤ {targets['peak_mib_at_most']:g} MiB)",
    ]
    rows = []
    for label, seed in data["seeds"].items():
        ours, peer = seed["medians"]["audiocast"], seed["medians"]["peer"]
        about = (
            f"**{label}**: {seed['seed']}, {seed['seed_chars']:,} characters → "
            f"{_duration(ours['audio_s'])}; peer's MP3 at {seed['peer_mp3_rate_hz']:,} Hz; "
            f"{seed['pairs']} pairs"
        )
        load = seed.get("load_average", {}).get("start")
        when = _when(seed["measured"]) + (f", load average {load[0]:.2f}" if load else "")
        ratio = f"{seed['ratios']['wall']:.2f} {_verdict(seed['met']['wall_ratio'])}"
        peak = f"{_mib(ours['peak_mib'])} {_verdict(seed['met']['audiocast_peak'])}"
        rows.append([about, when, _side(ours), _side(peer), ratio, peak])
    out += ["", _table(header, rows)]
    return "\n".join(out)


def _side(side: dict) -> str:
    return f"{side['wall_s']:.2f} s, {side['cpu_s']:.2f} s, {_mib(side['peak_mib'])}"


def _startup(data: dict) -> str:
    runs, targets = data["runs"], data["targets"]
    out = [_machine_line(data.get("machine", {})), ""]
    out += [f"Peak memory from `{data.get('peak_memory_from', '?')}`. Runs:", ""]
    for label, run in runs.items():
        others = run.get("interleaved_with") or []
        out.append(
            f"- **{label}**: {_cell(run.get('code', ''))}"
            + (f", commit `{run['commit']}`" if run.get("commit") else "")
            + f"; {_when(run['measured'])}, {run['rounds']} rounds"
            + (f", interleaved with {', '.join(others)}" if others else "")
        )
    commands: list[str] = []
    for run in runs.values():
        commands += [c for c in run["commands"] if c not in commands]
    rows = []
    for command in commands:
        cells = [f"`{command}`"]
        for run in runs.values():
            figures = run["commands"].get(command)
            cells.append(
                f"{figures['median_s']:.2f} s, {_mib(figures['median_peak_mib'])}"
                if figures
                else "—"
            )
        rows.append(cells)
    out += ["", _table(["command (median time, peak memory)", *runs], rows)]
    label = data.get("label") or list(runs)[-1]
    if label in runs:
        now, met = runs[label]["commands"], data.get("met", {})
        help_, status = now["help"], now["status"]
        out += ["", f"Targets, against **{label}**:", ""]
        out.append(
            _targets(
                (
                    f"`--help` ≤ {targets['help_s']:g} s",
                    f"{help_['median_s']:.2f} s",
                    met.get("help_s"),
                ),
                (
                    f"`--help` ≤ {targets['help_mib']:g} MiB",
                    _mib(help_["median_peak_mib"]),
                    met.get("help_mib"),
                ),
                (
                    f"`status` ≤ {targets['status_s']:g} s",
                    f"{status['median_s']:.2f} s",
                    met.get("status_s"),
                ),
            )  # fmt: skip
        )
    return "\n".join(out)


SYNC_SPEEDUP_TARGET = 1.7  # benchmarks/sync_batch.py: "speed-up (target ≥ 1.7×)"
SYNC_QUIET_TARGET_S = 2.0  # "a second sync with nothing changed ... (target under 2 s)"


def _sync_batch(data: dict) -> str:
    cores = data.get("cores")
    out = [f"Measured {_when(data['date'])}" + (f" on {cores} cores." if cores else "."), ""]
    out += [
        f"`audiocast sync` of {data['articles']} articles, empty store and cache, each run in "
        "a fresh process. Cores busy: CPU time of the sync and its workers over wall time.",
        "",
    ]
    names = {
        "one_worker": "one worker",
        "one_worker_one_core": "one worker pinned to one core",
        "all_cores": "one worker per core",
    }
    header = ["run", "workers", "seconds", "cores busy", "audio"]
    header += ["peak: syncing process", "peak: largest worker"]
    rows = []
    for key, name in names.items():
        run = data[key]
        busy = run["cpu_seconds"] / run["seconds"]
        rows.append(
            [name, run["workers"], _num(run["seconds"], 1), _num(busy, 2)]
            + [_duration(run["audio_seconds"]), _mib(run["peak_self_mib"])]
            + [_mib(run["peak_children_mib"])]
        )
    out += [_table(header, rows), ""]
    quiet = data["no_change_sync_seconds"]
    quiet_median = statistics.median(quiet)
    pinned = data["one_worker_one_core"]["seconds"] / data["all_cores"]["seconds"]
    out.append(
        _targets(
            (
                f"speed-up with every core over one worker ≥ {SYNC_SPEEDUP_TARGET:g}×",
                f"{data['speedup']:.2f}× (over one worker pinned to one core: {pinned:.2f}×)",
                data["speedup"] >= SYNC_SPEEDUP_TARGET,
            ),
            (
                f"a sync with nothing changed < {SYNC_QUIET_TARGET_S:g} s",
                f"median {quiet_median:.2f} s of {', '.join(f'{t:.2f}' for t in quiet)}",
                quiet_median < SYNC_QUIET_TARGET_S,
            ),
        )
    )
    return "\n".join(out)


def _desk(data: dict) -> str:
    targets, met = data["targets"], data.get("met", {})
    voice, page, lexicon = data["voice"], data["articles_page"], data["lexicon_sample"]
    load = data.get("load_average", {}).get("start")
    out = [_measured(data["measured"], data.get("machine", {}))
           + (f" Load average at the start {load[0]:.2f}." if load else ""), ""]  # fmt: skip
    out += [f"- **{side}**: {_cell(about)}" for side, about in data.get("sides", {}).items()]
    out += [f"- **{state}**: {_cell(about)}" for state, about in data["cache_states"].items()]
    rounds = len(voice["cold"]["cli_runs_s"])
    rows = [
        [state, _num(voice[state]["cli_median_s"], 2), _num(voice[state]["desk_median_s"], 2),
         _num(voice[state]["desk_minus_cli_s"], 2)]
        for state in ("cold", "warm")
    ]  # fmt: skip
    out += ["", f"«Озвучить» to a playable episode, `{data['seed']}`, medians of {rounds} rounds:"]
    out += ["", _table(["cache", "CLI (s)", "desk (s)", "desk − CLI (s)"], rows), ""]
    out.append(
        _targets(
            (
                f"«Озвучить» within {targets['voice_over_cli_s']:g} s of the CLI",
                f"cold {voice['cold']['desk_minus_cli_s']:.2f} s, "
                f"warm {voice['warm']['desk_minus_cli_s']:.2f} s",
                met.get("voice_over_cli_s"),
            ),
            (
                f"articles page, {page['episodes']:,} episodes, "
                f"< {targets['articles_page_s'] * 1000:g} ms",
                f"median {page['median_s'] * 1000:.0f} ms of {page['rounds']}, first "
                f"{page['first_s'] * 1000:.0f} ms (right after start-up "
                f"{page['first_right_after_start_s'] * 1000:.0f} ms)",
                met.get("articles_page_s"),
            ),
            (
                f"desk idle < {targets['idle_rss_mib']:g} MiB",
                f"after start-up {_mib(page['rss_idle_after_start_mib'])}, after the page "
                f"{_mib(page['rss_idle_after_page_mib'])} (peak {_mib(page['peak_rss_mib'])})",
                met.get("idle_rss_mib"),
            ),
            (
                f"lexicon sample ≤ {targets['sample_s']:g} s",
                f"slowest {lexicon['slowest_s']:.2f} s ({lexicon['source']})",
                met.get("sample_s"),
            ),
        )  # fmt: skip
    )
    return "\n".join(out)


def _generic(data: Any) -> str:
    """A results file with no table of its own: its figures as they are, key by key."""
    rows = [f"| `{key}` | {_cell(_plain(value))} |" for key, value in _leaves(data)]
    note = ""
    if len(rows) > 60:
        rows, note = rows[:60], f"\n\n(and {len(rows) - 60} more in the file)"
    when = data.get("measured") or data.get("measured_at") if isinstance(data, dict) else None
    head = _measured(when, data.get("machine", {})) + "\n\n" if when else ""
    return head + "| figure | value |\n|---|---|\n" + "\n".join(rows) + note


RENDERERS: dict[str, Callable[[Any], str]] = {
    "desk": _desk,
    "episode_stages": _episode_stages,
    "hostile_input": _hostile_input,
    "publish_build": _publish_build,
    "single_article": _single_article,
    "startup": _startup,
    "sync_batch": _sync_batch,
}


# -- formatting -------------------------------------------------------------------------------


def _measured(when: str, machine: dict) -> str:
    return f"Measured {_when(when)}. {_machine_line(machine)}".rstrip()


def _machine_line(machine: dict) -> str:
    cores = machine.get("cpus") or machine.get("nproc")
    parts = [
        f"{cores} cores" if cores else "",
        f"Python {machine['python']}" if "python" in machine else "",
    ]
    if "platform" in machine:
        parts.append(f"`{machine['platform']}`")
    if "ffmpeg" in machine:
        parts.append(" ".join(str(machine["ffmpeg"]).split()[:3]))
    parts = [p for p in parts if p]
    return f"Machine: {', '.join(parts)}." if parts else ""


def _when(text: str) -> str:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M")


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _mib(value: float, mb: bool = False) -> str:
    """VALUE MiB, and in MB (10^6 bytes) too where the target is set in MB."""
    return f"{value:.0f} MiB" + (f" ({value * 1.048576:.0f} MB)" if mb else "")


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _targets(*rows: tuple[str, str, bool | None]) -> str:
    """A table of (target, result, met) rows."""
    return _table(
        ["target", "result"], [[t, f"{r} {_verdict(met)}".rstrip()] for t, r, met in rows]
    )


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _verdict(met: bool | None) -> str:
    """How a figure stands against its target, as the results file says (None: no target)."""
    return "" if met is None else "(met)" if met else "(**missed**)"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


def _leaves(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            found += _leaves(value, f"{prefix}.{key}" if prefix else str(key))
        return found
    if isinstance(data, list) and any(isinstance(v, dict | list) for v in data):
        return [(f"{prefix}[…]", f"{len(data)} items")]
    return [(prefix, data)]
