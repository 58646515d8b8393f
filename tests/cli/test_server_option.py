"""``--server`` and ``OURCHAT_SERVER`` choose the server on every client command."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from ourchat.cli.exit_codes import ExitCode
from ourchat.cli.main import app
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.cli.support import CliUser, register

Registered = Callable[[str], Awaitable[CliUser]]


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import typer.main

    command = typer.main.get_command(app) if group is None else group
    found: list[tuple[str, ...]] = []
    for name, sub in getattr(command, "commands", {}).items():
        if hasattr(sub, "commands"):
            found += _commands(sub, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def test_every_client_command_takes_server() -> None:
    import typer.main

    root = typer.main.get_command(app)
    local = {("serve",), ("migrate",)}  # they run a server, they do not talk to one
    for path in _commands(None):
        if path in local:
            continue
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        options = {opt for p in command.params for opt in p.opts}
        assert "--server" in options, path


@pytest.fixture
async def second_server(settings: Settings, tmp_path: Path) -> object:
    other = settings.model_copy(update={"data_dir": tmp_path / "second", "port": 0})
    server = OurChatServer(other)
    await server.start()
    try:
        yield server
    finally:
        await server.stop(grace=0.5)


async def test_logins_on_two_servers_and_server_picks_one(
    registered: Registered, second_server: OurChatServer
) -> None:
    alice = await registered("alice")
    first = alice.server
    second = f"127.0.0.1:{second_server.port}"
    on_second = CliUser("alice", second, alice.config_dir)
    await register(on_second)
    assert on_second.id != 0

    stored = json.loads((alice.config_dir / "credentials.json").read_text())
    assert set(stored["logins"]) == {first, second}
    assert stored["current"] == second

    # The flag wins over OURCHAT_SERVER (alice's environment names the first server).
    me_second = await alice.json("whoami", "--server", second)
    assert (me_second["server"], me_second["ocid"]) == (second, on_second.ocid)
    me_first = await alice.json("whoami")
    assert (me_first["server"], me_first["ocid"]) == (first, alice.ocid)
    assert "Logged out of" in await alice.ok("logout", "--server", second)
    missing = await alice.run("whoami", "--server", second)
    assert missing.exit_code == ExitCode.LOGIN
    assert missing.stderr == (
        f"Error: Not logged in on {second} — run `ourchat login --server {second}` "
        f"(you are logged in on {first})\n"
    )


async def test_unreachable_server_on_a_logged_in_command(registered: Registered) -> None:
    alice = await registered("alice")
    result = await alice.run("login", alice.email, "--server", "127.0.0.1:1")
    assert result.exit_code == ExitCode.UNREACHABLE
    assert result.stderr.startswith("Error: Cannot reach the server at 127.0.0.1:1 — ")
