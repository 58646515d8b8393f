"""Helpers for the file tests: uploading, downloading, sessions made in the database, and
looking at what the server left on disk and in its tables."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from sqlalchemy import func, select

from ourchat._pb.service.ourchat.download.v1.download_pb2 import DownloadRequest
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import (
    CompleteUploadRequest,
    Header,
    StartUploadRequest,
    UploadChunkRequest,
    UploadRequest,
)
from ourchat.client import OurChatClient
from ourchat.deps import Deps
from ourchat.files.store import LocalFileStore
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage import files as file_rows
from ourchat.storage import sessions
from ourchat.storage.tables import files, upload_chunks, uploads


def sha3(data: bytes) -> bytes:
    """The SHA3-256 digest clients send."""
    return hashlib.sha3_256(data).digest()


def deps_of(server: OurChatServer) -> Deps:
    """The running server's dependencies."""
    assert server.deps is not None
    return server.deps


def store_of(server: OurChatServer) -> LocalFileStore:
    """The running server's local file store."""
    store = deps_of(server).file_store
    assert isinstance(store, LocalFileStore)
    return store


def header(
    data: bytes,
    *,
    size: int | None = None,
    content_hash: bytes | None = None,
    auto_clean: bool = False,
    session_id: int | None = None,
) -> Header:
    """The upload header for ``data`` (size and hash may be overridden)."""
    h = Header(
        hash=sha3(data) if content_hash is None else content_hash,
        size=len(data) if size is None else size,
        auto_clean=auto_clean,
    )
    if session_id is not None:
        h.session_id = session_id
    return h


def upload_messages(
    data: bytes, *, block: int = 64 * 1024, **header_fields: object
) -> list[UploadRequest]:
    """A well-formed Upload stream: the header, then the content in blocks."""
    messages = [UploadRequest(metadata=header(data, **header_fields))]  # type: ignore[arg-type]
    messages += [UploadRequest(content=data[i : i + block]) for i in range(0, len(data), block)]
    return messages


async def upload(client: OurChatClient, data: bytes, **header_fields: object) -> str:
    """Upload ``data`` through the streaming API; returns its key."""
    response = await client.call_streaming("Upload", upload_messages(data, **header_fields))
    return str(response.key)


async def chunked_upload(
    client: OurChatClient,
    data: bytes,
    *,
    chunk: int = 100_000,
    auto_clean: bool = False,
    session_id: int | None = None,
) -> str:
    """Upload ``data`` through StartUpload / UploadChunk / CompleteUpload; returns its key."""
    start = StartUploadRequest(hash=sha3(data), size=len(data), auto_clean=auto_clean)
    if session_id is not None:
        start.session_id = session_id
    started = await client.call("StartUpload", start)
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    for n, piece in enumerate(pieces):
        await client.call(
            "UploadChunk",
            UploadChunkRequest(upload_id=started.upload_id, chunk_id=n, chunk_data=piece),
        )
    done = await client.call("CompleteUpload", CompleteUploadRequest(upload_id=started.upload_id))
    return str(done.key)


async def download_blocks(client: OurChatClient, key: str) -> AsyncIterator[bytes]:
    """The Download stream's data blocks."""
    async for response in client.stream("Download", DownloadRequest(key=key)):
        yield bytes(response.data)


async def download(client: OurChatClient, key: str) -> bytes:
    """Download a whole file."""
    return b"".join([block async for block in download_blocks(client, key)])


async def make_session(server: OurChatServer, owner: int, members: Iterable[int] = ()) -> int:
    """A session created directly in the database, with ``owner`` and ``members`` in it."""
    deps = deps_of(server)
    session_id = deps.ids.next_id()
    now = deps.clock.now_us()
    async with deps.db.write() as conn:
        await sessions.create(conn, session_id=session_id, now_us=now)
        await sessions.add_member(conn, session_id, owner, int(PredefinedRole.OWNER), now)
        for member in members:
            await sessions.add_member(conn, session_id, member, int(PredefinedRole.MEMBER), now)
    return session_id


async def remove_member(server: OurChatServer, session_id: int, user_id: int) -> None:
    """End a membership directly in the database."""
    deps = deps_of(server)
    async with deps.db.write() as conn:
        assert await sessions.remove_member(conn, session_id, user_id, deps.clock.now_us())


async def resource_used(server: OurChatServer, user_id: int) -> int:
    """The user's ``resource_used`` column."""
    async with deps_of(server).db.read() as conn:
        used = await file_rows.resource_used(conn, user_id)
    assert used is not None
    return used


async def file_row_count(server: OurChatServer) -> int:
    """Rows in ``files``."""
    async with deps_of(server).db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(files))).scalar_one())


async def upload_row_counts(server: OurChatServer) -> tuple[int, int]:
    """Rows in ``uploads`` and ``upload_chunks``."""
    async with deps_of(server).db.read() as conn:
        ups = (await conn.execute(select(func.count()).select_from(uploads))).scalar_one()
        chunks = (await conn.execute(select(func.count()).select_from(upload_chunks))).scalar_one()
    return int(ups), int(chunks)


def files_under(path: Path) -> list[Path]:
    """Every regular file below ``path`` (lock files of live stores left out)."""
    if not path.exists():
        return []
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.endswith(".lock"))


def stored_keys(server: OurChatServer) -> list[str]:
    """Keys with published content."""
    return [p.name for p in files_under(store_of(server).data_dir)]


def leftovers(server: OurChatServer) -> list[Path]:
    """Temp files and upload chunks on disk."""
    store = store_of(server)
    return files_under(store.tmp_root) + files_under(store.uploads_dir)


def random_bytes(size: int) -> bytes:
    """``size`` random bytes."""
    return os.urandom(size)
