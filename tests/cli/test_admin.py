"""``ourchat admin ...`` end to end against the test's real server."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Awaitable, Callable

import pytest
from typer.testing import CliRunner, Result

from ourchat.cli.admin_commands import parse_duration, toml_fragment
from ourchat.cli.exit_codes import ExitCode
from ourchat.cli.main import app
from ourchat.config import Settings
from ourchat.domain import server_metrics
from ourchat.server.app import OurChatServer
from tests.cli.support import CliUser

Registered = Callable[[str], Awaitable[CliUser]]


async def _on_server_machine(user: CliUser, settings: Settings, *args: str) -> Result:
    """Run ``ourchat ARGS`` with the server's own settings (as an operator on its machine)."""
    env = {
        **user.env(),
        "OURCHAT_DATABASE_URL": settings.resolved_database_url,
        "OURCHAT_DATA_DIR": str(settings.data_dir),
    }

    def invoke() -> Result:
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)

    return await asyncio.to_thread(invoke)


async def test_the_operator_makes_the_first_administrator_on_the_server_machine(
    registered: Registered, server: OurChatServer, settings: Settings
) -> None:
    alice = await registered("alice")
    refused = await alice.run("admin", "users")
    assert refused.exit_code == 1
    assert "Permission Denied" in refused.stderr

    unknown = await _on_server_machine(alice, settings, "admin", "grant", "no-such-ocid")
    assert unknown.exit_code == 1
    assert "User Not Found" in unknown.stderr

    granted = await _on_server_machine(alice, settings, "admin", "grant", alice.ocid)
    assert granted.exit_code == 0, granted.stderr
    assert f"{alice.ocid} now holds server role 1." in granted.stdout
    again = await _on_server_machine(alice, settings, "admin", "grant", alice.ocid)
    assert "(no change)" in again.stdout

    listed = await alice.json("admin", "users")
    assert [u["ocid"] for u in listed["users"]] == [alice.ocid]

    last = await _on_server_machine(alice, settings, "admin", "revoke", alice.ocid)
    assert last.exit_code == 1
    assert "Permission Denied" in last.stderr


async def test_admin_commands_over_the_wire(
    registered: Registered, server: OurChatServer, settings: Settings
) -> None:
    assert server.deps is not None
    alice, bob, carol = (
        await registered("alice"),
        await registered("bob"),
        await registered("carol"),
    )
    await _on_server_machine(alice, settings, "admin", "grant", alice.ocid)

    status = await alice.json("admin", "status")
    assert status["status"] == "running"
    assert status["metrics"]["total_users"] == 3

    assert "in maintenance" in await alice.ok("admin", "maintenance", "on", "--reason", "upgrade")
    assert (await alice.json("admin", "status"))["status"] == "maintenance"
    refused = await bob.run("whoami")
    assert refused.exit_code != 0
    assert "Server Maintaining" in refused.stderr
    assert "running normally" in await alice.ok("admin", "maintenance", "off")

    assert "published" in await alice.ok("admin", "announce", "Hello", "Welcome to the server")

    page = await alice.json("admin", "users", "--name", "BO", "--page-size", "5")
    assert [u["ocid"] for u in page["users"]] == [bob.ocid]
    assert page["total_count"] == 1
    table = await alice.ok("admin", "users")
    assert "3 accounts, page 1 of 1" in table

    assert "banned for 1:00:00" in await alice.ok("admin", "ban", bob.ocid, "--for", "1h")
    banned = await bob.run("whoami")
    assert banned.exit_code == ExitCode.LOGIN
    assert "User Banned" in banned.stderr
    assert "no longer banned" in await alice.ok("admin", "unban", bob.ocid)
    assert (await bob.run("whoami")).exit_code == 0
    not_banned = await alice.run("admin", "unban", bob.ocid)
    assert not_banned.exit_code == 1
    assert "User Not Be Banned" in not_banned.stderr

    roles = await alice.json("admin", "roles")
    assert roles[0]["name"] == "admin"
    assert "assign_role" in roles[0]["permissions"]
    assert "now holds server role 1" in await alice.ok("admin", "grant", bob.ocid, "--remote")
    assert "no longer holds" in await alice.ok("admin", "revoke", bob.ocid, "--remote")

    await alice.ok("sessions", "new", "--name", "Book club")
    found = await alice.json("admin", "sessions", "--name", "book")
    assert [s["name"] for s in found] == ["Book club"]

    config = tomllib.loads(await alice.ok("admin", "config", "get"))
    assert config["max_message_bytes"] == 16384
    changed = await alice.ok(
        "admin", "config", "set", "max_message_bytes=32768", "support_page=https://help.example"
    )
    assert "applied immediately" in changed
    assert server.deps.settings.max_message_bytes == 32768
    assert server.deps.settings.support_page == "https://help.example"
    restart = await alice.ok("admin", "config", "set", "token_lifetime_seconds=600")
    assert "Field 'token_lifetime_seconds' requires restart" in restart
    bad = await alice.run("admin", "config", "set", "port=abc")
    assert bad.exit_code == 1
    assert "Invalid value for 'port'" in bad.stderr

    now = await alice.json("admin", "metrics")
    assert now["total_users"] == 3
    assert "cpu_usage_percent" in now
    await server_metrics.take_snapshot(server.deps)
    history = await alice.json("admin", "metrics", "--history", "1h")
    assert len(history) == 1
    assert history[0]["metrics"]["total_users"] == 3
    assert "1 snapshots" in await alice.ok("admin", "metrics", "--history", "1h")

    assert "is deleted" in await alice.ok("admin", "delete-account", carol.ocid, "--yes")
    gone = await carol.run("whoami")
    assert gone.exit_code == ExitCode.LOGIN
    assert json.dumps(carol.ocid) not in await alice.ok("admin", "users", "--json")


def test_durations_and_assignments_parse() -> None:
    assert [parse_duration(t) for t in ("90", "30s", "10m", "1h30m", "2d", "1w")] == [
        90,
        30,
        600,
        5400,
        172800,
        604800,
    ]
    assert toml_fragment(["a=1", "b=true", "c=hello world", 'd="x"', "e=[1, 2]"]) == (
        'a = 1\nb = true\nc = "hello world"\nd = "x"\ne = [1, 2]\n'
    )


@pytest.mark.parametrize("text", ["", "1x", "h", "0s"])
def test_bad_durations_are_refused(text: str) -> None:
    from ourchat.cli.common import CliError

    with pytest.raises(CliError):
        parse_duration(text)
