"""The async engine for SQLite (aiosqlite, WAL) or PostgreSQL (asyncpg), and dialect quirks."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import Table, event, exc, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from ourchat.storage import sqlite_connection

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: A pooled PostgreSQL connection that sat unused for longer than this is checked with one
#: round trip before it is handed out (a dead one is replaced). One in steady use is not: if
#: the server went away meanwhile, that transaction fails and the pool drops every
#: connection opened before the failure.
PING_AFTER_IDLE_SECONDS = 2.0


def normalize_url(url: str) -> str:
    """Pick the async driver for a plain ``sqlite://`` or ``postgresql://`` URL."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


class Database:
    """One engine plus the rules for opening read and write transactions on it.

    SQLite allows one writer at a time; write transactions in this process queue on an
    asyncio lock instead of failing with ``database is locked``. PostgreSQL needs no lock.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 10,
        sqlite_synchronous: str = "NORMAL",
    ) -> None:
        self.url = normalize_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, Any] = {}
        if not self.is_sqlite:
            kwargs.update(pool_size=pool_size, max_overflow=max_overflow)
        else:
            parsed = make_url(self.url)
            file = parsed.database
            if file and not parsed.query and file != ":memory:" and not file.startswith("file:"):
                kwargs["async_creator"] = sqlite_connection.creator(file)
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        if self.is_sqlite:
            pragmas = _sqlite_pragmas(sqlite_synchronous)
            event.listen(self.engine.sync_engine, "connect", pragmas)
        else:
            _ping_when_idle(self.engine)

    @contextlib.asynccontextmanager
    async def writer_slot(self) -> AsyncIterator[None]:
        """Hold this process's turn to write (SQLite); a no-op on PostgreSQL."""
        if self._write_lock is None:
            yield
            return
        async with self._write_lock:
            yield

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that may write; committed on success, rolled back on error."""
        async with self.writer_slot(), self.engine.begin() as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction (never blocks writers on SQLite's WAL)."""
        async with self.engine.connect() as conn:
            yield conn

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Check a pooled connection before use only when it sat idle (see the constant)."""
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect

    def checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned <= PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = dialect.do_ping(dbapi_conn)
        except Exception:  # whatever the driver raises for a connection that is gone
            alive = False
        if not alive:
            # The pool discards this connection and checks out another.
            raise exc.DisconnectionError("pooled connection is gone")

    event.listen(sync_engine, "checkin", checkin)
    event.listen(sync_engine, "checkout", checkout)


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    """Connection set-up: WAL, foreign keys, a busy timeout and the chosen ``synchronous``.

    With WAL, ``NORMAL`` keeps every commit across a crash of the process; ``FULL`` also
    across a power loss, at the price of a disk flush per commit.
    """
    if synchronous.upper() not in ("NORMAL", "FULL"):
        raise ValueError(f"sqlite_synchronous must be NORMAL or FULL, not {synchronous!r}")

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    return on_connect


def upsert(conn: AsyncConnection, table: Table, keys: tuple[str, ...], **values: Any) -> Any:
    """An INSERT that, when a row with the same ``keys`` exists, overwrites its other ``values``.

    With no other values it leaves the existing row alone. Works on SQLite and PostgreSQL.
    """
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt: Any = dialect_insert(table).values(**values)
    updates = {k: stmt.excluded[k] for k in values if k not in keys}
    if not updates:
        return stmt.on_conflict_do_nothing(index_elements=list(keys))
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)


def greatest(conn: AsyncConnection, *values: Any) -> Any:
    """SQL for the largest of ``values`` (``max`` on SQLite, ``greatest`` on PostgreSQL)."""
    return greatest_in(conn.dialect.name, *values)


def greatest_in(dialect: str, *values: Any) -> Any:
    """:func:`greatest` for the dialect named ``dialect``."""
    return func.max(*values) if dialect == "sqlite" else func.greatest(*values)


def insert_if_absent(
    conn: AsyncConnection, table: Table, keys: tuple[str, ...], **values: Any
) -> Any:
    """An INSERT that does nothing when a row with the same ``keys`` exists."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt: Any = dialect_insert(table).values(**values)
    return stmt.on_conflict_do_nothing(index_elements=list(keys))
