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

On PostgreSQL the states are read by one plain asyncpg statement, and the ids, times, rows
and members taken, written and read by one call of a function (migration 0009). When nothing
else is written in the transaction, that call is its own transaction: two round trips for a
batch, where BEGIN, the states, :func:`events.store_many`'s three statements and COMMIT made
six, each with SQLAlchemy's work around it.
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
#: Given the same states, whether the caller writes more in the transaction afterwards.
FollowUp = Callable[[States], bool]

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

#: PostgreSQL: the same states as ``_STATES_SQL`` ($1 permission, $2 now, $3 and $4 the
#: pairs' session and user ids as arrays).
_PG_STATES_SQL = """
SELECT m.session_id, m.user_id, m.role_id,
    EXISTS (SELECT 1 FROM role_permissions AS p
        WHERE p.role_id = m.role_id AND p.permission_id = $1),
    EXISTS (SELECT 1 FROM mutes AS u
        WHERE u.session_id = m.session_id AND (u.user_id = m.user_id OR u.user_id IS NULL)
        AND (u.expires_at IS NULL OR u.expires_at > $2)),
    s.e2ee_on, s.room_key_time, s.leaving_to_process
FROM unnest($3::bigint[], $4::bigint[]) AS w(session_id, user_id)
JOIN session_members AS m ON m.session_id = w.session_id AND m.user_id = w.user_id
JOIN sessions AS s ON s.id = m.session_id
"""

#: PostgreSQL: ids, times, rows and members in one call (migration 0009).
_PG_STORE_SQL = "SELECT * FROM ourchat_store_session_events($1, $2, $3, $4, $5, $6, $7)"


async def check_and_store(
    tx: Tx, pairs: Sequence[Pair], decide: Decide, follow_up: FollowUp | None = None
) -> tuple[States, list[Event]]:
    """The states of ``pairs``, and the events ``decide`` chose, stored and queued on ``tx``.

    ``decide`` may run on SQLite's worker thread, and more than once: it must only compute
    (no awaiting, no futures) and give the same answer each time. Only SESSION events may be
    returned.

    ``follow_up`` tells, from the states, whether the caller writes more in this transaction.
    On PostgreSQL, when it does not and ``tx`` has not begun, the events are stored and
    committed in one round trip and ``tx.committed`` is set: nothing the caller does after
    that is undone.
    """
    if tx.conn.dialect.name == "postgresql":
        return await _on_postgres(tx, pairs, decide, follow_up)
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


async def _on_postgres(
    tx: Tx, pairs: Sequence[Pair], decide: Decide, follow_up: FollowUp | None
) -> tuple[States, list[Event]]:
    """Two plain asyncpg statements: the states, then one call that stores the events.

    Read Committed gives each statement its own snapshot, inside a transaction or not, so
    the states read before the transaction begins are what they would be inside it.
    """
    raw = await tx.conn.get_raw_connection()
    driver: Any = raw.driver_connection
    wanted = list(dict.fromkeys(pairs))
    states = await _pg_states(driver, wanted, tx.now_us) if wanted else {}
    items = decide(states)
    if not items:
        return states, []
    if any(item.audience is not Audience.SESSION for item in items):
        raise ValueError("a send batch stores SESSION events only")
    args = (
        tx.now_us,
        [item.kind for item in items],
        [item.payload for item in items],
        [item.sender_id for item in items],
        [item.session_id for item in items],
        [item.is_encrypted for item in items],
        int(Audience.SESSION),
    )
    begun = driver.is_in_transaction()
    rows: list[Any]
    if not begun and follow_up is not None and follow_up(states):
        # Through SQLAlchemy, which begins the transaction the caller goes on writing in.
        rows = list(await tx.conn.exec_driver_sql(_PG_STORE_SQL, args))
    else:
        rows = await driver.fetch(_PG_STORE_SQL, *args)
        if not begun:
            tx.committed = True  # the call was a transaction of its own
    session_ids = {item.session_id for item in items if item.session_id is not None}
    members: dict[int, set[int]] = {sid: set() for sid in session_ids}
    last_id, last_time = int(rows[0][0]), int(rows[0][1])
    for row in rows:
        if row[2] is not None:
            members[int(row[2])].add(int(row[3]))
    count = len(items)
    first_id, first_time = last_id - count + 1, last_time - count + 1
    return states, stored_events.queue_stored(tx, items, first_id, first_time, members)


async def _pg_states(driver: Any, pairs: list[Pair], now_us: int) -> States:
    rows = await driver.fetch(
        _PG_STATES_SQL,
        int(Permission.SEND_MSG),
        now_us,
        [saturate(session_id) for session_id, _ in pairs],
        [saturate(user_id) for _, user_id in pairs],
    )
    return {
        (int(r[0]), int(r[1])): session_store.SenderState(
            int(r[2]), bool(r[3]), bool(r[4]), bool(r[5]), int(r[6]), bool(r[7])
        )
        for r in rows
    }


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
