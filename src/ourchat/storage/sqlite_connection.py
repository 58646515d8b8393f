"""aiosqlite connections that take the worker thread only for executing and committing.

aiosqlite runs every call on the connection's worker thread and wakes the event loop when it
is done; SQLAlchemy makes three or four such calls per statement (make a cursor, execute, fetch
the rows, close the cursor) and one more when a connection goes back to the pool (rollback).
Each trip wakes the worker, hands the GIL over and back and writes to the loop's wake-up pipe;
on a busy machine that costs more than the call itself. :class:`Connection` runs the calls
that wait for no lock and no disk where they are awaited: making and closing a cursor, reading
the rows of a statement already executed (sqlite3 builds them holding the GIL anyway), and
rolling back (which only releases locks). Executing a statement, which may wait for the write
lock or the disk, and committing stay on the worker thread.

Code that runs several plain ``sqlite3`` statements at once (SendMsg's batch) uses
:func:`run_on_worker`, one trip for all of them, or :func:`run_unless_locked`, no trip at all
unless the write lock is taken.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")

#: Calls that need no trip to the worker thread, by the class of the object they are made on.
_INLINE = {
    sqlite3.Connection: frozenset({"cursor", "rollback"}),
    sqlite3.Cursor: frozenset({"close", "fetchall", "fetchone", "fetchmany"}),
}


def _runs_inline(fn: Callable[..., Any]) -> bool:
    names = _INLINE.get(type(getattr(fn, "__self__", None)))
    return names is not None and getattr(fn, "__name__", "") in names


class Connection(aiosqlite.Connection):
    """An aiosqlite connection that runs the calls in ``_INLINE`` on the caller's thread."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not _runs_inline(fn):
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def creator(path: str) -> Callable[[], Connection]:
    """An ``async_creator`` for SQLAlchemy: opens the file ``path`` as a :class:`Connection`."""

    def open_file() -> sqlite3.Connection:
        # Opened on the worker thread, also used from the event loop's (``_INLINE``).
        return sqlite3.connect(path, check_same_thread=False)

    def create() -> Connection:
        connection = Connection(open_file, iter_chunk_size=64)
        connection._thread.daemon = True
        return connection

    return create


async def run_on_worker(driver: aiosqlite.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``fn`` with the ``sqlite3`` connection of ``driver`` on its worker thread, in one trip.

    ``fn`` may run several statements; it shares the connection's transaction.
    """
    result: T = await driver._execute(fn, driver._conn)  # type: ignore[no-untyped-call]
    return result


async def run_unless_locked(
    driver: aiosqlite.Connection, fn: Callable[[sqlite3.Connection], T], busy_timeout_ms: int
) -> T:
    """Run ``fn`` with the ``sqlite3`` connection of ``driver`` right here, if it need not wait.

    ``fn``'s statements run on the caller's thread, with no trip to the worker, when the
    connection has not written in this transaction yet and the database's write lock is
    free at once. When another connection (another process) holds that lock, ``fn``'s
    statements are undone and ``fn`` runs again on the worker thread, which may wait for the
    lock up to ``busy_timeout_ms`` without holding up the event loop. ``fn`` must therefore
    give the same result when run twice, and must not commit.
    """
    db = driver._conn
    if db.in_transaction:
        return await run_on_worker(driver, fn)
    db.execute("PRAGMA busy_timeout=0")
    try:
        return fn(db)
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        if db.in_transaction:
            db.rollback()
    finally:
        db.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    return await run_on_worker(driver, fn)
