"""SendMsg's batch in storage: the senders' states, then the accepted messages stored.

:func:`check_and_store` reads what every send of a batch needs (:func:`sessions.sender_states`),
lets the caller decide which sends are accepted, and stores those as events
(:func:`events.store_many`), all inside the caller's transaction.

On SQLite the statements run as plain ``sqlite3`` statements in one go: on the event loop's
thread when the write lock is free at once, else in one call on the connection's worker
thread (:func:`sqlite_connection.run_unless_locked`). The commit stays on the worker thread,
as it may wait for the disk. Through SQLAlchemy and aiosqlite each statement was a trip to
that thread and back, plus SQLAlchemy's execution work around it: for a SendMsg, most of its
time. The SQL here is the same as the SQLAlchemy statements it stands for
(``tests/unit/test_send_batches.py`` compares the two on the same rows).

On PostgreSQL the states are read through SQLAlchemy; the ids, times and rows are then taken
and written by one plain asyncpg statement, and the members read by another: two round trips
where :func:`events.store_many` makes three, without SQLAlchemy's work around each.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite

from ourchat.delivery.events import Audience, Event
from ourchat.ids import Permission
from ourchat.storage import events as stored_events
from ourchat.storage import sessions as session_store
from ourchat.storage.engine import SQLITE_BUSY_TIMEOUT_MS
from ourchat.storage.sqlite_connection import run_unless_locked
from ourchat.storage.tables import saturate
from ourchat.storage.uow import Tx

Pair = tuple[int, int]
States = dict[Pair, session_store.SenderState]
#: Given the states of the batch's ``(session_id, sender_id)`` pairs, the events to store.
Decide = Callable[[States], Sequence[stored_events.NewEvent]]

_STATES_SQL = """
SELECT m.session_id, m.user_id, m.role_id,
    EXISTS (SELECT 1 FROM role_permissions AS p
        WHERE p.role_id = m.role_id AND p.permission_id = ?),
    EXISTS (SELECT 1 FROM mutes AS u
        WHERE u.session_id = m.session_id AND (u.user_id = m.user_id OR u.user_id IS NULL)
        AND (u.expires_at IS NULL OR u.expires_at > ?)),
    s.e2ee_on, s.room_key_time, s.leaving_to_process
FROM session_members AS m JOIN sessions AS s ON s.id = m.session_id
WHERE (m.session_id, m.user_id) IN (VALUES {pairs})
"""

_ALLOCATE_SQL = """
UPDATE event_clock SET last_id = last_id + ?1, last_time = max(last_time + ?1, ?2 + ?1 - 1)
WHERE id = 1 RETURNING last_id, last_time
"""

_INSERT_SQL = """
INSERT INTO events (msg_id, time, kind, payload, sender_id, session_id, audience,
    is_encrypted, is_announcement)
VALUES (:msg_id, :time, :kind, :payload, :sender_id, :session_id, :audience,
    :is_encrypted, :is_announcement)
"""

_MEMBERS_SQL = "SELECT session_id, user_id FROM session_members WHERE session_id IN ({ids})"

#: PostgreSQL: the ids and times, and the rows, in one statement ($1 count, $2 now, $3..$7 the
#: columns as arrays, $8 the audience).
_PG_STORE_SQL = """
WITH clock AS (
    UPDATE event_clock
    SET last_id = last_id + $1, last_time = greatest(last_time + $1, $2 + $1 - 1)
    WHERE id = 1
    RETURNING last_id, last_time
), stored AS (
    INSERT INTO events (msg_id, "time", kind, payload, sender_id, session_id, audience,
        is_encrypted, is_announcement)
    SELECT clock.last_id - $1 + r.n, clock.last_time - $1 + r.n, r.kind, r.payload,
        r.sender_id, r.session_id, $8, r.is_encrypted, false
    FROM clock, unnest($3::smallint[], $4::bytea[], $5::bigint[], $6::bigint[], $7::boolean[])
        WITH ORDINALITY AS r(kind, payload, sender_id, session_id, is_encrypted, n)
)
SELECT last_id, last_time FROM clock
"""

_PG_MEMBERS_SQL = "SELECT session_id, user_id FROM session_members WHERE session_id = ANY($1)"


async def check_and_store(
    tx: Tx, pairs: Sequence[Pair], decide: Decide
) -> tuple[States, list[Event]]:
    """The states of ``pairs``, and the events ``decide`` chose, stored and queued on ``tx``.

    ``decide`` may run on SQLite's worker thread, and more than once: it must only compute
    (no awaiting, no futures) and give the same answer each time. Only SESSION events may be
    returned.
    """
    if tx.conn.dialect.name == "postgresql":
        return await _on_postgres(tx, pairs, decide)
    driver = await _sqlite_driver(tx)
    if driver is None:
        states = await session_store.sender_states(tx.conn, pairs, tx.now_us)
        return states, await stored_events.store_many(tx, decide(states))
    wanted = list(dict.fromkeys(pairs))
    states, items, first_id, first_time, members = await run_unless_locked(
        driver,
        functools.partial(_in_one_go, pairs=wanted, now_us=tx.now_us, decide=decide),
        SQLITE_BUSY_TIMEOUT_MS,
    )
    if not items:
        return states, []
    return states, stored_events.queue_stored(tx, items, first_id, first_time, members)


async def _on_postgres(tx: Tx, pairs: Sequence[Pair], decide: Decide) -> tuple[States, list[Event]]:
    """States through SQLAlchemy (which opens the transaction), then two plain statements.

    The members are read in a statement of their own, after the one that took the
    ``event_clock`` row lock, so they include every membership committed before these ids.
    """
    states = await session_store.sender_states(tx.conn, pairs, tx.now_us)
    items = decide(states)
    if not items:
        return states, []
    if any(item.audience is not Audience.SESSION for item in items):
        raise ValueError("a send batch stores SESSION events only")
    if not pairs:  # SQLAlchemy ran no statement, so it has not begun the transaction
        return states, await stored_events.store_many(tx, items)
    raw = await tx.conn.get_raw_connection()
    driver: Any = raw.driver_connection
    count = len(items)
    last_id, last_time = await driver.fetchrow(
        _PG_STORE_SQL,
        count,
        tx.now_us,
        [item.kind for item in items],
        [item.payload for item in items],
        [item.sender_id for item in items],
        [item.session_id for item in items],
        [item.is_encrypted for item in items],
        int(Audience.SESSION),
    )
    session_ids = sorted({item.session_id for item in items if item.session_id is not None})
    members: dict[int, set[int]] = {sid: set() for sid in session_ids}
    for sid, uid in await driver.fetch(_PG_MEMBERS_SQL, session_ids):
        members[int(sid)].add(int(uid))
    first_id, first_time = int(last_id) - count + 1, int(last_time) - count + 1
    return states, stored_events.queue_stored(tx, items, first_id, first_time, members)


async def _sqlite_driver(tx: Tx) -> aiosqlite.Connection | None:
    if tx.conn.dialect.name != "sqlite":
        return None
    raw = await tx.conn.get_raw_connection()
    driver = raw.driver_connection
    return driver if isinstance(driver, aiosqlite.Connection) else None


def _in_one_go(
    db: sqlite3.Connection, pairs: list[Pair], now_us: int, decide: Decide
) -> tuple[States, Sequence[stored_events.NewEvent], int, int, dict[int, set[int]]]:
    """States, the caller's decision, then the inserts (on one thread, in one go)."""
    states = _states(db, pairs, now_us) if pairs else {}
    items = decide(states)
    if not items:
        return states, items, 0, 0, {}
    if any(item.audience is not Audience.SESSION for item in items):
        raise ValueError("a send batch stores SESSION events only")
    count = len(items)
    last_id, last_time = db.execute(_ALLOCATE_SQL, (count, now_us)).fetchone()
    first_id, first_time = int(last_id) - count + 1, int(last_time) - count + 1
    db.executemany(_INSERT_SQL, stored_events.event_rows(items, first_id, first_time))
    session_ids = sorted({item.session_id for item in items if item.session_id is not None})
    members: dict[int, set[int]] = {sid: set() for sid in session_ids}
    rows = db.execute(_MEMBERS_SQL.format(ids=", ".join("?" * len(session_ids))), session_ids)
    for sid, uid in rows:
        members[int(sid)].add(int(uid))
    return states, items, first_id, first_time, members


def _states(db: sqlite3.Connection, pairs: list[Pair], now_us: int) -> States:
    params: list[Any] = [int(Permission.SEND_MSG), now_us]
    for session_id, user_id in pairs:
        params += (saturate(session_id), saturate(user_id))
    return {
        (int(r[0]), int(r[1])): session_store.SenderState(
            int(r[2]), bool(r[3]), bool(r[4]), bool(r[5]), int(r[6]), bool(r[7])
        )
        for r in db.execute(_states_sql(len(pairs)), params)
    }


@functools.lru_cache(maxsize=512)
def _states_sql(count: int) -> str:
    return _STATES_SQL.format(pairs=", ".join(["(?, ?)"] * count))
