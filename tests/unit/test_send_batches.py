"""SendMsg's batch storage: SQLite's one-trip SQL answers exactly what the SQLAlchemy path does."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import select

from ourchat.delivery.events import Audience
from ourchat.ids import Permission, PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage import events as stored_events
from ourchat.storage import restrictions, roles, send_batches
from ourchat.storage import sessions as session_store
from ourchat.storage.tables import events, mutes
from ourchat.storage.uow import unit_of_work
from tests.helpers import User, make_group

NewUser = Callable[..., Awaitable[User]]
MINUTE_US = 60_000_000


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: the one-trip path is SQLite's."""
    return f"sqlite+aiosqlite:///{tmp_path / 'ourchat.db'}"


def _count_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the name of every function aiosqlite sends to a worker thread."""
    trips: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
        trips.append(getattr(getattr(fn, "func", fn), "__name__", "?"))
        return await original(self, fn, *args)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return trips


def _nothing(states: send_batches.States) -> Sequence[stored_events.NewEvent]:
    return []


async def test_sender_states_match_the_sqlalchemy_query(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    users = [await new_user(f"u{i}") for i in range(6)]
    now = deps.clock.now_us()
    plain, muted_all, encrypted = 9001, 9002, 9003
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        conn = tx.conn
        for sid in (plain, muted_all, encrypted):
            await session_store.create(conn, session_id=sid, now_us=now, name=str(sid))
        silent = await roles.create(
            conn,
            session_id=plain,
            creator_id=users[0].id,
            name="silent",
            description=None,
            permission_ids=[int(Permission.RECALL_OTHER_MSG)],
        )
        await session_store.add_member(conn, plain, users[0].id, PredefinedRole.OWNER, now)
        await session_store.add_member(conn, plain, users[1].id, PredefinedRole.MEMBER, now)
        await session_store.add_member(conn, plain, users[2].id, silent, now)
        await session_store.add_member(conn, plain, users[3].id, PredefinedRole.MEMBER, now)
        await session_store.add_member(conn, plain, users[4].id, PredefinedRole.MEMBER, now)
        await restrictions.place(conn, mutes, plain, users[3].id, now, None)
        await restrictions.place(conn, mutes, plain, users[4].id, now - 2 * MINUTE_US, now - 1)
        await session_store.add_member(conn, muted_all, users[0].id, PredefinedRole.OWNER, now)
        await restrictions.place(conn, mutes, muted_all, None, now, now + MINUTE_US)
        await session_store.add_member(conn, encrypted, users[5].id, PredefinedRole.MEMBER, now)
        await session_store.switch_e2ee(conn, encrypted, True, now)
    pairs = [(plain, u.id) for u in users]  # users[5] is no member of `plain`
    pairs += [(muted_all, users[0].id), (encrypted, users[5].id), (plain, users[1].id)]
    pairs += [(2**64 - 1, users[0].id), (plain, 2**63)]
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        expected = await session_store.sender_states(tx.conn, pairs, now)
        got, stored = await send_batches.check_and_store(tx, pairs, _nothing)
    assert stored == []
    assert got == expected
    assert set(got) == {
        (plain, users[0].id),
        (plain, users[1].id),
        (plain, users[2].id),
        (plain, users[3].id),
        (plain, users[4].id),
        (muted_all, users[0].id),
        (encrypted, users[5].id),
    }
    assert [got[(plain, u.id)].can_send for u in users[:5]] == [True, True, False, True, True]
    assert [got[(plain, u.id)].muted for u in users[:5]] == [False, False, False, True, False]
    assert got[(muted_all, users[0].id)].muted
    assert got[(encrypted, users[5].id)].e2ee_on
    assert got[(encrypted, users[5].id)].room_key_time == now


async def test_accepted_sends_are_stored_in_one_go_and_queued_for_the_members(
    server: OurChatServer, new_user: NewUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    deps = server.deps
    assert deps is not None
    a, b, c = await new_user("a"), await new_user("b"), await new_user("c")
    now = deps.clock.now_us()
    ab, ac = await make_group(deps, a, b), await make_group(deps, a, c)
    trips = _count_trips(monkeypatch)

    def decide(states: send_batches.States) -> list[stored_events.NewEvent]:
        return [
            stored_events.NewEvent(
                kind=5,
                payload=f"{sid}:{uid}".encode(),
                audience=Audience.SESSION,
                sender_id=uid,
                session_id=sid,
                is_encrypted=sid == ac,
            )
            for sid, uid in states
        ]

    async with unit_of_work(deps.db, deps.bus, now) as tx:
        states, stored = await send_batches.check_and_store(
            tx, [(ab, a.id), (ac, a.id), (ab, c.id)], decide
        )
        queued = list(tx.events)
    # The statements ran right on the event loop's thread; only the commit took a trip.
    # (Other trips may be the server's own background reads.)
    assert "_in_one_go" not in trips
    assert "commit" in trips
    assert set(states) == {(ab, a.id), (ac, a.id)}
    assert queued == stored
    assert [e.msg_id for e in stored] == [stored[0].msg_id, stored[0].msg_id + 1]
    assert stored[1].time_us > stored[0].time_us >= now
    assert {e.payload: e.recipients for e in stored} == {
        f"{ab}:{a.id}".encode(): frozenset({a.id, b.id}),
        f"{ac}:{a.id}".encode(): frozenset({a.id, c.id}),
    }
    async with deps.db.read() as conn:
        rows = (
            await conn.execute(
                select(events).where(events.c.msg_id.in_([e.msg_id for e in stored]))
            )
        ).all()
    assert sorted((r.msg_id, r.time, r.session_id, r.sender_id, r.is_encrypted) for r in rows) == [
        (stored[0].msg_id, stored[0].time_us, ab, a.id, False),
        (stored[1].msg_id, stored[1].time_us, ac, a.id, True),
    ]
    assert all(r.audience == int(Audience.SESSION) and r.kind == 5 for r in rows)


async def test_while_another_process_holds_the_write_lock_the_batch_waits_on_the_worker(
    server: OurChatServer, new_user: NewUser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deps = server.deps
    assert deps is not None
    a, b = await new_user("a"), await new_user("b")
    now = deps.clock.now_us()
    session = await make_group(deps, a, b)
    trips = _count_trips(monkeypatch)

    def decide(states: send_batches.States) -> list[stored_events.NewEvent]:
        return [
            stored_events.NewEvent(
                kind=5, payload=b"m", audience=Audience.SESSION, sender_id=uid, session_id=sid
            )
            for sid, uid in states
        ]

    other = sqlite3.connect(tmp_path / "ourchat.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's write transaction
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, other.execute, "ROLLBACK")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(tick())
    try:
        async with unit_of_work(deps.db, deps.bus, now) as tx:
            _, stored = await send_batches.check_and_store(tx, [(session, a.id)], decide)
    finally:
        ticking.cancel()
        other.close()
    assert trips.count("_in_one_go") == 1
    assert "commit" in trips
    assert [e.recipients for e in stored] == [frozenset({a.id, b.id})]
    assert ticks >= 20  # the event loop went on while the worker waited for the lock
    async with deps.db.read() as conn:
        found = (
            await conn.execute(
                select(events.c.sender_id).where(events.c.msg_id == stored[0].msg_id)
            )
        ).all()
    assert [r[0] for r in found] == [a.id]
