"""aiosqlite connections that skip the worker thread for calls that do no database work.

aiosqlite runs every call on the connection's worker thread and wakes the event loop when it
is done; SQLAlchemy makes three or four such calls per statement (make a cursor, execute, fetch
the rows, close the cursor). Each trip takes the GIL from the event loop twice and writes to
its wake-up pipe, and while the loop is busy the worker also waits for the GIL. Making and
closing a cursor touch no file and take microseconds, so :class:`Connection` runs them where
they are awaited; executing, fetching and committing stay on the worker thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite


def _no_database_work(fn: Callable[..., Any]) -> bool:
    owner = getattr(fn, "__self__", None)
    name = getattr(fn, "__name__", "")
    if name == "cursor":
        return isinstance(owner, sqlite3.Connection)
    return name == "close" and isinstance(owner, sqlite3.Cursor)


class Connection(aiosqlite.Connection):
    """An aiosqlite connection that makes and closes cursors on the caller's thread."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not _no_database_work(fn):
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def creator(path: str) -> Callable[[], Connection]:
    """An ``async_creator`` for SQLAlchemy: opens the file ``path`` as a :class:`Connection`."""

    def open_file() -> sqlite3.Connection:
        # Opened on the worker thread; cursors are also made and closed on the event loop's.
        return sqlite3.connect(path, check_same_thread=False)

    def create() -> Connection:
        connection = Connection(open_file, iter_chunk_size=64)
        connection._thread.daemon = True
        return connection

    return create
