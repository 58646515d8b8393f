"""Fixtures of the command-line tests: CLI users, each with their own config dir."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from ourchat.server.app import OurChatServer
from tests.cli.support import CliUser, register


@pytest.fixture
def cli_user(server: OurChatServer, tmp_path: Path) -> Callable[[str], CliUser]:
    """A factory of CLI users (not yet registered) talking to ``server``."""

    def make(name: str) -> CliUser:
        return CliUser(name, f"127.0.0.1:{server.port}", tmp_path / f"cli-{name}")

    return make


@pytest.fixture
def registered(
    cli_user: Callable[[str], CliUser],
) -> Callable[[str], Awaitable[CliUser]]:
    """A factory of CLI users registered and logged in."""

    async def make(name: str) -> CliUser:
        return await register(cli_user(name))

    return make
