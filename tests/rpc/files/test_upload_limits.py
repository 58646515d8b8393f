"""Uploads in progress count against the quota, a silent streamed Upload is ended, and a user
has at most ``max_concurrent_uploads`` uploads in progress.

Before: ten stalled streamed Uploads held 190 MB against a 20 MB quota, and ten StartUpload of
19 MB each were all accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc
import pytest

from ourchat import details
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import UploadRequest
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.helpers import User, expect_error
from tests.rpc.files.support import (
    deps_of,
    header,
    leftovers,
    random_bytes,
    resource_used,
    stored_keys,
    upload,
    upload_row_counts,
)
from tests.rpc.files.test_chunked_upload import cancel, chunk, complete, start

NewUser = Callable[..., Awaitable[User]]
STALL_S = 1.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A 1,000-byte quota and a short stall timeout."""
    settings.user_files_limit = 1000
    settings.upload_stall_timeout_seconds = STALL_S
    return settings


def test_defaults() -> None:
    defaults = Settings()
    assert (defaults.upload_stall_timeout_seconds, defaults.max_concurrent_uploads) == (60.0, 4)


class HeldUpload:
    """A streamed Upload that sent its header and then waits until told to go on."""

    def __init__(self, user: User, data: bytes) -> None:
        self.go_on = asyncio.Event()
        self.data = data
        self.task = asyncio.create_task(user.client.call_streaming("Upload", self._messages()))

    async def _messages(self) -> AsyncIterator[UploadRequest]:
        yield UploadRequest(metadata=header(self.data))
        await self.go_on.wait()
        yield UploadRequest(content=self.data)


async def _until(condition: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(500):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def test_a_chunked_upload_holds_its_size_from_start_upload(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    data = random_bytes(600)
    first = await start(alice.client, data)
    await expect_error(
        start(alice.client, data), grpc.StatusCode.RESOURCE_EXHAUSTED, details.STORAGE_FULL
    )
    await expect_error(
        upload(alice.client, data), grpc.StatusCode.RESOURCE_EXHAUSTED, details.STORAGE_FULL
    )
    await cancel(alice.client, first)
    second = await start(alice.client, data)
    await chunk(alice.client, second, 0, data)
    await complete(alice.client, second)
    assert await resource_used(server, alice.id) == 600
    await expect_error(
        start(alice.client, data), grpc.StatusCode.RESOURCE_EXHAUSTED, details.STORAGE_FULL
    )


async def test_a_streamed_upload_holds_its_size_from_the_header_and_a_silent_one_ends(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    data = random_bytes(600)
    held = HeldUpload(alice, data)

    async def counted() -> bool:
        return await upload_row_counts(server) == (1, 0)

    await _until(counted)
    await expect_error(
        start(alice.client, data), grpc.StatusCode.RESOURCE_EXHAUSTED, details.STORAGE_FULL
    )
    await upload(bob.client, data)  # another user's quota is their own
    # Nothing arrives: the upload ends with a clear error and leaves nothing behind.
    await expect_error(held.task, grpc.StatusCode.DEADLINE_EXCEEDED, details.UPLOAD_STALLED)
    held.go_on.set()
    assert await upload_row_counts(server) == (0, 0)
    assert leftovers(server) == []
    assert await resource_used(server, alice.id) == 0
    key = await upload(alice.client, data)
    assert key in stored_keys(server)


async def test_a_streamed_upload_that_goes_on_in_time_is_stored(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    data = random_bytes(600)
    held = HeldUpload(alice, data)
    await asyncio.sleep(STALL_S / 5)
    held.go_on.set()
    response = await held.task
    assert response.key in stored_keys(server)
    assert await resource_used(server, alice.id) == 600
    assert await upload_row_counts(server) == (0, 0)


async def test_a_user_has_at_most_max_concurrent_uploads(
    server: OurChatServer, new_user: NewUser
) -> None:
    settings = deps_of(server).settings
    settings.user_files_limit = 10**9
    settings.upload_stall_timeout_seconds = 60.0  # not about stalling
    alice, bob = await new_user("alice"), await new_user("bob")
    data = random_bytes(10)
    ids = [await start(alice.client, data) for _ in range(3)]
    held = HeldUpload(alice, data)

    async def counted() -> bool:
        return (await upload_row_counts(server))[0] == 4

    await _until(counted)
    await expect_error(
        start(alice.client, data), grpc.StatusCode.RESOURCE_EXHAUSTED, details.TOO_MANY_UPLOADS
    )
    await expect_error(
        upload(alice.client, data), grpc.StatusCode.RESOURCE_EXHAUSTED, details.TOO_MANY_UPLOADS
    )
    await start(bob.client, data)
    held.go_on.set()
    await held.task
    ids.append(await start(alice.client, data))
    for upload_id in ids:
        await cancel(alice.client, upload_id)
    with contextlib.suppress(Exception):
        await held.task
    assert (await upload_row_counts(server))[0] == 1  # bob's
