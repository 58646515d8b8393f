"""SendMsg: who may send, limits, and who receives the message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from ourchat import details
from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from ourchat.storage import restrictions
from tests.helpers import Stream, User, expect_error, kinds, make_group

NewUser = Callable[..., Awaitable[User]]


async def test_message_reaches_every_member_including_sender_and_nobody_else(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session = await make_group(server.deps, alice, bob)
    streams = [Stream(u.client) for u in (alice, bob, carol)]
    sent = await alice.client.send_msg(session, "hello **bob**", involved_files=[])
    got_alice, got_bob = await streams[0].wait_for(1), await streams[1].wait_for(1)
    for got in (got_alice, got_bob):
        [event] = got
        assert event.msg_id == sent.msg_id  # type: ignore[attr-defined]
        assert event.time == sent.time  # type: ignore[attr-defined]
        msg = event.msg  # type: ignore[attr-defined]
        assert (msg.session_id, msg.sender_id, msg.markdown_text) == (
            session,
            alice.id,
            "hello **bob**",
        )
        assert not msg.is_encrypted
    assert await streams[2].settle() == []
    for s in streams:
        await s.close()


async def test_non_member_cannot_send(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice, bob, eve = await new_user("alice"), await new_user("bob"), await new_user("eve")
    session = await make_group(server.deps, alice, bob)
    await expect_error(
        eve.client.send_msg(session, "hi"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_NOT_IN_SESSION,
    )
    await expect_error(
        eve.client.send_msg(0, "hi"), grpc.StatusCode.PERMISSION_DENIED, details.USER_NOT_IN_SESSION
    )


async def test_limits_on_text_and_files(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice = await new_user("alice")
    session = await make_group(server.deps, alice)
    await alice.client.send_msg(session, "x" * 16 * 1024)
    await expect_error(
        alice.client.send_msg(session, "x" * (16 * 1024 + 1)),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    await expect_error(
        alice.client.send_msg(session, "é" * (8 * 1024 + 1)),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    await expect_error(
        alice.client.send_msg(session, "files", involved_files=[f"k{i}" for i in range(33)]),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )


async def test_encrypted_message_needs_e2ee_session(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice = await new_user("alice")
    session = await make_group(server.deps, alice)
    await expect_error(
        alice.client.send_msg(session, "secret", is_encrypted=True),
        grpc.StatusCode.PERMISSION_DENIED,
        details.E2EE_NOT_ON,
    )


async def test_role_without_send_permission_cannot_send(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(deps, alice, bob)
    from sqlalchemy import insert, update

    from ourchat.storage.tables import roles, session_members

    async with deps.db.write() as conn:
        result = await conn.execute(
            insert(roles).values(name="reader", session_id=session).returning(roles.c.id)
        )
        role_id = result.scalar_one()
        await conn.execute(
            update(session_members)
            .where(session_members.c.user_id == bob.id)
            .values(role_id=role_id)
        )
    await expect_error(
        bob.client.send_msg(session, "hi"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )


async def test_muted_member_cannot_send_until_the_mute_expires(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    deps = server.deps
    assert deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(deps, alice, bob)
    async with deps.db.write() as conn:
        await restrictions.place(
            conn, restrictions.mutes, session, bob.id, clock.now_us(), clock.now_us() + 60_000_000
        )
    await expect_error(
        bob.client.send_msg(session, "hi"), grpc.StatusCode.PERMISSION_DENIED, details.USER_MUTED
    )
    await alice.client.send_msg(session, "alice still can")
    clock.advance(59)
    await expect_error(
        bob.client.send_msg(session, "hi"), grpc.StatusCode.PERMISSION_DENIED, details.USER_MUTED
    )
    clock.advance(1)
    await bob.client.send_msg(session, "free again")
    async with deps.db.write() as conn:
        await restrictions.place(conn, restrictions.mutes, session, None, clock.now_us(), None)
    for user in (alice, bob):
        await expect_error(
            user.client.send_msg(session, "hi"),
            grpc.StatusCode.PERMISSION_DENIED,
            details.USER_MUTED,
        )


async def test_newcomer_does_not_see_earlier_history(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(deps, alice)
    await alice.client.send_msg(session, "before bob")
    from ourchat.domain import membership
    from ourchat.storage.uow import unit_of_work

    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await membership.join(tx, session, bob.id)
    after = await alice.client.send_msg(session, "after bob")
    stream = Stream(bob.client)
    events = await stream.wait_for(1)
    assert [e.msg.markdown_text for e in events] == ["after bob"]  # type: ignore[attr-defined]
    assert kinds(events) == ["msg"]
    assert events[0].msg_id == after.msg_id  # type: ignore[attr-defined]
    await stream.close()


async def test_concurrent_sends_are_judged_one_by_one(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    """Sends committed together still succeed or fail on their own."""
    import asyncio

    from ourchat.client import OurChatRpcError

    deps = server.deps
    assert deps is not None
    alice, bob, muted, eve = (
        await new_user("alice"),
        await new_user("bob"),
        await new_user("muted"),
        await new_user("eve"),
    )
    session = await make_group(deps, alice, bob, muted)
    async with deps.db.write() as conn:
        await restrictions.place(conn, restrictions.mutes, session, muted.id, clock.now_us(), None)
    stream = Stream(bob.client)
    calls = []
    for i in range(10):
        calls += [
            alice.client.send_msg(session, f"a{i}"),
            eve.client.send_msg(session, f"e{i}"),
            muted.client.send_msg(session, f"m{i}"),
            bob.client.send_msg(session, f"b{i}"),
        ]
    results = await asyncio.gather(*calls, return_exceptions=True)
    accepted = [r.msg_id for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(accepted) == 20
    assert len(set(accepted)) == 20
    assert sorted((e.code, e.detail) for e in refused if isinstance(e, OurChatRpcError)) == sorted(
        [(grpc.StatusCode.PERMISSION_DENIED, details.USER_NOT_IN_SESSION)] * 10
        + [(grpc.StatusCode.PERMISSION_DENIED, details.USER_MUTED)] * 10
    )
    received = await stream.wait_for(20)
    assert sorted(e.msg_id for e in await stream.settle()) == sorted(accepted)  # type: ignore[attr-defined]
    assert {e.msg.sender_id for e in received} == {alice.id, bob.id}  # type: ignore[attr-defined]
    await stream.close()
