"""Command line: the parser, and main() calling the command asked for (audiocast/commands/).
No logic of its own."""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
from pathlib import Path

from audiocast import __version__
from audiocast.commands import desk as desk_handlers
from audiocast.commands import making, site, wordpress
from audiocast.errors import AudiocastError

# Each command imports what it needs when it runs (tests/test_startup.py): `--help` and
# `status` load no numpy, pipeline, page or terminal machinery, and start in a fraction of a
# second instead of over one. The commands themselves: audiocast/commands/.


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
    episode.set_defaults(run=making.episode)

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
    edition.set_defaults(run=making.edition)

    script = commands.add_parser("script", help="print the script as it will be spoken")
    script.add_argument("source", metavar="SOURCE")
    script.add_argument("--show", help="show name (default: from audiocast.toml)")
    script.add_argument("--voice", help="voice profile (default: by the article's language)")
    script.set_defaults(run=making.script)

    voices = commands.add_parser("voices", help="list voice profiles and whether they work here")
    voices.set_defaults(run=making.voices)

    demo = commands.add_parser(
        "demo", help="make episodes from the bundled sample articles, then build public/"
    )
    demo.add_argument("--show", help="show name (default: from audiocast.toml)")
    demo.set_defaults(run=making.demo)

    build_command = commands.add_parser(
        "build", help="write the feeds, pages and player into public/ (only what changed)"
    )
    build_command.set_defaults(run=site.build)

    serve = commands.add_parser("serve", help="build, then preview public/ on this machine")
    serve.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any)")
    serve.add_argument("--no-build", action="store_true", help="serve public/ as it is")
    serve.set_defaults(run=site.serve)

    sync = commands.add_parser(
        "sync", help="new and edited site articles → episodes; removed ones dropped; rebuild"
    )
    sync.add_argument("--workers", type=int, help="processes (default: one per core)")
    sync.add_argument(
        "--watch", type=float, metavar="SECONDS", help="run again every SECONDS until stopped"
    )
    sync.add_argument("--no-build", action="store_true", help="do not rebuild public/")
    sync.set_defaults(run=site.sync)

    status = commands.add_parser("status", help="what sync has pending, done and failed")
    status.set_defaults(run=site.status)
    exclude = commands.add_parser(
        "exclude", help="leave an episode out of the podcast (from the next build; not voiced)"
    )
    exclude.add_argument("episode_id", metavar="EPISODE_ID")
    exclude.add_argument("--reason", default="", help="why, for the journal and the desk")
    exclude.set_defaults(run=site.exclusion)
    include = commands.add_parser("include", help="put an excluded episode back in the podcast")
    include.add_argument("episode_id", metavar="EPISODE_ID")
    include.set_defaults(run=site.exclusion)
    plugin = commands.add_parser(
        "wordpress-plugin", help="write the WordPress plugin's zip (Plugins → Upload Plugin)"
    )
    plugin.add_argument("--out", default=".", help="folder for the zip (default: here)")
    plugin.set_defaults(run=wordpress.plugin)
    _desk_parser(commands)
    return parser


def _desk_parser(commands) -> None:
    """`audiocast desk` (the editors' web app) and `audiocast desk user …` (its accounts)."""
    desk = commands.add_parser(
        "desk", help="the editors' desk: a web app on this site (sign-in required)"
    )
    desk.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    desk.add_argument("--port", type=int, default=8700, help="port (default: 8700; 0: any)")
    desk.set_defaults(run=desk_handlers.desk)
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
    user.set_defaults(run=desk_handlers.desk_user)
    token = desk_commands.add_parser("token", help="API tokens for /api/ (one per caller)")
    tokens = token.add_subparsers(dest="token_command", required=True)
    token_add = tokens.add_parser("add", help="a new token for USER, printed once")
    token_add.add_argument("name", metavar="USER")
    token_add.add_argument("--label", default="", help="what the token is for (e.g. wordpress)")
    token_list = tokens.add_parser("list", help="id, user, label, created, last used; no secrets")
    token_list.add_argument("name", metavar="USER", nargs="?")
    token_revoke = tokens.add_parser("revoke", help="revoke token ID (from `desk token list`)")
    token_revoke.add_argument("id", metavar="ID")
    token.set_defaults(run=desk_handlers.desk_token)
