"""The file janitor runs inside the server process, on its own, every few seconds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import StartUploadRequest
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.helpers import User
from tests.rpc.files.support import (
    file_row_count,
    resource_used,
    sha3,
    stored_keys,
    upload,
    upload_row_counts,
)

NewUser = Callable[..., Awaitable[User]]
DAY = 24 * 3600


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Run the janitor every 50 ms so a test can see it work."""
    settings.files_cleanup_interval_seconds = 0.05
    return settings


async def test_janitor_runs_in_the_background(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    await upload(alice.client, b"expiring", auto_clean=True)
    started = await alice.client.call("StartUpload", StartUploadRequest(hash=sha3(b"x"), size=1))
    assert started.upload_id
    clock.advance(10 * DAY)
    for _ in range(250):
        if not await file_row_count(server) and not (await upload_row_counts(server))[0]:
            break
        await asyncio.sleep(0.02)
    assert await file_row_count(server) == 0
    assert await upload_row_counts(server) == (0, 0)
    assert stored_keys(server) == []
    assert await resource_used(server, alice.id) == 0
