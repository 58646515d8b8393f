"""Alembic migrations build exactly the schema of storage/tables.py, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from ourchat.storage.migrate import alembic_config, upgrade_to_head
from ourchat.storage.tables import metadata
from tests.conftest import IN_CI, PG_ENV
from tests.scale.processes import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    try:
        database = fresh_database(base)
        url = database.__enter__()
    except Exception as exc:
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL at {PG_ENV} is unreachable: {exc}")
    try:
        yield url
    finally:
        database.__exit__(None, None, None)


def _differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "target_metadata": metadata}
    )
    return list(compare_metadata(context, metadata))


def _state(conn: Connection) -> tuple[str | None, set[str]]:
    return MigrationContext.configure(conn).get_current_revision(), set(
        inspect(conn).get_table_names()
    )


def _downgrade_to_base(conn: Connection, url: str) -> None:
    cfg = alembic_config(url)
    cfg.attributes["connection"] = conn
    command.downgrade(cfg, "base")


async def test_migrations_build_exactly_the_declared_schema(empty_database: str) -> None:
    head = ScriptDirectory.from_config(alembic_config(empty_database)).get_current_head()
    engine = create_async_engine(empty_database)
    try:
        async with engine.connect() as conn:
            await upgrade_to_head(conn)
            revision, tables = await conn.run_sync(_state)
            assert revision == head
            assert tables == set(metadata.tables) | {"alembic_version"}
            # What `alembic revision --autogenerate` would write next: nothing.
            assert await conn.run_sync(_differences) == []
            await upgrade_to_head(conn)  # a second run is a no-op
            assert (await conn.run_sync(_state))[0] == head
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_upgrade_again(empty_database: str) -> None:
    engine = create_async_engine(empty_database)
    try:
        async with engine.connect() as conn:
            await upgrade_to_head(conn)
            await conn.run_sync(_downgrade_to_base, empty_database)
            await conn.commit()
            assert await conn.run_sync(_state) == (None, {"alembic_version"})
            await upgrade_to_head(conn)
            assert await conn.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_processes_starting_together_migrate_once(empty_database: str) -> None:
    """Several servers starting at once on an empty database all come up on the same schema."""
    import asyncio

    from sqlalchemy import text

    engines = [create_async_engine(empty_database) for _ in range(3)]

    async def migrate(engine: Any) -> None:
        async with engine.connect() as conn:
            await upgrade_to_head(conn)

    try:
        await asyncio.gather(*(migrate(e) for e in engines))
        async with engines[0].connect() as conn:
            roles = (await conn.execute(text("SELECT count(*) FROM roles"))).scalar_one()
            clocks = (await conn.execute(text("SELECT count(*) FROM event_clock"))).scalar_one()
    finally:
        for engine in engines:
            await engine.dispose()
    assert (roles, clocks) == (3, 1)
