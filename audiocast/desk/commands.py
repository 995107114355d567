"""What `audiocast desk`, `audiocast desk user …` and `audiocast desk token …` do; cli.py parses
and audiocast/commands/desk.py prints.

A password is never an argument (it would sit in the shell's history and in `ps`): it is typed
twice at a terminal, or read as one line from standard input when that is not a terminal
(`printf '%s\\n' "$PASSWORD" | audiocast desk user add anna`), for scripts and tests.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from audiocast.config import Settings
from audiocast.desk.accounts import AccountStore
from audiocast.desk.auth import Accounts, DeskError, check_name, check_password, check_role
from audiocast.desk.cookies import is_loopback
from audiocast.state import STATE_FILE

Say = Callable[[str], None]


def accounts_of(settings: Settings) -> Accounts:
    return Accounts(AccountStore(settings.episodes_dir / STATE_FILE))


def read_password(stdin: TextIO | None = None, prompt: str = "Password") -> str:
    """A new password: typed twice at a terminal, else one line of STDIN."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        password = getpass.getpass(f"{prompt}: ")
        if getpass.getpass(f"{prompt} again: ") != password:
            raise DeskError("the two passwords differ; nothing was changed")
    else:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise DeskError("no password on standard input (one line is read)")
    return check_password(password)


def add_user(settings: Settings, name: str, role: str, stdin: TextIO | None = None) -> str:
    check_name(name)
    check_role(role)  # both before the password is asked for
    accounts = accounts_of(settings)
    if accounts.store.user(name) is not None:
        raise DeskError(f"user {name!r} already exists (`audiocast desk user passwd {name}`)")
    accounts.add(name, role, read_password(stdin))
    return f"user {name} added ({role})"


def change_password(settings: Settings, name: str, stdin: TextIO | None = None) -> str:
    accounts = accounts_of(settings)
    if accounts.store.user(name) is None:
        raise DeskError(f"no user {name!r:.80}")
    accounts.change_password(name, read_password(stdin, "New password"))
    return f"password of {name} changed; their sessions have ended"


def remove_user(settings: Settings, name: str) -> str:
    accounts_of(settings).remove(name)
    return f"user {name} removed; their sessions have ended and their API tokens are revoked"


def user_lines(settings: Settings) -> list[str]:
    """A line per user, tab-separated: name, role, created, last seen (or "-")."""
    return [
        "\t".join((user.name, user.role, _when(user.created_at), _when(user.last_seen)))
        for user in accounts_of(settings).summaries()
    ]


def _tokens(settings: Settings):
    from audiocast.desk.api_tokens import TokenStore

    return TokenStore(settings.episodes_dir / STATE_FILE)


def add_token(settings: Settings, name: str, label: str = "") -> tuple[str, str]:
    """A new API token for NAME: (the token, shown once; what to say on standard error)."""
    token_id, token = _tokens(settings).add(name, label)
    return token, f"API token {token_id} added for {name}: it is shown only now, keep it safe"


def token_lines(settings: Settings, name: str | None = None) -> list[str]:
    """A line per API token, tab-separated: id, user, label (or "-"), created, last used (or
    "-"). Never the token itself: the database does not have it."""
    if name is not None:
        check_name(name)
    return [
        "\t".join((str(t.id), t.user_name, t.label or "-", _when(t.created_at),
                   _when(t.last_used)))
        for t in _tokens(settings).tokens(name)
    ]  # fmt: skip


def revoke_token(settings: Settings, token_id: str) -> str:
    if not token_id.isdigit() or len(token_id) > 18:
        raise DeskError(f"token id {token_id!r:.40}: a number, as `desk token list` shows")
    if not _tokens(settings).revoke(int(token_id)):
        raise DeskError(f"no API token {token_id}")
    return f"API token {token_id} revoked"


def start_desk(settings: Settings, host: str, port: int, say: Say) -> int:
    """Serve the desk until Ctrl+C. Refused on an address other than loopback while there is
    no user: the desk would be open to the network with nobody able to sign in, which is only
    ever a mistake (an account added later makes it reachable)."""
    accounts = accounts_of(settings)
    has_users = accounts.has_users()
    if not is_loopback(host) and not has_users:
        raise DeskError(
            f"the desk will not listen on {host} without users: "
            "add one first with `audiocast desk user add NAME`"
        )
    from audiocast.desk.app import create_app
    from audiocast.desk.server import bind, make_server, url_of

    sock = bind(host, port)
    server = make_server(create_app(settings, host))
    say(f"desk at {url_of(sock)} (Ctrl+C stops)")
    if not has_users:
        say("warning: no users yet: add one with `audiocast desk user add NAME`")
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down, then raises the signal again: we are done
        pass
    finally:
        sock.close()
    return 0


def _when(moment: float | None) -> str:
    if moment is None:
        return "-"
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")
