"""The desk's commands: desk (the editors' web app), desk user and desk token."""

from __future__ import annotations

from typing import TYPE_CHECKING

# the desk's modules wait inside each command (tests/test_startup.py)
if TYPE_CHECKING:
    from rich.console import Console

    from audiocast.config import Settings


def desk(arguments, settings: Settings, errors: Console) -> int:
    from audiocast.desk.commands import start_desk

    return start_desk(
        settings, arguments.host, arguments.port, lambda line: errors.print(line, markup=False)
    )


def desk_token(arguments, settings: Settings, errors: Console) -> int:
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


def desk_user(arguments, settings: Settings, errors: Console) -> int:
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
