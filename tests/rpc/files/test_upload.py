"""Upload (client-streaming): round trip, every refusal of BEHAVIOR.md §6, quota and cleanup."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import UploadRequest
from ourchat.server.app import OurChatServer
from ourchat.storage import files as file_rows
from tests.helpers import User, expect_error
from tests.rpc.files.support import (
    deps_of,
    download,
    file_row_count,
    header,
    leftovers,
    make_session,
    random_bytes,
    resource_used,
    sha3,
    stored_keys,
    upload,
    upload_messages,
)

NewUser = Callable[..., Awaitable[User]]


async def test_round_trip_returns_identical_bytes_and_counts_the_size(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    data = random_bytes(300_001)
    key = await upload(alice.client, data, auto_clean=True)

    assert re.fullmatch(r"[A-Za-z0-9]{20}" + sha3(data).hex(), key)
    assert await download(alice.client, key) == data
    assert await resource_used(server, alice.id) == len(data)
    async with deps_of(server).db.read() as conn:
        row = await file_rows.get(conn, key)
    assert row is not None
    assert (row["user_id"], row["size"], row["auto_clean"], row["session_id"]) == (
        alice.id,
        len(data),
        True,
        None,
    )
    assert bytes(row["hash"]) == sha3(data)
    assert stored_keys(server) == [key]
    assert leftovers(server) == []


async def test_empty_file_and_two_uploads_of_the_same_content_get_distinct_keys(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    empty = await upload(alice.client, b"")
    assert await download(alice.client, empty) == b""
    first = await upload(alice.client, b"same")
    second = await upload(alice.client, b"same")
    assert first != second
    assert first[20:] == second[20:] == sha3(b"same").hex()
    assert await resource_used(server, alice.id) == 8


async def test_metadata_must_come_first(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    await expect_error(
        alice.client.call_streaming("Upload", []),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.METADATA_ERROR,
    )
    await expect_error(
        alice.client.call_streaming(
            "Upload", [UploadRequest(content=b"x"), UploadRequest(metadata=header(b"x"))]
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.METADATA_ERROR,
    )
    await expect_error(
        alice.client.call_streaming("Upload", [UploadRequest()]),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.METADATA_ERROR,
    )
    assert await file_row_count(server) == 0


async def test_only_content_may_follow_the_metadata(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    data = b"hello world"
    for extra in (UploadRequest(metadata=header(data)), UploadRequest()):
        await expect_error(
            alice.client.call_streaming(
                "Upload",
                [UploadRequest(metadata=header(data)), UploadRequest(content=data[:5]), extra],
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.INCORRECT_ORDER,
        )
    assert await file_row_count(server) == 0
    assert leftovers(server) == []
    assert await resource_used(server, alice.id) == 0


async def test_size_errors_leave_nothing_behind(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    data = random_bytes(200_000)
    # More content than declared: refused as soon as the running total passes the size.
    await expect_error(
        upload(alice.client, data, size=150_000),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_SIZE_ERROR,
    )
    # Less content than declared: refused at the end.
    await expect_error(
        upload(alice.client, data, size=200_001),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_SIZE_ERROR,
    )
    assert await file_row_count(server) == 0
    assert stored_keys(server) == []
    assert leftovers(server) == []
    assert await resource_used(server, alice.id) == 0


async def test_hash_errors(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    data = random_bytes(1000)
    await expect_error(
        upload(alice.client, data, content_hash=sha3(b"something else")),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_HASH_ERROR,
    )
    # A SHA-256 (not SHA3-256) digest of the right content is refused too.
    await expect_error(
        upload(alice.client, data, content_hash=hashlib.sha256(data).digest()),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_HASH_ERROR,
    )
    # A hash that is not 32 bytes long can never match: refused before any content.
    await expect_error(
        upload(alice.client, data, content_hash=b"short"),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_HASH_ERROR,
    )
    assert await file_row_count(server) == 0
    assert stored_keys(server) == []
    assert leftovers(server) == []


async def test_quota_refuses_without_evicting(server: OurChatServer, new_user: NewUser) -> None:
    deps_of(server).settings.user_files_limit = 10_000
    alice = await new_user("alice")
    bob = await new_user("bob")

    # Bigger than the whole quota: refused from the header alone.
    await expect_error(
        alice.client.call_streaming("Upload", upload_messages(b"", size=10_001)),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.STORAGE_FULL,
    )
    first = await upload(alice.client, random_bytes(6_000))
    second_data = random_bytes(4_000)
    second = await upload(alice.client, second_data)  # exactly fills the quota
    assert await resource_used(server, alice.id) == 10_000
    await expect_error(
        upload(alice.client, b"x"),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.STORAGE_FULL,
    )
    # Nothing was evicted, and the refused upload left nothing.
    assert sorted(stored_keys(server)) == sorted([first, second])
    assert await download(alice.client, second) == second_data
    assert await resource_used(server, alice.id) == 10_000
    assert leftovers(server) == []
    # The quota is per user.
    await upload(bob.client, random_bytes(10_000))
    assert await resource_used(server, bob.id) == 10_000


async def test_session_must_exist_and_the_uploader_must_be_in_it(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    session_id = await make_session(server, bob.id)
    await expect_error(
        upload(alice.client, b"data", session_id=deps_of(server).ids.next_id()),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_NOT_FOUND,
    )
    await expect_error(
        upload(alice.client, b"data", session_id=session_id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_NOT_IN_SESSION,
    )
    key = await upload(bob.client, b"data", session_id=session_id)
    async with deps_of(server).db.read() as conn:
        row = await file_rows.get(conn, key)
    assert row is not None
    assert row["session_id"] == session_id
    assert await file_row_count(server) == 1


async def test_upload_needs_a_token(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    alice.client.token = None
    await expect_error(
        upload(alice.client, b"data"),
        grpc.StatusCode.UNAUTHENTICATED,
        details.TOKEN_MISSING,
    )


async def test_an_abandoned_upload_leaves_nothing(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    data = random_bytes(100_000)
    sent_half = asyncio.Event()

    async def stalled() -> AsyncIterator[UploadRequest]:
        yield UploadRequest(metadata=header(data))
        yield UploadRequest(content=data[:50_000])
        sent_half.set()
        await asyncio.Event().wait()  # the client goes quiet, then gives up

    call = asyncio.create_task(alice.client.call_streaming("Upload", stalled()))
    await sent_half.wait()
    for _ in range(200):
        if leftovers(server):
            break
        await asyncio.sleep(0.01)
    assert len(leftovers(server)) == 1  # the temp file being written
    call.cancel()
    await asyncio.gather(call, return_exceptions=True)
    for _ in range(200):
        if not leftovers(server):
            break
        await asyncio.sleep(0.01)
    assert leftovers(server) == []
    assert await file_row_count(server) == 0
    assert await resource_used(server, alice.id) == 0
