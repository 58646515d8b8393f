"""Helpers for driving the ``ourchat`` command line against the test's real server.

Short commands run in-process with typer's ``CliRunner`` (in a worker thread, since each
command runs its own event loop while the server runs in the test's); long-running ones
(``listen``, ``chat``) run as ``python -m ourchat`` subprocesses. Each CLI user has its own
config dir, so several users can be logged in at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import pty
import signal
import subprocess
import sys
import termios
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from ourchat.cli.main import app
from tests.helpers import PASSWORD

#: ``--idle`` for a replay that must find events: under load the first one can take a while
#: (an answer that must be empty can use a short wait, which at worst tests nothing more).
REPLAY_IDLE = "1.0"

_counter = itertools.count(1)


@dataclass
class CliUser:
    """One person using the command line: their config dir, and (once registered) who they are."""

    name: str
    server: str
    config_dir: Path
    id: int = 0
    ocid: str = ""
    email: str = ""

    def env(self) -> dict[str, str]:
        """The environment their commands run with."""
        return {
            "OURCHAT_CLIENT_CONFIG_DIR": str(self.config_dir),
            "OURCHAT_SERVER": self.server,
            "OURCHAT_PASSWORD": PASSWORD,
        }

    async def run(self, *args: str, input: str | None = None) -> Result:
        """Run ``ourchat ARGS`` in-process and return its result (exit code, stdout, stderr)."""
        runner = CliRunner()

        def invoke() -> Result:
            return runner.invoke(
                app, list(args), input=input, env=self.env(), catch_exceptions=False
            )

        return await asyncio.to_thread(invoke)

    async def ok(self, *args: str) -> str:
        """Run a command that must succeed; returns its stdout."""
        result = await self.run(*args)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result.stdout

    async def json(self, *args: str) -> Any:
        """Run a command with ``--json`` and parse its output."""
        return json.loads(await self.ok(*args, "--json"))

    async def spawn(self, *args: str) -> Spawned:
        """Start ``python -m ourchat ARGS`` with pipes for stdout and stderr."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "ourchat",
            *args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **self.env()},
        )
        return Spawned(process)

    def spawn_in_terminal(self, *args: str) -> Terminal:
        """Start ``python -m ourchat ARGS`` on a pseudo-terminal."""
        return Terminal([sys.executable, "-m", "ourchat", *args], {**os.environ, **self.env()})


class Spawned:
    """A CLI subprocess whose output is read line by line as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._changed = asyncio.Event()
        assert process.stdout is not None
        assert process.stderr is not None
        self._readers = [
            asyncio.create_task(self._read(process.stdout, self.stdout)),
            asyncio.create_task(self._read(process.stderr, self.stderr)),
        ]

    async def _read(self, stream: asyncio.StreamReader, into: list[str]) -> None:
        async for line in stream:
            into.append(line.decode())
            self._changed.set()

    async def wait_for(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``check()`` holds for the output read so far."""
        async with asyncio.timeout(timeout):
            while not check():
                self._changed.clear()
                await self._changed.wait()

    async def interrupt(self, timeout: float = 10.0) -> int:
        """Send Ctrl-C and return the exit code."""
        self.process.send_signal(signal.SIGINT)
        async with asyncio.timeout(timeout):
            code = await self.process.wait()
            await asyncio.gather(*self._readers)
        return code

    async def kill(self) -> None:
        """Make sure the process is gone."""
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await asyncio.gather(*self._readers, return_exceptions=True)


class Terminal:
    """A CLI subprocess on a pseudo-terminal: type into it, read what it shows."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        self.eof = attrs[6][termios.VEOF]
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = ""
        self._changed = asyncio.Event()
        os.set_blocking(self.master, False)
        asyncio.get_running_loop().add_reader(self.master, self._on_readable)

    def _on_readable(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
        self.output += data.decode(errors="replace")
        self._changed.set()

    async def expect(self, text: str, timeout: float = 10.0) -> None:
        """Wait until ``text`` has appeared on the terminal."""
        try:
            async with asyncio.timeout(timeout):
                while text not in self.output:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"{text!r} never appeared in:\n{self.output}") from None

    def type(self, text: str) -> None:
        """Type ``text`` (use "\\n" for Enter)."""
        os.write(self.master, text.encode())

    def end_of_input(self) -> None:
        """Press Ctrl-D."""
        os.write(self.master, self.eof if isinstance(self.eof, bytes) else bytes([self.eof]))

    async def exit_code(self, timeout: float = 10.0) -> int:
        """Wait for the process to end."""
        return await asyncio.to_thread(self.process.wait, timeout)

    def close(self) -> None:
        """Stop the process (if still running) and release the terminal."""
        with contextlib.suppress(ValueError, OSError):
            asyncio.get_running_loop().remove_reader(self.master)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):
            os.close(self.master)


async def register(user: CliUser) -> CliUser:
    """Register ``user`` through ``ourchat register`` and fill in their id and ocid."""
    n = next(_counter)
    user.email = f"{user.name}{n}@example.com"
    await user.ok("register", "--email", user.email, "--name", user.name)
    me = await user.json("whoami")
    user.id, user.ocid = me["id"], me["ocid"]
    return user


@contextlib.asynccontextmanager
async def spawned(user: CliUser, *args: str) -> AsyncIterator[Spawned]:
    """A CLI subprocess, killed at the end if still running."""
    process = await user.spawn(*args)
    try:
        yield process
    finally:
        await process.kill()
