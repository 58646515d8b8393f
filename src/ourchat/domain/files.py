"""Rules for stored files: quota, who may read them, storing checked content, deletion, expiry.

A file is readable by its owner and by the current members of the session it was uploaded
to. Its size counts against the owner's ``resource_used`` from the transaction that records
it to the transaction that removes it, whichever path removes it (DeleteFile, auto-clean).
Content is deleted from the store only after that transaction commits.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.config import Settings
from ourchat.deps import Deps
from ourchat.domain import permissions
from ourchat.domain.server_identity import random_alnum
from ourchat.errors import InvalidArgument, NotFound, PermissionDenied, ResourceExhausted
from ourchat.files.store import FileStore, TempFile
from ourchat.storage import files as file_rows
from ourchat.storage import sessions as session_rows
from ourchat.storage.uow import Tx, unit_of_work

log = logging.getLogger(__name__)

HASH_BYTES = 32
KEY_RANDOM_CHARS = 20
CLEANUP_BATCH = 500


@dataclass(frozen=True)
class FileHeader:
    """What a client declares before sending content."""

    content_hash: bytes
    size: int
    auto_clean: bool
    session_id: int | None


@dataclass(frozen=True)
class Cleaned:
    """What one clean-up pass removed."""

    files: int = 0
    uploads: int = 0
    upload_leftovers: int = 0
    temp_areas: int = 0
    orphan_contents: int = 0


def new_key(content_hash: bytes) -> str:
    """20 random alphanumerics followed by the lowercase hex of the client's hash."""
    return random_alnum(KEY_RANDOM_CHARS) + content_hash.hex()


# Checks ------------------------------------------------------------------------------------


async def check_header(
    conn: AsyncConnection, settings: Settings, user_id: int, header: FileHeader, now_us: int
) -> None:
    """Refuse an upload before any content arrives (inside the transaction that records it).

    The quota holds the stored files and every live upload of the user, each counted at its
    declared size from the moment it is declared. The user's row stays locked until the
    transaction ends, so concurrent uploads of one user are judged one after the other.

    Raises:
        ResourceExhausted: "Storage Full" when the file does not fit in the user's quota
            beside their files and their uploads in progress; "Too Many Uploads" when the
            user already has ``max_concurrent_uploads`` uploads in progress.
        InvalidArgument: "File Hash Error" when the hash cannot be a SHA3-256 digest.
        NotFound: "Session Not Found" for an unknown ``session_id``.
        PermissionDenied: "User Not In Session" when the uploader is not a member of it.
    """
    limit = settings.user_files_limit
    if header.size > limit:
        raise ResourceExhausted(details.STORAGE_FULL)
    used = await file_rows.lock_user_quota(conn, user_id) or 0
    count, in_flight = await file_rows.uploads_in_flight(conn, user_id, now_us)
    if settings.max_concurrent_uploads and count >= settings.max_concurrent_uploads:
        raise ResourceExhausted(details.TOO_MANY_UPLOADS)
    if used + in_flight + header.size > limit:
        raise ResourceExhausted(details.STORAGE_FULL)
    if len(header.content_hash) != HASH_BYTES:
        raise InvalidArgument(details.FILE_HASH_ERROR)
    if header.session_id is not None:
        await _require_session(conn, header.session_id, user_id)


async def _require_session(conn: AsyncConnection, session_id: int, user_id: int) -> None:
    if await session_rows.get(conn, session_id) is None:
        raise NotFound(details.SESSION_NOT_FOUND)
    await permissions.require_member(conn, session_id, user_id)


async def require_readable(conn: AsyncConnection, keys: list[str], user_id: int) -> None:
    """Check that ``user_id`` may read every file in ``keys`` (an empty list passes).

    Raises:
        PermissionDenied: "Permission Denied" if any key is unknown or not readable.
    """
    wanted = set(keys)
    if wanted and await file_rows.readable_keys(conn, list(wanted), user_id) != wanted:
        raise PermissionDenied(details.PERMISSION_DENIED)


async def is_readable(conn: AsyncConnection, key: str, user_id: int) -> bool:
    """Whether ``user_id`` owns ``key`` or is a current member of its session."""
    return bool(await file_rows.readable_keys(conn, [key], user_id))


# Storing -----------------------------------------------------------------------------------


async def store_checked(
    deps: Deps,
    user_id: int,
    header: FileHeader,
    temp: TempFile,
    *,
    upload_id: str | None = None,
) -> str:
    """Record content whose size and hash were checked, and publish it under a new key.

    The quota is taken, the row inserted and (for a chunked upload) the upload row removed in
    one transaction; the content is published inside it and removed again if it does not
    commit.

    Raises:
        ResourceExhausted: "Storage Full" when the quota no longer has room.
        NotFound: "Session Not Found" / "Upload Session Not Found" when those went away.
        PermissionDenied: "User Not In Session" when the uploader left the session.
    """
    key = new_key(header.content_hash)
    published = False
    try:
        async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
            if upload_id is not None and not await file_rows.delete_upload(tx.conn, upload_id):
                raise NotFound(details.UPLOAD_SESSION_NOT_FOUND)
            if header.session_id is not None:
                await _require_session(tx.conn, header.session_id, user_id)
            if not await file_rows.reserve_space(
                tx.conn, user_id, header.size, deps.settings.user_files_limit
            ):
                raise ResourceExhausted(details.STORAGE_FULL)
            await file_rows.insert_file(
                tx.conn,
                key=key,
                user_id=user_id,
                session_id=header.session_id,
                size=header.size,
                content_hash=header.content_hash,
                auto_clean=header.auto_clean,
                created_at=tx.now_us,
            )
            await deps.file_store.publish(temp, key)
            published = True
    except BaseException:
        if published:
            await deps.file_store.delete(key)
        raise
    return key


# Reading -----------------------------------------------------------------------------------


async def open_for_download(deps: Deps, key: str, user_id: int) -> AsyncGenerator[bytes, None]:
    """The content of a file the caller may read, in blocks.

    Raises:
        NotFound: "File Not Found" for an unknown key.
        PermissionDenied: "Permission Denied" when the caller may not read it.
    """
    async with deps.db.read() as conn:
        if await file_rows.get(conn, key) is None:
            raise NotFound(details.FILE_NOT_FOUND)
        if not await is_readable(conn, key, user_id):
            raise PermissionDenied(details.PERMISSION_DENIED)
    return deps.file_store.read(key, deps.settings.download_chunk_size)


# Removing ----------------------------------------------------------------------------------


async def remove_in_tx(tx: Tx, store: FileStore, key: str) -> bool:
    """Delete a file row, give its size back to its owner and drop its content after commit.

    For any path that removes files (DeleteFile, expiry, or another area replacing an avatar).

    Returns:
        Whether there was such a file.
    """
    row = await file_rows.get(tx.conn, key)
    if row is None or not await file_rows.delete_file(tx.conn, key):
        return False
    await file_rows.release_space(tx.conn, int(row["user_id"]), int(row["size"]))
    tx.after_commit.append(functools.partial(store.delete, key))
    return True


async def delete_file(deps: Deps, key: str, user_id: int) -> None:
    """DeleteFile: the owner removes one of their files.

    Raises:
        PermissionDenied: "Permission Denied" for an unknown key or someone else's file.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        row = await file_rows.get(tx.conn, key)
        if row is None or int(row["user_id"]) != user_id:
            raise PermissionDenied(details.PERMISSION_DENIED)
        await remove_in_tx(tx, deps.file_store, key)


async def expire_files(deps: Deps) -> int:
    """Remove the auto-clean files older than ``files_save_time_seconds``; returns how many."""
    removed = 0
    while True:
        now = deps.clock.now_us()
        cutoff = now - deps.settings.files_save_time_seconds * US_PER_SECOND
        async with unit_of_work(deps.db, deps.bus, now) as tx:
            rows = await file_rows.expired_files(tx.conn, cutoff, CLEANUP_BATCH)
            for row in rows:
                removed += await remove_in_tx(tx, deps.file_store, str(row["key"]))
        if len(rows) < CLEANUP_BATCH:
            return removed


async def expire_uploads(deps: Deps) -> int:
    """Remove the chunked uploads whose time ran out, with their chunks; returns how many."""
    removed = 0
    while True:
        now = deps.clock.now_us()
        async with unit_of_work(deps.db, deps.bus, now) as tx:
            ids = await file_rows.expired_uploads(tx.conn, now, CLEANUP_BATCH)
            for upload_id in ids:
                if await file_rows.delete_upload(tx.conn, upload_id):
                    removed += 1
                    tx.after_commit.append(
                        functools.partial(deps.file_store.delete_upload, upload_id)
                    )
        if len(ids) < CLEANUP_BATCH:
            return removed


async def remove_upload_leftovers(deps: Deps) -> int:
    """Remove stored chunks whose upload row is gone (a crash or a race); returns how many."""
    stored = await deps.file_store.upload_ids()
    removed = 0
    for start in range(0, len(stored), CLEANUP_BATCH):
        batch = stored[start : start + CLEANUP_BATCH]
        async with deps.db.read() as conn:
            alive = await file_rows.existing_upload_ids(conn, batch)
        for upload_id in batch:
            if upload_id not in alive:
                await deps.file_store.delete_upload(upload_id)
                removed += 1
    return removed


async def remove_orphan_contents(deps: Deps) -> int:
    """Remove stored content that no file row names and that is older than the grace period.

    Such content is left when a process dies between publishing content and committing its
    row, or between committing a removal and deleting the content. The grace period keeps
    this from touching an upload another process is committing right now.
    """
    grace = deps.settings.files_orphan_grace_seconds * US_PER_SECOND
    removed = 0
    async for found in deps.file_store.keys_modified_before(deps.clock.now_us() - grace):
        for start in range(0, len(found), CLEANUP_BATCH):
            keys = found[start : start + CLEANUP_BATCH]
            async with deps.db.read() as conn:
                known = await file_rows.existing_keys(conn, keys)
            for key in keys:
                if key not in known:
                    await deps.file_store.delete(key)
                    removed += 1
    return removed


async def clean_up(deps: Deps, *, at_start: bool = False) -> Cleaned:
    """One pass of the file janitor; at start-up it also looks for orphaned content.

    Removes expired auto-clean files, expired chunked uploads, chunks without an upload, and
    temp data of processes that are gone.
    """
    cleaned = Cleaned(
        files=await expire_files(deps),
        uploads=await expire_uploads(deps),
        upload_leftovers=await remove_upload_leftovers(deps),
        temp_areas=await deps.file_store.clean_temp(),
        orphan_contents=await remove_orphan_contents(deps) if at_start else 0,
    )
    if any(dataclasses.astuple(cleaned)):
        log.info("file clean-up removed %s", cleaned)
    return cleaned
