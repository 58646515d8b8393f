"""Queries on ``files``, ``uploads``, ``upload_chunks`` and the users' ``resource_used``."""

from __future__ import annotations

from sqlalchemy import and_, case, delete, func, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.tables import files, session_members, upload_chunks, uploads, users

# Files ---------------------------------------------------------------------------------------


async def get(conn: AsyncConnection, key: str) -> RowMapping | None:
    """Every column of one file row, or None."""
    row = (await conn.execute(select(files).where(files.c.key == key))).first()
    return row._mapping if row is not None else None


async def insert_file(
    conn: AsyncConnection,
    *,
    key: str,
    user_id: int,
    session_id: int | None,
    size: int,
    content_hash: bytes,
    auto_clean: bool,
    created_at: int,
) -> None:
    """Record a stored file."""
    await conn.execute(
        insert(files).values(
            key=key,
            user_id=user_id,
            session_id=session_id,
            size=size,
            hash=content_hash,
            auto_clean=auto_clean,
            created_at=created_at,
        )
    )


async def delete_file(conn: AsyncConnection, key: str) -> bool:
    """Delete one file row; returns whether there was one."""
    result = await conn.execute(delete(files).where(files.c.key == key))
    return bool(result.rowcount)


async def readable_keys(conn: AsyncConnection, keys: list[str], user_id: int) -> set[str]:
    """Those of ``keys`` that ``user_id`` owns or that belong to a session they are in now."""
    if not keys:
        return set()
    membership = and_(
        session_members.c.session_id == files.c.session_id,
        session_members.c.user_id == user_id,
    )
    rows = await conn.execute(
        select(files.c.key)
        .select_from(files.outerjoin(session_members, membership))
        .where(
            files.c.key.in_(keys),
            or_(files.c.user_id == user_id, session_members.c.user_id.is_not(None)),
        )
    )
    return {str(r[0]) for r in rows}


async def expired_files(conn: AsyncConnection, created_before: int, limit: int) -> list[RowMapping]:
    """Auto-clean files created at or before ``created_before``, oldest first."""
    rows = await conn.execute(
        select(files)
        .where(files.c.auto_clean.is_(True), files.c.created_at <= created_before)
        .order_by(files.c.created_at, files.c.key)
        .limit(limit)
    )
    return [r._mapping for r in rows]


async def existing_keys(conn: AsyncConnection, keys: list[str]) -> set[str]:
    """The subset of ``keys`` that have a file row."""
    if not keys:
        return set()
    rows = await conn.execute(select(files.c.key).where(files.c.key.in_(keys)))
    return {str(r[0]) for r in rows}


# Quota -----------------------------------------------------------------------------------------


async def resource_used(conn: AsyncConnection, user_id: int) -> int | None:
    """Bytes of stored files counted against ``user_id``, or None if there is no such user."""
    value = (
        await conn.execute(select(users.c.resource_used).where(users.c.id == user_id))
    ).scalar_one_or_none()
    return int(value) if value is not None else None


async def reserve_space(conn: AsyncConnection, user_id: int, size: int, limit: int) -> bool:
    """Add ``size`` to the user's ``resource_used`` unless that would exceed ``limit``.

    Returns:
        Whether the space was taken (one conditional update, safe under concurrency).
    """
    result = await conn.execute(
        update(users)
        .where(users.c.id == user_id, users.c.resource_used + size <= limit)
        .values(resource_used=users.c.resource_used + size)
    )
    return bool(result.rowcount)


async def release_space(conn: AsyncConnection, user_id: int, size: int) -> None:
    """Subtract ``size`` from the user's ``resource_used`` (never below zero)."""
    await conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            resource_used=case(
                (users.c.resource_used >= size, users.c.resource_used - size), else_=0
            )
        )
    )


# Chunked uploads -------------------------------------------------------------------------------


async def insert_upload(
    conn: AsyncConnection,
    *,
    upload_id: str,
    user_id: int,
    session_id: int | None,
    content_hash: bytes,
    size: int,
    auto_clean: bool,
    created_at: int,
    expires_at: int,
) -> None:
    """Record a new chunked upload."""
    await conn.execute(
        insert(uploads).values(
            id=upload_id,
            user_id=user_id,
            session_id=session_id,
            hash=content_hash,
            size=size,
            auto_clean=auto_clean,
            created_at=created_at,
            expires_at=expires_at,
            completing=False,
        )
    )


async def get_upload(conn: AsyncConnection, upload_id: str) -> RowMapping | None:
    """Every column of one upload row, or None."""
    row = (await conn.execute(select(uploads).where(uploads.c.id == upload_id))).first()
    return row._mapping if row is not None else None


async def refresh_upload(
    conn: AsyncConnection, upload_id: str, now_us: int, expires_at: int
) -> bool:
    """Push back the expiry of a live upload that is not being completed (locks its row).

    Returns:
        Whether there was such an upload.
    """
    result = await conn.execute(
        update(uploads)
        .where(
            uploads.c.id == upload_id,
            uploads.c.completing.is_(False),
            uploads.c.expires_at > now_us,
        )
        .values(expires_at=expires_at)
    )
    return bool(result.rowcount)


async def mark_completing(conn: AsyncConnection, upload_id: str, expires_at: int) -> None:
    """Take an upload out of reach of UploadChunk, CancelUpload and CompleteUpload."""
    await conn.execute(
        update(uploads)
        .where(uploads.c.id == upload_id)
        .values(completing=True, expires_at=expires_at)
    )


async def delete_upload(conn: AsyncConnection, upload_id: str) -> bool:
    """Delete an upload and its chunk rows; returns whether there was one."""
    await conn.execute(delete(upload_chunks).where(upload_chunks.c.upload_id == upload_id))
    result = await conn.execute(delete(uploads).where(uploads.c.id == upload_id))
    return bool(result.rowcount)


async def chunk_bytes(conn: AsyncConnection, upload_id: str, *, excluding: int | None) -> int:
    """Total size of an upload's chunks, leaving out chunk ``excluding``."""
    query = select(func.coalesce(func.sum(upload_chunks.c.size), 0)).where(
        upload_chunks.c.upload_id == upload_id
    )
    if excluding is not None:
        query = query.where(upload_chunks.c.chunk_id != excluding)
    return int((await conn.execute(query)).scalar_one())


async def put_chunk(conn: AsyncConnection, upload_id: str, chunk_id: int, size: int) -> None:
    """Record (or re-record) the size of one chunk."""
    result = await conn.execute(
        update(upload_chunks)
        .where(upload_chunks.c.upload_id == upload_id, upload_chunks.c.chunk_id == chunk_id)
        .values(size=size)
    )
    if not result.rowcount:
        await conn.execute(
            insert(upload_chunks).values(upload_id=upload_id, chunk_id=chunk_id, size=size)
        )


async def chunk_ids(conn: AsyncConnection, upload_id: str) -> list[int]:
    """An upload's chunk ids in ascending order."""
    rows = await conn.execute(
        select(upload_chunks.c.chunk_id)
        .where(upload_chunks.c.upload_id == upload_id)
        .order_by(upload_chunks.c.chunk_id)
    )
    return [int(r[0]) for r in rows]


async def expired_uploads(conn: AsyncConnection, now_us: int, limit: int) -> list[str]:
    """Ids of uploads whose time ran out."""
    rows = await conn.execute(
        select(uploads.c.id)
        .where(uploads.c.expires_at <= now_us)
        .order_by(uploads.c.expires_at)
        .limit(limit)
    )
    return [str(r[0]) for r in rows]


async def lock_user_quota(conn: AsyncConnection, user_id: int) -> int | None:
    """``resource_used`` of ``user_id``, with the user's row locked until the transaction ends.

    PostgreSQL locks the row (``FOR UPDATE``), so concurrent reservations of one user take turns;
    SQLite has one writer at a time anyway. None if there is no such user.
    """
    stmt = select(users.c.resource_used).where(users.c.id == user_id)
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    value = (await conn.execute(stmt)).scalar_one_or_none()
    return int(value) if value is not None else None


async def uploads_in_flight(conn: AsyncConnection, user_id: int, now_us: int) -> tuple[int, int]:
    """How many live uploads ``user_id`` has and the bytes they declared."""
    row = (
        await conn.execute(
            select(func.count(), func.coalesce(func.sum(uploads.c.size), 0)).where(
                uploads.c.user_id == user_id, uploads.c.expires_at > now_us
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def existing_upload_ids(conn: AsyncConnection, upload_ids: list[str]) -> set[str]:
    """The subset of ``upload_ids`` that have an upload row."""
    if not upload_ids:
        return set()
    rows = await conn.execute(select(uploads.c.id).where(uploads.c.id.in_(upload_ids)))
    return {str(r[0]) for r in rows}
