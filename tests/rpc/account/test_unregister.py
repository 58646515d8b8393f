"""OurChatService.Unregister under both policies: the account, sessions, friends, requests."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from ourchat import details
from ourchat._pb.service.basic.v1.basic_pb2 import GetIdRequest
from ourchat._pb.service.ourchat.unregister.v1.unregister_pb2 import UnregisterRequest
from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage import sessions as session_store
from ourchat.storage.tables import contacts, friend_requests, friends, join_requests
from ourchat.storage.tables import session_invitations as invitations
from tests.helpers import PASSWORD, Stream, User, expect_error, make_group, public_key
from tests.rpc.account.common import NewUser, Q, account_info, insert_row, rows, set_self_info
from tests.rpc.auth.common import deps_of, user_row
from tests.rpc.friends.common import befriend, set_friend_info

Connect = Callable[[], OurChatClient]


async def unregister(user: User) -> None:
    """Unregister ``user`` through the API."""
    await user.client.call("Unregister", UnregisterRequest())


async def members(server: OurChatServer, session_id: int) -> dict[int, int] | None:
    """``{user_id: role_id}`` of a session, or None once the session is gone."""
    async with deps_of(server).db.read() as conn:
        if await session_store.get(conn, session_id) is None:
            return None
        return dict(await session_store.member_roles(conn, session_id))


async def test_disable_keeps_a_disabled_row(
    server: OurChatServer, connect: Connect, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    clock.advance(10)
    await unregister(alice)
    row = await user_row(server, alice.id)
    assert row is not None
    assert (row["account_status"], row["deleted_at"], row["update_time"]) == (
        1,
        clock.now_us(),
        clock.now_us(),
    )
    for call in (
        unregister(alice),
        set_self_info(alice, user_name="x"),
        account_info(alice, [Q.QUERY_VALUES_OCID]),
    ):
        await expect_error(call, grpc.StatusCode.UNAUTHENTICATED, details.ACCOUNT_DELETED)
    client = connect()
    await expect_error(
        client.login(PASSWORD, email=alice.email),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    assert (await client.call("GetId", GetIdRequest(ocid=alice.ocid))).id == alice.id
    # The address stays taken.
    await expect_error(
        client.register(alice.email, PASSWORD, "again", public_key()),
        grpc.StatusCode.ALREADY_EXISTS,
        details.USER_ALREADY_EXISTS,
    )


async def test_disable_leaves_every_session_and_keeps_friendships(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = deps_of(server)
    alice, bob, carol, dave = [await new_user(n) for n in ("alice", "bob", "carol", "dave")]
    shared = await make_group(
        deps, alice, carol, bob, roles=[PredefinedRole.OWNER, PredefinedRole.ADMIN]
    )
    alone = await make_group(deps, alice)
    private = await befriend(alice, dave)
    await set_friend_info(dave, alice.id, "Al")
    await unregister(alice)

    # Ownership passed on to the admin, as when an owner leaves.
    assert await members(server, shared) == {carol.id: PredefinedRole.OWNER, bob.id: 1}
    assert await members(server, alone) is None  # left empty, so deleted
    assert await members(server, private) == {dave.id: PredefinedRole.OWNER}
    assert len(await rows(server, friends, friends.c.session_id == private)) == 2
    info = await account_info(dave, [Q.QUERY_VALUES_FRIENDS, Q.QUERY_VALUES_SESSIONS])
    assert list(info.friends) == [alice.id]
    assert list(info.sessions) == [private]
    shown = await account_info(dave, [Q.QUERY_VALUES_DISPLAY_NAME], target=alice.id)
    assert shown.display_name == "Al"


async def test_disable_drops_pending_requests_from_and_to_the_account(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    deps = deps_of(server)
    alice, bob, carol = [await new_user(n) for n in ("alice", "bob", "carol")]
    group = await make_group(deps, bob)
    other_group = await make_group(deps, bob)
    now = clock.now_us()
    later = now + 10**9
    for inviter, invitee in ((alice, bob), (carol, alice), (bob, carol)):
        await insert_row(
            server,
            friend_requests,
            inviter_id=inviter.id,
            invitee_id=invitee.id,
            created_at=now,
            expires_at=later,
        )
    for session_id, inviter, invitee in (
        (group, bob, alice),
        (group, alice, carol),
        (other_group, bob, carol),
    ):
        await insert_row(
            server,
            invitations,
            session_id=session_id,
            inviter_id=inviter.id,
            invitee_id=invitee.id,
            created_at=now,
            expires_at=later,
        )
    for user in (alice, carol):
        await insert_row(
            server,
            join_requests,
            session_id=group,
            user_id=user.id,
            created_at=now,
            expires_at=later,
        )
    await unregister(alice)
    pairs = [(r["inviter_id"], r["invitee_id"]) for r in await rows(server, friend_requests)]
    assert pairs == [(bob.id, carol.id)]
    pairs = [(r["inviter_id"], r["invitee_id"]) for r in await rows(server, invitations)]
    assert pairs == [(bob.id, carol.id)]
    assert [r["user_id"] for r in await rows(server, join_requests)] == [carol.id]


async def test_delete_removes_the_account_and_what_hangs_on_it(
    server: OurChatServer, connect: Connect, new_user: NewUser
) -> None:
    deps = deps_of(server)
    deps.settings.unregister_policy = "delete"
    alice, bob, carol = [await new_user(n) for n in ("alice", "bob", "carol")]
    group = await make_group(
        deps, alice, bob, carol, roles=[PredefinedRole.OWNER, 1, PredefinedRole.ADMIN]
    )
    private = await befriend(alice, bob)
    await set_friend_info(bob, alice.id, "Al")
    await insert_row(
        server,
        friend_requests,
        inviter_id=alice.id,
        invitee_id=carol.id,
        created_at=0,
        expires_at=1,
    )
    await unregister(alice)

    assert await user_row(server, alice.id) is None
    await expect_error(
        account_info(alice, [Q.QUERY_VALUES_OCID]),
        grpc.StatusCode.UNAUTHENTICATED,
        details.USER_NOT_FOUND,
    )
    await expect_error(
        connect().login(PASSWORD, email=alice.email),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    # The admin became owner; the private session went with the friendship.
    assert await members(server, group) == {bob.id: 1, carol.id: PredefinedRole.OWNER}
    assert await members(server, private) is None
    assert await rows(server, friends) == []
    assert await rows(server, contacts) == []
    assert await rows(server, friend_requests) == []
    info = await account_info(bob, [Q.QUERY_VALUES_FRIENDS, Q.QUERY_VALUES_SESSIONS])
    assert (list(info.friends), list(info.sessions)) == ([], [group])
    # Address and ocid are free again.
    again = await connect().register(alice.email, PASSWORD, "again", public_key())
    assert again.id != alice.id
    await set_self_info(bob, ocid=alice.ocid)


async def test_nobody_is_notified(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    await make_group(deps_of(server), alice, bob)
    await befriend(alice, bob)
    stream = Stream(bob.client)
    try:
        before = len(await stream.settle(0.3))
        await unregister(alice)
        assert len(await stream.settle(0.3)) == before
        assert stream.error is None
    finally:
        await stream.close()
