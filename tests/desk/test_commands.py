"""`audiocast desk user …` and `audiocast desk` as commands: accounts made, listed, changed and
removed (the password read from standard input), and a desk that will not start open to the
network without users, or on an address it cannot take."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest

from audiocast.config import load_settings
from audiocast.desk.commands import accounts_of
from tests.desk.conftest import write_site


@pytest.fixture
def site(tmp_path):
    write_site(tmp_path)
    return tmp_path


@pytest.fixture
def desk(audiocast, site, monkeypatch):
    """`audiocast desk ARGUMENTS` in this process, with STDIN as its standard input."""

    def run(*arguments: str, stdin: str = ""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return audiocast("desk", *arguments, cwd=site)

    return run


def test_users_are_added_listed_changed_and_removed(desk, site):
    added = desk("user", "add", "anna", stdin="correct horse battery\n")
    assert added.returncode == 0, added.stderr
    assert "user anna added (editor)" in added.stderr
    assert (
        desk("user", "add", "vera", "--role", "viewer", stdin="viewer password 1\n").returncode == 0
    )
    listed = desk("user", "list")
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(line[0], line[1], line[3]) for line in lines] == [("anna", "editor", "-"),
                                                              ("vera", "viewer", "-")]  # fmt: skip
    assert "correct horse" not in listed.stdout

    accounts = accounts_of(load_settings(site))
    session = accounts.sign_in("anna", "correct horse battery", "127.0.0.1")
    assert session.token and accounts.session(session.token)
    changed = desk("user", "passwd", "anna", stdin="a brand new password\n")
    assert changed.returncode == 0 and "sessions have ended" in changed.stderr
    assert accounts.session(session.token) is None  # the old password's session is over
    assert accounts.sign_in("anna", "correct horse battery", "10.0.0.1").token is None
    assert accounts.sign_in("anna", "a brand new password", "10.0.0.1").token

    removed = desk("user", "remove", "vera")
    assert removed.returncode == 0
    assert [line.split("\t")[0] for line in desk("user", "list").stdout.splitlines()] == ["anna"]
    # the password is stored as an argon2id hash, never as itself
    stored = accounts.store.user("anna")
    assert stored and stored.password_hash.startswith("$argon2id$")
    assert "brand new" not in stored.password_hash


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (("user", "add", "Anna"), "correct horse battery\n", "lower-case Latin letters"),
        (("user", "add", "anna"), "short\n", "at least 10 characters"),
        (("user", "add", "anna"), "", "no password on standard input"),
        (("user", "passwd", "nobody"), "correct horse battery\n", "no user 'nobody'"),
        (("user", "remove", "nobody"), "", "no user 'nobody'"),
    ],
)
def test_a_wrong_account_command_is_one_line(desk, arguments, stdin, message):
    result = desk(*arguments, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_taken_name_and_a_wrong_role_are_refused(desk):
    assert desk("user", "add", "anna", stdin="correct horse battery\n").returncode == 0
    again = desk("user", "add", "anna", stdin="another password 1\n")
    assert again.returncode == 2 and "already exists" in again.stderr
    role = desk("user", "add", "olga", "--role", "admin", stdin="correct horse battery\n")
    assert role.returncode == 2 and "invalid choice" in role.stderr


def test_the_desk_refuses_the_network_without_users(desk):
    for host in ("0.0.0.0", "192.0.2.10", "desk.example.com"):
        result = desk("--host", host, "--port", "0")
        assert result.returncode == 2, host
        assert result.stderr.strip() == (
            f"error: the desk will not listen on {host} without users: "
            "add one first with `audiocast desk user add NAME`"
        )


def test_a_busy_port_is_one_line(desk):
    assert desk("user", "add", "anna", stdin="correct horse battery\n").returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = desk("--port", str(port))
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"error: cannot serve on 127.0.0.1:{port}: Address already in use"
    )


def test_the_desk_starts_says_where_and_stops_on_ctrl_c(site):
    process = subprocess.Popen(
        [sys.executable, "-m", "audiocast", "desk", "--port", "0"],
        cwd=site, stderr=subprocess.PIPE, text=True, env=os.environ | {"COLUMNS": "200"},
    )  # fmt: skip
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first.startswith("desk at http://127.0.0.1:") and first.endswith("(Ctrl+C stops)\n")
        assert "no users yet" in process.stderr.readline()
        url = first.split()[2]
        answer = httpx.get(url + "login/", timeout=10)
        assert answer.status_code == 200 and "Вход в редакцию" in answer.text
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0


def test_help_names_the_desk_commands(audiocast, site):
    result = audiocast("desk", "user", "--help", cwd=site)
    assert result.returncode == 0
    for command in ("add", "passwd", "remove", "list"):
        assert command in result.stdout


def test_the_account_commands_load_no_web_server(site):
    code = (
        "import sys\nfrom audiocast.cli import main\n"
        "for argv in (['desk', '--help'], ['desk', 'user', 'list']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "web = ('starlette', 'uvicorn', 'jinja2', 'numpy', 'multipart', 'python_multipart')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(web)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=site, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
