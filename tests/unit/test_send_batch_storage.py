"""SendMsg's batch storage on either database: rows, ids, times and live recipients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select

from ourchat.delivery.events import Audience
from ourchat.server.app import OurChatServer
from ourchat.storage import events as stored_events
from ourchat.storage import send_batches
from ourchat.storage.tables import events
from ourchat.storage.uow import unit_of_work
from tests.helpers import User, make_group

NewUser = Callable[..., Awaitable[User]]


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
        return [
            stored_events.NewEvent(
                kind=5,
                payload=f"{sid}:{uid}:{n}".encode(),
                audience=Audience.SESSION,
                sender_id=uid,
                session_id=sid,
                is_encrypted=sid == ac,
            )
            for sid, uid in sorted(states)
            for n in range(2)
        ]

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
