"""Queries behind the monitoring figures: process reports, counts, and metrics history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import insert_if_absent, upsert
from ourchat.storage.tables import events, metrics_history, server_processes, sessions, users

MSG_KIND = 1


@dataclass(frozen=True)
class ProcessRow:
    """One process's latest report."""

    id: str
    started_at: int
    heartbeat_at: int
    open_streams: int
    db_connections: int
    bus_connections: int
    live_tasks: int
    loop_lag_us: int


async def report(conn: AsyncConnection, row: ProcessRow) -> None:
    """Store this process's report (replacing its previous one)."""
    await conn.execute(
        upsert(
            conn,
            server_processes,
            ("id",),
            id=row.id,
            started_at=row.started_at,
            heartbeat_at=row.heartbeat_at,
            open_streams=row.open_streams,
            db_connections=row.db_connections,
            bus_connections=row.bus_connections,
            live_tasks=row.live_tasks,
            loop_lag_us=row.loop_lag_us,
        )
    )


async def forget_process(conn: AsyncConnection, process_id: str) -> None:
    """Remove a process's report (it is stopping)."""
    await conn.execute(delete(server_processes).where(server_processes.c.id == process_id))


async def forget_silent(conn: AsyncConnection, before_us: int) -> None:
    """Remove reports of processes silent since ``before_us`` (they died)."""
    await conn.execute(delete(server_processes).where(server_processes.c.heartbeat_at < before_us))


async def processes_since(conn: AsyncConnection, since_us: int) -> Sequence[ProcessRow]:
    """Reports made after ``since_us`` (the live processes)."""
    rows = await conn.execute(
        select(server_processes).where(server_processes.c.heartbeat_at >= since_us)
    )
    return [
        ProcessRow(
            id=str(r.id),
            started_at=int(r.started_at),
            heartbeat_at=int(r.heartbeat_at),
            open_streams=int(r.open_streams),
            db_connections=int(r.db_connections),
            bus_connections=int(r.bus_connections),
            live_tasks=int(r.live_tasks),
            loop_lag_us=int(r.loop_lag_us),
        )
        for r in rows
    ]


async def active_users(conn: AsyncConnection) -> int:
    """Accounts that are not deleted."""
    query = select(func.count()).select_from(users).where(users.c.account_status == 0)
    return int((await conn.execute(query)).scalar_one())


async def session_count(conn: AsyncConnection) -> int:
    """Every session."""
    return int((await conn.execute(select(func.count()).select_from(sessions))).scalar_one())


async def messages_since(conn: AsyncConnection, since_us: int) -> int:
    """Chat messages stored after ``since_us``."""
    query = (
        select(func.count())
        .select_from(events)
        .where(events.c.time > since_us, events.c.kind == MSG_KIND)
    )
    return int((await conn.execute(query)).scalar_one())


async def sessions_with_messages_since(conn: AsyncConnection, since_us: int) -> int:
    """Sessions that got a chat message after ``since_us``."""
    query = select(func.count(distinct(events.c.session_id))).where(
        events.c.time > since_us, events.c.kind == MSG_KIND
    )
    return int((await conn.execute(query)).scalar_one())


HISTORY_FIELDS = tuple(c.name for c in metrics_history.columns if c.name != "ts")


async def add_snapshot(conn: AsyncConnection, ts: int, values: Mapping[str, Any]) -> bool:
    """Store the snapshot of the interval starting at ``ts``; False if one exists already."""
    result = await conn.execute(insert_if_absent(conn, metrics_history, ("ts",), ts=ts, **values))
    return bool(result.rowcount)


async def purge_snapshots(conn: AsyncConnection, before_us: int) -> None:
    """Remove snapshots older than ``before_us``."""
    await conn.execute(delete(metrics_history).where(metrics_history.c.ts < before_us))


async def snapshots(
    conn: AsyncConnection, start_us: int, end_us: int
) -> Sequence[Mapping[str, Any]]:
    """Snapshots with ``start_us <= ts <= end_us``, oldest first."""
    rows = await conn.execute(
        select(metrics_history)
        .where(metrics_history.c.ts >= start_us, metrics_history.c.ts <= end_us)
        .order_by(metrics_history.c.ts)
    )
    return [dict(r._mapping) for r in rows]
