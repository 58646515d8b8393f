"""SendMsg's batch storage on either database: states, rows, ids, times and live recipients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import pytest
from sqlalchemy import func, select

from ourchat.delivery.events import Audience
from ourchat.ids import Permission, PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage import events as stored_events
from ourchat.storage import restrictions, roles, send_batches
from ourchat.storage import sessions as session_store
from ourchat.storage.tables import events, mutes
from ourchat.storage.uow import unit_of_work
from tests.helpers import User, batch_messages, make_group

NewUser = Callable[..., Awaitable[User]]
MINUTE_US = 60_000_000


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


async def _stored_count(server: OurChatServer) -> int:
    """Events stored, as another connection sees them."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(events))).scalar_one())


@pytest.mark.parametrize("follow_up", [False, True])
async def test_on_postgresql_a_batch_with_nothing_to_follow_is_its_own_transaction(
    server: OurChatServer, new_user: NewUser, follow_up: bool
) -> None:
    deps = server.deps
    assert deps is not None
    if not deps.db.engine.url.get_backend_name().startswith("postgresql"):
        pytest.skip("PostgreSQL only: on SQLite a batch always commits with its unit of work")
    a, b = await new_user("a"), await new_user("b")
    ab = await make_group(deps, a, b)
    before = await _stored_count(server)
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        _, stored = await send_batches.check_and_store(
            tx, [(ab, a.id)], batch_messages, lambda states: follow_up
        )
        assert len(stored) == 1
        # Committed already, or only once the unit of work ends.
        assert tx.committed is not follow_up
        assert await _stored_count(server) == before + (0 if follow_up else 1)
    assert tx.committed
    assert await _stored_count(server) == before + 1


async def test_a_batch_is_stored_with_consecutive_ids_and_queued_for_the_members(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    a, b, c = await new_user("a"), await new_user("b"), await new_user("c")
    now = deps.clock.now_us()
    ab, ac = await make_group(deps, a, b), await make_group(deps, a, c)
    before = now

    def decide(states: send_batches.States) -> list[stored_events.NewEvent]:
        return batch_messages(states, copies=2, encrypted_in=ac)

    async with unit_of_work(deps.db, deps.bus, now) as tx:
        states, stored = await send_batches.check_and_store(
            tx, [(ab, a.id), (ac, a.id), (ab, c.id)], decide
        )
        queued = list(tx.events)
    assert set(states) == {(ab, a.id), (ac, a.id)}
    assert queued == stored
    first = stored[0].msg_id
    assert [e.msg_id for e in stored] == [first, first + 1, first + 2, first + 3]
    times = [e.time_us for e in stored]
    assert times == sorted(set(times))
    assert times[0] >= before
    assert [(e.payload, e.recipients) for e in stored] == [
        (f"{ab}:{a.id}:0".encode(), frozenset({a.id, b.id})),
        (f"{ab}:{a.id}:1".encode(), frozenset({a.id, b.id})),
        (f"{ac}:{a.id}:0".encode(), frozenset({a.id, c.id})),
        (f"{ac}:{a.id}:1".encode(), frozenset({a.id, c.id})),
    ]
    async with deps.db.read() as conn:
        rows = (
            await conn.execute(
                select(events).where(events.c.msg_id >= first).order_by(events.c.msg_id)
            )
        ).all()
    sessions = (ab, ab, ac, ac)
    assert [
        (r.msg_id, r.time, r.kind, bytes(r.payload), r.session_id, r.sender_id) for r in rows
    ] == [
        (e.msg_id, e.time_us, 5, e.payload, sid, a.id)
        for e, sid in zip(stored, sessions, strict=True)
    ]
    assert [r.is_encrypted for r in rows] == [False, False, True, True]
    assert {(r.audience, r.is_announcement) for r in rows} == {(int(Audience.SESSION), False)}
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        one_more = decide({(ab, b.id): states[(ab, a.id)]})[:1]
        [later] = await stored_events.store_many(tx, one_more)
    # The shared clock moved on: the next event, stored the ordinary way, follows.
    assert later.msg_id == first + 4
    assert later.time_us > times[-1]
