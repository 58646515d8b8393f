"""SQLite connections: only executing and committing take a trip to the worker thread."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text

from ourchat.storage import sqlite_connection
from ourchat.storage.engine import Database


async def test_a_select_takes_one_worker_trip_and_a_write_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with db.write() as conn:
            await conn.execute(text("CREATE TABLE t (a INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1), (2)"))
        trips: list[str] = []
        original = aiosqlite.Connection._execute

        async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
            trips.append(getattr(fn, "__name__", "?"))
            return await original(self, fn, *args)  # type: ignore[no-untyped-call]

        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        async with db.read() as conn:
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, sqlite_connection.Connection)
            rows = (await conn.execute(text("SELECT a FROM t ORDER BY a"))).all()
        assert [r[0] for r in rows] == [1, 2]
        # Only the statement runs on the worker (not the fetch, nor the pool's rollback).
        assert trips == ["execute"]
        trips.clear()
        async with db.write() as conn:
            await conn.execute(text("INSERT INTO t VALUES (3)"))
        assert trips == ["execute", "commit"]
        async with db.read() as conn:
            rows = (await conn.execute(text("SELECT count(*) FROM t"))).all()
        assert rows[0][0] == 3
    finally:
        await db.dispose()
