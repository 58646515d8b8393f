"""PostgreSQL's pool checks a connection before use only after it sat idle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from ourchat.storage import engine as engine_module
from ourchat.storage.engine import Database
from tests.conftest import PG_ENV


@pytest.fixture
async def db(pg_database: str | None) -> AsyncIterator[Database]:
    if pg_database is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    database = Database(pg_database, pool_size=1, max_overflow=0)
    try:
        yield database
    finally:
        await database.dispose()


def _count_pings(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    dialect = db.engine.sync_engine.dialect
    pings: list[int] = []
    real = dialect.do_ping

    def counted(dbapi_conn: Any) -> bool:
        pings.append(1)
        return real(dbapi_conn)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


async def _backend_pid(db: Database) -> int:
    async with db.read() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_in_steady_use_is_not_pinged(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _count_pings(db, monkeypatch)
    pids = {await _backend_pid(db) for _ in range(5)}
    assert len(pids) == 1
    assert pings == []


async def test_an_idle_connection_that_died_is_replaced_before_use(
    db: Database, monkeypatch: pytest.MonkeyPatch, pg_database: str
) -> None:
    pings = _count_pings(db, monkeypatch)
    first = await _backend_pid(db)
    other = Database(pg_database)
    try:
        async with other.write() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    finally:
        await other.dispose()
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    second = await _backend_pid(db)
    assert second != first
    assert pings == [1]
