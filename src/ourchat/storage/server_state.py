"""Queries on what every process must agree on: maintenance, setting overrides, evictions.

Every change goes through :func:`bump`, which takes the row lock of ``server_state`` and
raises ``version``; changes therefore commit in ``version`` order, and a process that has
seen version N has seen every change up to N once it reads the rows tagged up to N.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import upsert
from ourchat.storage.tables import config_overrides, server_state, stream_evictions


@dataclass(frozen=True)
class StateRow:
    """The shared state as stored."""

    version: int
    maintenance: bool
    maintenance_reason: str
    maintenance_since: int | None
    config_version: int


async def read(conn: AsyncConnection) -> StateRow:
    """The current shared state."""
    row = (
        await conn.execute(
            select(
                server_state.c.version,
                server_state.c.maintenance,
                server_state.c.maintenance_reason,
                server_state.c.maintenance_since,
                server_state.c.config_version,
            ).where(server_state.c.id == 1)
        )
    ).one()
    return StateRow(
        version=int(row[0]),
        maintenance=bool(row[1]),
        maintenance_reason=str(row[2]),
        maintenance_since=int(row[3]) if row[3] is not None else None,
        config_version=int(row[4]),
    )


async def bump(conn: AsyncConnection, *, config: bool = False) -> int:
    """Lock the state row and raise its version (and the config version); returns the version."""
    values: dict[str, object] = {"version": server_state.c.version + 1}
    if config:
        values["config_version"] = server_state.c.config_version + 1
    result = await conn.execute(
        update(server_state)
        .where(server_state.c.id == 1)
        .values(**values)
        .returning(server_state.c.version)
    )
    return int(result.scalar_one())


async def set_maintenance(
    conn: AsyncConnection, *, on: bool, reason: str, since_us: int | None
) -> int:
    """Turn maintenance on or off; returns the new version."""
    version = await bump(conn)
    await conn.execute(
        update(server_state)
        .where(server_state.c.id == 1)
        .values(maintenance=on, maintenance_reason=reason, maintenance_since=since_us)
    )
    return version


async def add_eviction(conn: AsyncConnection, *, user_id: int, detail: str, now_us: int) -> int:
    """Ask every process to end ``user_id``'s streams with ``detail``; returns the version."""
    version = await bump(conn)
    await conn.execute(
        stream_evictions.insert().values(
            version=version, user_id=user_id, detail=detail, created_at=now_us
        )
    )
    return version


async def evictions_after(conn: AsyncConnection, version: int) -> Sequence[tuple[int, int, str]]:
    """Evictions newer than ``version`` as ``(version, user_id, detail)``, oldest first."""
    rows = await conn.execute(
        select(stream_evictions.c.version, stream_evictions.c.user_id, stream_evictions.c.detail)
        .where(stream_evictions.c.version > version)
        .order_by(stream_evictions.c.version)
    )
    return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]


async def prune_evictions(conn: AsyncConnection, before_us: int) -> None:
    """Forget evictions made before ``before_us`` (every process has applied them)."""
    await conn.execute(delete(stream_evictions).where(stream_evictions.c.created_at < before_us))


async def overrides(conn: AsyncConnection) -> dict[str, str]:
    """Stored setting overrides: name → JSON text of the value."""
    rows = await conn.execute(select(config_overrides.c.key, config_overrides.c.value))
    return {str(r[0]): str(r[1]) for r in rows}


async def put_overrides(
    conn: AsyncConnection, values: Mapping[str, str], *, now_us: int, by: int | None
) -> int:
    """Store overrides (name → JSON text) and raise the config version; returns the version."""
    version = await bump(conn, config=True)
    for key, value in values.items():
        await conn.execute(
            upsert(
                conn,
                config_overrides,
                ("key",),
                key=key,
                value=value,
                updated_at=now_us,
                updated_by=by,
            )
        )
    return version
