"""What a newcomer reads first: --version, help screens in plain words, quiet start-up logs."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from ourchat import __version__
from ourchat.cli.main import app


def _all_commands(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found += _all_commands(sub, (*path, name))
    return found


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"ourchat {__version__}\n"


def test_help_has_no_python_type_names_and_prompts_are_not_required() -> None:
    root = typer.main.get_command(app)
    for path in _all_commands(root):
        result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
        assert result.exit_code == 0, path
        text = result.stdout
        for python_name in ("<str>", "<bool>", "<int>", "<float>", "<path>", "list[", "NoneType"):
            assert python_name not in text, (path, python_name, text)
    register = CliRunner().invoke(app, ["register", "--help"], env={"COLUMNS": "120"}).stdout
    assert "[required]" not in register
    assert re.search(r"--email\s+TEXT", register)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_serve_starts_without_migration_chatter(tmp_path: Path) -> None:
    env = {**os.environ, "OURCHAT_HTTP_PORT": str(_free_port())}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ourchat",
        "serve",
        "--port",
        str(_free_port()),
        "--data-dir",
        str(tmp_path / "data"),
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stderr is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(60):
            while not any("listening on" in line and "gRPC" in line for line in lines):
                line = (await process.stderr.readline()).decode()
                assert line, "".join(lines)
                lines.append(line)
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()
    assert not [line for line in lines if "alembic" in line], "".join(lines)
