"""SendMsg's batch storage: SQLite's one-trip SQL answers exactly what the SQLAlchemy path does."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import select

from ourchat.delivery.events import Audience
from ourchat.server.app import OurChatServer
from ourchat.storage import events as stored_events
from ourchat.storage import send_batches
from ourchat.storage.tables import events
from ourchat.storage.uow import unit_of_work
from tests.helpers import User, batch_messages, make_group

NewUser = Callable[..., Awaitable[User]]


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
        return batch_messages(states, encrypted_in=ac)

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
            _, stored = await send_batches.check_and_store(tx, [(session, a.id)], batch_messages)
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
