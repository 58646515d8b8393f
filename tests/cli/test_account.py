"""``ourchat register|login|logout|whoami``: the stored login, its file mode, and clear errors."""

from __future__ import annotations

import ast
import json
import stat
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from ourchat import details
from ourchat.cli.exit_codes import ExitCode
from ourchat.clock import ManualClock
from tests.cli.support import CliUser

Registered = Callable[[str], Awaitable[CliUser]]
CLI_DIR = Path(__file__).resolve().parents[2] / "src" / "ourchat" / "cli"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_register_stores_a_private_login_and_whoami_shows_it(
    cli_user: Callable[[str], CliUser],
) -> None:
    alice = cli_user("alice")
    result = await alice.run("register", "--email", "alice@example.com", "--name", "alice")
    assert result.exit_code == 0, result.stderr
    assert "You are logged in." in result.stdout

    credentials = alice.config_dir / "credentials.json"
    assert _mode(credentials) == 0o600
    assert _mode(alice.config_dir) == 0o700
    stored_file = json.loads(credentials.read_text())
    assert stored_file["current"] == alice.server
    stored = stored_file["logins"][alice.server]
    assert stored["token"]
    keys = list((alice.config_dir / "keys").iterdir())
    assert [k.name for k in keys] == [f"{stored['ocid']}.pem"]
    assert _mode(keys[0]) == 0o600
    assert keys[0].read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")

    me = await alice.json("whoami")
    assert me["ocid"] == stored["ocid"]
    assert me["id"] == stored["user_id"]
    assert (me["user_name"], me["email"], me["server"]) == (
        "alice",
        "alice@example.com",
        alice.server,
    )
    assert me["sessions"] == [] and me["friends"] == []  # noqa: PT018
    human = await alice.ok("whoami")
    assert f"alice (ocid {me['ocid']}, id {me['id']}) on {alice.server}" in human


async def test_logout_removes_the_login_and_login_brings_it_back(registered: Registered) -> None:
    alice = await registered("alice")
    credentials = alice.config_dir / "credentials.json"

    assert "Logged out" in await alice.ok("logout")
    assert not credentials.exists()
    result = await alice.run("whoami")
    assert result.exit_code != 0
    assert result.stderr == "Error: Not logged in — run `ourchat login` (or `ourchat register`)\n"
    assert "Not logged in" in await alice.ok("logout")

    await alice.ok("login", alice.email)
    assert _mode(credentials) == 0o600
    assert (await alice.json("whoami"))["id"] == alice.id
    await alice.ok("logout")
    await alice.ok("login", alice.ocid)
    assert (await alice.json("whoami"))["ocid"] == alice.ocid


async def test_a_wrong_password_is_one_clear_line(registered: Registered) -> None:
    alice = await registered("alice")
    result = await alice.run("login", alice.email, "--password", "not the password")
    assert result.exit_code != 0
    assert result.stderr == f"Error: {details.WRONG_PASSWORD} — check the password and try again\n"
    assert result.stdout == ""


async def test_an_expired_token_tells_to_log_in_again(
    registered: Registered, clock: ManualClock
) -> None:
    alice = await registered("alice")
    clock.advance(5 * 24 * 3600 + 1)
    result = await alice.run("whoami")
    assert result.exit_code != 0
    assert result.stderr == f"Error: {details.TOKEN_EXPIRED} — run `ourchat login`\n"
    sent = await alice.run("send", "1", "hello")
    assert sent.stderr == f"Error: {details.TOKEN_EXPIRED} — run `ourchat login`\n"

    await alice.ok("login", alice.email)
    assert (await alice.json("whoami"))["id"] == alice.id


async def test_an_unreachable_server_is_reported_with_what_to_do(
    cli_user: Callable[[str], CliUser],
) -> None:
    alice = cli_user("alice")
    result = await alice.run("login", "a@example.com", "--server", "127.0.0.1:1")
    assert result.exit_code != 0
    assert result.stderr == (
        "Error: Cannot reach the server at 127.0.0.1:1 — is it running? start one with "
        "`ourchat serve`, or choose another with --server HOST:PORT (or OURCHAT_SERVER)\n"
    )
    assert result.exit_code == ExitCode.UNREACHABLE


async def test_bad_arguments_are_one_clear_line(registered: Registered) -> None:
    alice = await registered("alice")
    result = await alice.run("send", "general", "hi")
    assert result.exit_code != 0
    assert result.stderr == (
        "Error: Not a session id or a friend's ocid: general — see `ourchat sessions list` and "
        "`ourchat friends list`\n"
    )
    assert result.exit_code == ExitCode.USAGE
    missing = await alice.run("send", "123", "hi")
    assert missing.exit_code == ExitCode.REFUSED
    assert missing.stderr == (
        f"Error: {details.SESSION_NOT_FOUND}: 123 — check the id with `ourchat sessions list`\n"
    )


def test_the_client_commands_never_import_the_server() -> None:
    """Statically: no CLI module but serve.py imports ourchat.server or grpc."""
    for path in CLI_DIR.glob("*.py"):
        if path.name == "serve.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("ourchat.server", "grpc")), (path.name, name)


def test_loading_the_command_line_does_not_load_the_server() -> None:
    code = (
        "import sys\n"
        "from ourchat.cli import main\n"
        "loaded = [m for m in sys.modules if m.startswith('ourchat.server')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)
