"""StartUpload / UploadChunk / CompleteUpload / CancelUpload: uploads kept in the database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc
import pytest

from ourchat import details
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import (
    CancelUploadRequest,
    CompleteUploadRequest,
    StartUploadRequest,
    UploadChunkRequest,
)
from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.domain import files as file_rules
from ourchat.server.app import OurChatServer
from ourchat.storage import files as file_rows
from tests.helpers import User, expect_error
from tests.rpc.files.support import (
    chunked_upload,
    deps_of,
    download,
    file_row_count,
    leftovers,
    make_session,
    random_bytes,
    resource_used,
    sha3,
    store_of,
    stored_keys,
    upload,
    upload_row_counts,
)

NewUser = Callable[..., Awaitable[User]]


async def start(client: OurChatClient, data: bytes, *, size: int | None = None) -> str:
    response = await client.call(
        "StartUpload",
        StartUploadRequest(hash=sha3(data), size=len(data) if size is None else size),
    )
    return str(response.upload_id)


async def chunk(client: OurChatClient, upload_id: str, chunk_id: int, data: bytes) -> int:
    response = await client.call(
        "UploadChunk", UploadChunkRequest(upload_id=upload_id, chunk_id=chunk_id, chunk_data=data)
    )
    return int(response.bytes_received)


async def complete(client: OurChatClient, upload_id: str) -> str:
    response = await client.call("CompleteUpload", CompleteUploadRequest(upload_id=upload_id))
    return str(response.key)


async def cancel(client: OurChatClient, upload_id: str) -> None:
    await client.call("CancelUpload", CancelUploadRequest(upload_id=upload_id))


async def test_start_answers_id_chunk_size_and_timeout(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    response = await alice.client.call(
        "StartUpload", StartUploadRequest(hash=sha3(b"abc"), size=3, auto_clean=True)
    )
    assert re.fullmatch(rf"upload_{alice.id}_[A-Za-z0-9]{{32}}", response.upload_id)
    assert (response.chunk_size, response.timeout_seconds) == (524288, 3600)
    assert await upload_row_counts(server) == (1, 0)


async def test_round_trip_joins_chunks_in_ascending_id_order(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    data = random_bytes(250_000)
    pieces = {7: data[:100_000], 20: data[100_000:200_000], 300: data[200_000:]}
    upload_id = await start(alice.client, data)
    received = [await chunk(alice.client, upload_id, n, pieces[n]) for n in (300, 7, 20)]
    assert received == [50_000, 150_000, 250_000]
    key = await complete(alice.client, upload_id)

    assert key[20:] == sha3(data).hex()
    assert await download(alice.client, key) == data
    assert await resource_used(server, alice.id) == len(data)
    assert await upload_row_counts(server) == (0, 0)
    assert leftovers(server) == []
    # The upload is gone: no second completion.
    await expect_error(
        complete(alice.client, upload_id),
        grpc.StatusCode.NOT_FOUND,
        details.UPLOAD_SESSION_NOT_FOUND,
    )


async def test_both_apis_store_the_same_bytes(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    data = random_bytes(1_100_000)
    streamed = await upload(alice.client, data)
    chunked = await chunked_upload(alice.client, data, chunk=524288)
    assert await download(alice.client, streamed) == await download(alice.client, chunked) == data
    assert await resource_used(server, alice.id) == 2 * len(data)


async def test_resent_chunk_replaces_its_data_without_double_counting(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    data = b"0123456789"
    upload_id = await start(alice.client, data)
    assert await chunk(alice.client, upload_id, 0, b"XXXXXXX") == 7
    assert await chunk(alice.client, upload_id, 1, b"789") == 10
    # Re-sending chunk 0 with other bytes (and another length) replaces it.
    assert await chunk(alice.client, upload_id, 0, b"0123456") == 10
    assert await chunk(alice.client, upload_id, 0, b"0123456") == 10
    key = await complete(alice.client, upload_id)
    assert await download(alice.client, key) == data
    assert await resource_used(server, alice.id) == 10


async def test_too_many_bytes_discards_the_upload(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    data = b"0123456789"
    upload_id = await start(alice.client, data)
    await chunk(alice.client, upload_id, 0, b"012345")
    await expect_error(
        chunk(alice.client, upload_id, 1, b"6789A"),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_SIZE_ERROR,
    )
    assert await upload_row_counts(server) == (0, 0)
    assert leftovers(server) == []
    await expect_error(
        chunk(alice.client, upload_id, 1, b"6789"),
        grpc.StatusCode.NOT_FOUND,
        details.UPLOAD_SESSION_NOT_FOUND,
    )


async def test_complete_checks_size_then_hash_and_never_allows_a_retry(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    data = b"0123456789"
    short = await start(alice.client, data)
    await chunk(alice.client, short, 0, b"01234")
    await expect_error(
        complete(alice.client, short),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_SIZE_ERROR,
    )
    await expect_error(
        chunk(alice.client, short, 1, b"56789"),
        grpc.StatusCode.NOT_FOUND,
        details.UPLOAD_SESSION_NOT_FOUND,
    )

    wrong = await start(alice.client, data)
    await chunk(alice.client, wrong, 0, b"01234")
    await chunk(alice.client, wrong, 1, b"5678X")
    await expect_error(
        complete(alice.client, wrong),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_HASH_ERROR,
    )
    await expect_error(
        complete(alice.client, wrong),
        grpc.StatusCode.NOT_FOUND,
        details.UPLOAD_SESSION_NOT_FOUND,
    )
    assert await upload_row_counts(server) == (0, 0)
    assert await file_row_count(server) == 0
    assert leftovers(server) == []
    assert stored_keys(server) == []
    assert await resource_used(server, alice.id) == 0


async def test_unknown_and_foreign_uploads(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    mallory = await new_user("mallory")
    upload_id = await start(alice.client, b"abc")
    await chunk(alice.client, upload_id, 0, b"ab")
    for unknown in ("", "upload_1_nothing", upload_id + "x"):
        for call in (
            chunk(alice.client, unknown, 0, b"a"),
            complete(alice.client, unknown),
            cancel(alice.client, unknown),
        ):
            await expect_error(call, grpc.StatusCode.NOT_FOUND, details.UPLOAD_SESSION_NOT_FOUND)
    for call in (
        chunk(mallory.client, upload_id, 1, b"c"),
        complete(mallory.client, upload_id),
        cancel(mallory.client, upload_id),
    ):
        await expect_error(call, grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)
    # The owner's upload is untouched by those attempts.
    await chunk(alice.client, upload_id, 1, b"c")
    assert await download(alice.client, await complete(alice.client, upload_id)) == b"abc"


async def test_chunk_id_must_fit_the_database(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    upload_id = await start(alice.client, b"abc")
    await expect_error(
        chunk(alice.client, upload_id, 2**63, b"a"),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    assert await chunk(alice.client, upload_id, 2**63 - 1, b"abc") == 3
    assert await download(alice.client, await complete(alice.client, upload_id)) == b"abc"


async def test_cancel_removes_row_and_chunks(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    upload_id = await start(alice.client, b"0123456789")
    await chunk(alice.client, upload_id, 0, b"01234")
    assert leftovers(server) != []
    await cancel(alice.client, upload_id)
    assert await upload_row_counts(server) == (0, 0)
    assert leftovers(server) == []
    await expect_error(
        cancel(alice.client, upload_id),
        grpc.StatusCode.NOT_FOUND,
        details.UPLOAD_SESSION_NOT_FOUND,
    )


async def test_start_refuses_what_cannot_fit(server: OurChatServer, new_user: NewUser) -> None:
    deps_of(server).settings.user_files_limit = 1000
    alice = await new_user("alice")
    await expect_error(
        start(alice.client, b"", size=1001),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.STORAGE_FULL,
    )
    await expect_error(
        alice.client.call("StartUpload", StartUploadRequest(hash=b"\x00" * 31, size=1)),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_HASH_ERROR,
    )
    session_id = await make_session(server, (await new_user("bob")).id)
    await expect_error(
        alice.client.call(
            "StartUpload", StartUploadRequest(hash=sha3(b"a"), size=1, session_id=session_id)
        ),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_NOT_IN_SESSION,
    )
    assert await upload_row_counts(server) == (0, 0)


async def test_quota_is_checked_again_at_completion(
    server: OurChatServer, new_user: NewUser
) -> None:
    settings = deps_of(server).settings
    settings.user_files_limit = 1000
    alice = await new_user("alice")
    big = random_bytes(600)
    first = await start(alice.client, big)
    second = await start(alice.client, big[:300])
    for upload_id, data in ((first, big), (second, big[:300])):
        await chunk(alice.client, upload_id, 0, data)
    key = await complete(alice.client, first)
    settings.user_files_limit = 800  # the operator lowered the quota meanwhile
    await expect_error(
        complete(alice.client, second),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.STORAGE_FULL,
    )
    assert stored_keys(server) == [key]
    assert await resource_used(server, alice.id) == 600
    assert await upload_row_counts(server) == (0, 0)
    assert leftovers(server) == []


async def test_expired_upload_is_gone_and_cleaned(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    kept = await start(alice.client, b"0123456789")
    expiring = await start(alice.client, b"0123456789")
    await chunk(alice.client, kept, 0, b"01234")
    await chunk(alice.client, expiring, 0, b"01234")
    clock.advance(3000)
    # A chunk refreshes the upload's timeout.
    await chunk(alice.client, kept, 1, b"56789")
    clock.advance(601)
    for call in (
        chunk(alice.client, expiring, 1, b"56789"),
        complete(alice.client, expiring),
        cancel(alice.client, expiring),
    ):
        await expect_error(call, grpc.StatusCode.NOT_FOUND, details.UPLOAD_SESSION_NOT_FOUND)

    cleaned = await file_rules.clean_up(deps_of(server))
    assert cleaned.uploads == 1
    assert await upload_row_counts(server) == (1, 2)
    store = store_of(server)
    assert not (store.uploads_dir / expiring).exists()
    assert await download(alice.client, await complete(alice.client, kept)) == b"0123456789"
    assert leftovers(server) == []


async def test_member_uploads_to_a_session_in_chunks(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    session_id = await make_session(server, alice.id, [bob.id])
    data = random_bytes(10_000)
    key = await chunked_upload(alice.client, data, chunk=3000, session_id=session_id)
    assert await download(bob.client, key) == data
    async with deps_of(server).db.read() as conn:
        row = await file_rows.get(conn, key)
    assert row is not None
    assert row["session_id"] == session_id


@pytest.fixture
async def second_server(
    settings: Settings, clock: ManualClock, server: OurChatServer
) -> AsyncIterator[OurChatServer]:
    """Another process's view: the same database and file store, its own ports."""
    other = OurChatServer(settings.model_copy(), clock=clock)
    await other.start()
    try:
        yield other
    finally:
        await other.stop(grace=0.5)


async def test_another_process_continues_an_upload(
    server: OurChatServer, second_server: OurChatServer, new_user: NewUser
) -> None:
    # Starting the second process left the first one's temp area alone.
    assert store_of(server).temp_dir.is_dir()
    assert store_of(second_server).temp_dir.is_dir()
    alice = await new_user("alice")
    async with OurChatClient(f"127.0.0.1:{second_server.port}", alice.client.token) as there:
        data = random_bytes(30_000)
        upload_id = await start(alice.client, data)
        await chunk(alice.client, upload_id, 0, data[:10_000])
        await chunk(there, upload_id, 1, data[10_000:20_000])
        await chunk(alice.client, upload_id, 2, data[20_000:])
        key = await complete(there, upload_id)
        assert await download(alice.client, key) == data
        assert await download(there, key) == data
    assert leftovers(server) == []
