"""Getting content in: the streaming Upload and the chunked StartUpload / UploadChunk /
CompleteUpload / CancelUpload.

Content is hashed (SHA3-256) while it is written to a temp file, so a file is never held in
memory. A chunked upload is a row in ``uploads`` (its chunks' sizes in ``upload_chunks``, their
bytes in the file store), so any process sharing the database and the store can continue it.
Completing, cancelling, failing or expiring an upload removes its row and its chunks. A
streamed Upload is a row too (without chunks) while it runs. Every live upload counts against
its owner's quota at its declared size and among their ``max_concurrent_uploads``.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.deps import Deps
from ourchat.domain import files
from ourchat.domain.files import FileHeader
from ourchat.domain.server_identity import random_alnum
from ourchat.errors import DeadlineExceeded, InvalidArgument, NotFound, PermissionDenied
from ourchat.files.store import TempFile
from ourchat.storage import files as file_rows
from ourchat.storage.uow import unit_of_work

UPLOAD_ID_RANDOM_CHARS = 32
# Hash in a worker thread above this size (hashlib releases the GIL), inline below it.
_THREAD_HASH_BYTES = 64 * 1024
_CONCAT_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class StartedUpload:
    """A new chunked upload and the parameters the client should use."""

    upload_id: str
    chunk_size: int
    timeout_seconds: int


class _Receiver:
    """Writes content to a temp file while hashing it, refusing more than the declared size."""

    def __init__(self, temp: TempFile, size: int) -> None:
        self.temp = temp
        self.size = size
        self._hash = hashlib.sha3_256()

    async def add(self, data: bytes) -> None:
        if self.temp.size + len(data) > self.size:
            raise InvalidArgument(details.FILE_SIZE_ERROR)
        if len(data) >= _THREAD_HASH_BYTES:
            await asyncio.to_thread(self._hash.update, data)
        else:
            self._hash.update(data)
        await self.temp.write(data)

    def check(self, content_hash: bytes) -> None:
        if self.temp.size != self.size:
            raise InvalidArgument(details.FILE_SIZE_ERROR)
        if self._hash.digest() != content_hash:
            raise InvalidArgument(details.FILE_HASH_ERROR)


async def _until_stalled(contents: AsyncIterable[bytes], seconds: float) -> AsyncIterator[bytes]:
    """``contents``, ended with "Upload Stalled" when nothing arrives for ``seconds``."""
    items = aiter(contents)
    while True:
        try:
            async with asyncio.timeout(seconds):
                data = await anext(items)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise DeadlineExceeded(details.UPLOAD_STALLED) from None
        yield data


async def receive(
    deps: Deps, user_id: int, header: FileHeader, contents: AsyncIterable[bytes]
) -> str:
    """Upload: store a file streamed after its header; returns its key.

    From the header on, the upload is a row in ``uploads`` (without chunks), so its declared
    size counts against the quota and it counts among the user's concurrent uploads; the row
    lives ``2 x upload_stall_timeout_seconds`` and is renewed while content arrives, so the
    janitor removes it if this process dies. Whatever the outcome, nothing is left behind.

    Raises:
        ResourceExhausted: "Storage Full", "Too Many Uploads".
        DeadlineExceeded: "Upload Stalled" when no content arrives for
            ``upload_stall_timeout_seconds``.
        InvalidArgument: "File Size Error", "File Hash Error" (or whatever ``contents``
            raises, e.g. "Incorrect Order Of Uploading").
        NotFound / PermissionDenied: the header names a session the uploader is not in.
    """
    settings = deps.settings
    stall = settings.upload_stall_timeout_seconds
    hold_us = int(2 * stall * US_PER_SECOND)
    upload_id = f"stream_{user_id}_{random_alnum(UPLOAD_ID_RANDOM_CHARS)}"
    now = deps.clock.now_us()
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        await files.check_header(tx.conn, settings, user_id, header, now)
        await _insert(tx.conn, upload_id, user_id, header, now, now + hold_us)
    renewed = now
    stored = False
    try:
        async with deps.file_store.temp() as temp:
            receiver = _Receiver(temp, header.size)
            async for data in _until_stalled(contents, stall):
                await receiver.add(data)
                now = deps.clock.now_us()
                if now - renewed > hold_us // 4:
                    async with unit_of_work(deps.db, deps.bus, now) as tx:
                        await file_rows.refresh_upload(tx.conn, upload_id, now, now + hold_us)
                    renewed = now
            receiver.check(header.content_hash)
            key = await files.store_checked(deps, user_id, header, temp, upload_id=upload_id)
            stored = True
            return key
    finally:
        if not stored:
            await _discard(deps, upload_id)


async def _insert(
    conn: AsyncConnection,
    upload_id: str,
    user_id: int,
    header: FileHeader,
    now_us: int,
    expires_at: int,
) -> None:
    await file_rows.insert_upload(
        conn,
        upload_id=upload_id,
        user_id=user_id,
        session_id=header.session_id,
        content_hash=header.content_hash,
        size=header.size,
        auto_clean=header.auto_clean,
        created_at=now_us,
        expires_at=expires_at,
    )


async def start(deps: Deps, user_id: int, header: FileHeader) -> StartedUpload:
    """StartUpload: open a chunked upload (same refusals as :func:`receive`'s header)."""
    settings = deps.settings
    upload_id = f"upload_{user_id}_{random_alnum(UPLOAD_ID_RANDOM_CHARS)}"
    now = deps.clock.now_us()
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        await files.check_header(tx.conn, settings, user_id, header, now)
        await _insert(
            tx.conn,
            upload_id,
            user_id,
            header,
            now,
            now + settings.upload_timeout_seconds * US_PER_SECOND,
        )
    return StartedUpload(upload_id, settings.upload_chunk_size, settings.upload_timeout_seconds)


def _require_live(row: RowMapping | None, user_id: int, now_us: int) -> RowMapping:
    if row is None or row["completing"] or row["expires_at"] <= now_us:
        raise NotFound(details.UPLOAD_SESSION_NOT_FOUND)
    if int(row["user_id"]) != user_id:
        raise PermissionDenied(details.PERMISSION_DENIED)
    return row


async def _discard(deps: Deps, upload_id: str) -> None:
    """Remove an upload's row (if still there) and its chunks."""
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await file_rows.delete_upload(tx.conn, upload_id)
    await deps.file_store.delete_upload(upload_id)


#: The largest chunk id (chunk ids are stored as signed 64-bit integers).
MAX_CHUNK_ID = 2**63 - 1


async def add_chunk(deps: Deps, user_id: int, upload_id: str, chunk_id: int, data: bytes) -> int:
    """UploadChunk: store one chunk (a re-sent id replaces its data); returns bytes received.

    Raises:
        NotFound: "Upload Session Not Found" (unknown, expired, cancelled or completing).
        PermissionDenied: "Permission Denied" for another user's upload.
        InvalidArgument: "File Size Error" when the chunks exceed the declared size; the
            upload is then discarded. "Request Invalid Value" for a chunk id past 2^63 - 1
            (chunk ids are stored signed 64-bit).
    """
    settings = deps.settings
    now = deps.clock.now_us()
    async with deps.db.read() as conn:
        upload = _require_live(await file_rows.get_upload(conn, upload_id), user_id, now)
        if chunk_id > MAX_CHUNK_ID:
            raise InvalidArgument(details.REQUEST_INVALID_VALUE)
        others = await file_rows.chunk_bytes(conn, upload_id, excluding=chunk_id)
    size = int(upload["size"])
    if others + len(data) > size:
        await _discard(deps, upload_id)
        raise InvalidArgument(details.FILE_SIZE_ERROR)
    await deps.file_store.put_chunk(upload_id, chunk_id, data)
    expires_at = now + settings.upload_timeout_seconds * US_PER_SECOND
    outcome = "gone"
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        # The refresh locks the upload row, so concurrent chunks of one upload add up in turn.
        if await file_rows.refresh_upload(tx.conn, upload_id, now, expires_at):
            others = await file_rows.chunk_bytes(tx.conn, upload_id, excluding=chunk_id)
            if others + len(data) > size:
                await file_rows.delete_upload(tx.conn, upload_id)
                outcome = "too big"
            else:
                await file_rows.put_chunk(tx.conn, upload_id, chunk_id, len(data))
                outcome = "stored"
        elif await file_rows.get_upload(tx.conn, upload_id) is None:
            outcome = "removed"
    if outcome == "stored":
        return others + len(data)
    if outcome == "too big":
        await deps.file_store.delete_upload(upload_id)
        raise InvalidArgument(details.FILE_SIZE_ERROR)
    if outcome == "removed":
        # Cancelled or expired while this chunk was written: drop what it left.
        await deps.file_store.delete_upload(upload_id)
    raise NotFound(details.UPLOAD_SESSION_NOT_FOUND)


async def complete(deps: Deps, user_id: int, upload_id: str) -> str:
    """CompleteUpload: join the chunks in ascending ``chunk_id`` order and store the file.

    The upload is gone afterwards whatever the outcome (no retry).

    Raises:
        NotFound: "Upload Session Not Found".
        PermissionDenied: "Permission Denied" for another user's upload.
        InvalidArgument: "File Size Error" / "File Hash Error".
        ResourceExhausted: "Storage Full".
    """
    settings = deps.settings
    now = deps.clock.now_us()
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        upload = _require_live(await file_rows.get_upload(tx.conn, upload_id), user_id, now)
        await file_rows.mark_completing(
            tx.conn, upload_id, now + settings.upload_timeout_seconds * US_PER_SECOND
        )
        chunk_ids = await file_rows.chunk_ids(tx.conn, upload_id)
    header = FileHeader(
        content_hash=bytes(upload["hash"]),
        size=int(upload["size"]),
        auto_clean=bool(upload["auto_clean"]),
        session_id=upload["session_id"],
    )
    try:
        async with deps.file_store.temp() as temp:
            receiver = _Receiver(temp, header.size)
            for chunk_id in chunk_ids:
                async for block in deps.file_store.read_chunk(upload_id, chunk_id, _CONCAT_BLOCK):
                    await receiver.add(block)
            receiver.check(header.content_hash)
            return await files.store_checked(deps, user_id, header, temp, upload_id=upload_id)
    finally:
        await _discard(deps, upload_id)


async def cancel(deps: Deps, user_id: int, upload_id: str) -> None:
    """CancelUpload: drop an unfinished upload and its chunks.

    Raises:
        NotFound: "Upload Session Not Found".
        PermissionDenied: "Permission Denied" for another user's upload.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        _require_live(await file_rows.get_upload(tx.conn, upload_id), user_id, tx.now_us)
        await file_rows.delete_upload(tx.conn, upload_id)
    await deps.file_store.delete_upload(upload_id)
