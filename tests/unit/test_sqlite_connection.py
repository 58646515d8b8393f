"""SQLite connections: cursors are made and closed without a trip to the worker thread."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text

from ourchat.storage import sqlite_connection
from ourchat.storage.engine import Database


async def test_a_select_takes_two_worker_trips_and_a_write_commits(
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
        # execute and fetchall on the worker; then the rollback of the returned connection.
        assert trips == ["execute", "fetchall", "rollback"]
    finally:
        await db.dispose()
