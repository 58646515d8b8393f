"""Large files stream end to end: memory stays bounded however big the file is.

The server runs in this process, so ``tracemalloc`` sees every Python allocation on both
sides of a transfer. A server that buffered a file would peak above its size; ours must stay
within a few buffers. The 1 GiB variant runs only with ``OURCHAT_TEST_GIANT_FILES=1``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest

from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import (
    CompleteUploadRequest,
    Header,
    StartUploadRequest,
    UploadChunkRequest,
    UploadRequest,
)
from ourchat.server.app import OurChatServer
from tests.helpers import User
from tests.rpc.files.support import deps_of, download_blocks, leftovers, resource_used

NewUser = Callable[..., Awaitable[User]]
MiB = 1024 * 1024
BOUND = 16 * MiB


@contextlib.contextmanager
def tracing() -> Iterator[Callable[[], int]]:
    """Trace allocations; yields a function answering the peak since its last call."""
    tracemalloc.start()

    def peak_since_last() -> int:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        return peak

    try:
        yield peak_since_last
    finally:
        tracemalloc.stop()


async def _stream_round_trip(server: OurChatServer, user: User, total: int) -> None:
    deps_of(server).settings.user_files_limit = total
    piece = MiB
    base = os.urandom(piece)

    def content(i: int) -> bytes:
        return i.to_bytes(8, "big") + base[8:]

    count = total // piece
    h = hashlib.sha3_256()
    for i in range(count):
        h.update(content(i))
    expected = h.digest()

    async def requests() -> AsyncIterator[UploadRequest]:
        yield UploadRequest(metadata=Header(hash=expected, size=total))
        for i in range(count):
            yield UploadRequest(content=content(i))

    received = hashlib.sha3_256()
    size = 0
    largest_block = 0
    with tracing() as peak:
        key = (await user.client.call_streaming("Upload", requests())).key
        upload_peak = peak()
        async for block in download_blocks(user.client, key):
            received.update(block)
            size += len(block)
            largest_block = max(largest_block, len(block))
        download_peak = peak()

    assert (size, received.digest()) == (total, expected)
    assert largest_block == deps_of(server).settings.download_chunk_size
    assert await resource_used(server, user.id) == total
    assert upload_peak < BOUND, f"upload peaked at {upload_peak / MiB:.1f} MiB"
    assert download_peak < BOUND, f"download peaked at {download_peak / MiB:.1f} MiB"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_large_streamed_file_keeps_memory_bounded(
    server: OurChatServer, new_user: NewUser
) -> None:
    await _stream_round_trip(server, await new_user("big"), 256 * MiB)


@pytest.mark.skipif(
    os.environ.get("OURCHAT_TEST_GIANT_FILES") != "1",
    reason="a 1 GiB transfer takes a while; set OURCHAT_TEST_GIANT_FILES=1",
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_1_gib_streamed_file_keeps_memory_bounded(
    server: OurChatServer, new_user: NewUser
) -> None:
    await _stream_round_trip(server, await new_user("giant"), 1024 * MiB)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_completing_a_large_chunked_upload_keeps_memory_bounded(
    server: OurChatServer, new_user: NewUser
) -> None:
    total, piece = 64 * MiB, 512 * 1024
    deps_of(server).settings.user_files_limit = total
    user = await new_user("chunky")
    base = os.urandom(piece)
    content = [i.to_bytes(8, "big") + base[8:] for i in range(total // piece)]
    expected = hashlib.sha3_256(b"".join(content)).digest()
    client = user.client
    started = await client.call("StartUpload", StartUploadRequest(hash=expected, size=total))
    for i, data in enumerate(content):
        await client.call(
            "UploadChunk",
            UploadChunkRequest(upload_id=started.upload_id, chunk_id=i, chunk_data=data),
        )
    del content
    with tracing() as peak:
        done = await client.call(
            "CompleteUpload", CompleteUploadRequest(upload_id=started.upload_id)
        )
        complete_peak = peak()
    received = hashlib.sha3_256()
    async for block in download_blocks(client, done.key):
        received.update(block)
    assert received.digest() == expected
    assert complete_peak < 8 * MiB, f"completion peaked at {complete_peak / MiB:.1f} MiB"
    assert leftovers(server) == []
