"""E2eeizeSession, Dee2eeizeSession, SendRoomKey and when the room key rotates (§15, §18)."""

from __future__ import annotations

import grpc
import pytest
from sqlalchemy import select, update

from ourchat import details
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import (
    FAILED_REASON_MEMBER_NOT_FOUND,
)
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import event_recipients, events, sessions, users
from tests.helpers import User, expect_error, make_group, public_key
from tests.rpc.session.flows import (
    MESSAGE,
    NewUser,
    collect,
    leave,
    live,
    of_kind,
    replay,
    replays,
    rows,
)

UPDATE = "update_room_key"
SEND = "send_room_key"
RECEIVE = "receive_room_key"
DAY_S = 24 * 3600
KEY_DURATION_S = 3600


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Room keys that age within a token's lifetime."""
    return settings.model_copy(update={"room_key_duration_seconds": KEY_DURATION_S})


async def _group(server: OurChatServer, *members: User, e2ee: bool = False) -> int:
    """A group (first member owner, second admin, the rest members), e2ee on if asked."""
    assert server.deps is not None
    roles = [PredefinedRole.OWNER, PredefinedRole.ADMIN][: len(members)]
    session_id = await make_group(server.deps, *members, roles=roles)
    if e2ee:
        await members[0].client.e2eeize_session(session_id=session_id)
    return session_id


async def _e2ee_on(server: OurChatServer, session_id: int) -> bool:
    [row] = await rows(server, sessions, sessions.c.id == session_id)
    return bool(row["e2ee_on"])


async def _rotation_rows(server: OurChatServer, session_id: int) -> list[tuple[int, int, int]]:
    """``(kind, sender_id or 0, recipient)`` of the stored key events of a session."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        result = await conn.execute(
            select(events.c.kind, events.c.sender_id, event_recipients.c.user_id)
            .join_from(events, event_recipients, event_recipients.c.msg_id == events.c.msg_id)
            .where(events.c.session_id == session_id, events.c.kind.in_([12, 13, 14]))
            .order_by(events.c.msg_id)
        )
        return [(int(k), int(s or 0), int(u)) for k, s, u in result]


async def test_e2eeize_and_dee2eeize_refusals(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob, carol, outsider = (
        await new_user("alice"),
        await new_user("bob"),
        await new_user("carol"),
        await new_user("out"),
    )
    session_id = await _group(server, alice, bob, carol)
    for method in ("e2eeize_session", "dee2eeize_session"):
        for unknown in (999, 2**64 - 1):
            await expect_error(
                getattr(alice.client, method)(session_id=unknown),
                grpc.StatusCode.NOT_FOUND,
                details.SESSION_NOT_FOUND,
            )
        await expect_error(
            getattr(outsider.client, method)(session_id=session_id),
            grpc.StatusCode.NOT_FOUND,
            details.USER_NOT_IN_SESSION,
        )
        # A plain member lacks permission 14; so does an admin.
        for user in (carol, bob):
            await expect_error(
                getattr(user.client, method)(session_id=session_id),
                grpc.StatusCode.PERMISSION_DENIED,
                details.PERMISSION_DENIED,
            )
    await expect_error(
        alice.client.dee2eeize_session(session_id=session_id),
        grpc.StatusCode.ALREADY_EXISTS,
        details.SESSION_ALREADY_DEE2EEIZED,
    )
    await alice.client.e2eeize_session(session_id=session_id)
    await expect_error(
        alice.client.e2eeize_session(session_id=session_id),
        grpc.StatusCode.ALREADY_EXISTS,
        details.SESSION_ALREADY_E2EEIZED,
    )
    assert await _e2ee_on(server, session_id)
    assert len(await _rotation_rows(server, session_id)) == 3


async def test_e2eeize_asks_only_the_caller_for_a_key(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await _group(server, alice, bob, carol)
    streams = [await live(server, u) for u in (alice, bob, carol)]
    try:
        await expect_error(
            alice.client.send_msg(session_id, "c2VjcmV0", is_encrypted=True),
            grpc.StatusCode.PERMISSION_DENIED,
            details.E2EE_NOT_ON,
        )
        await alice.client.e2eeize_session(session_id=session_id)
        assert await _e2ee_on(server, session_id)
        [update] = await collect(streams[0], UPDATE, 1)
        assert update.update_room_key.session_id == session_id
        wanted = await collect(streams[0], SEND, 2)
        assert [(w.send_room_key.session_id, w.send_room_key.sender) for w in wanted] == [
            (session_id, bob.id),
            (session_id, carol.id),
        ]
        assert all(w.send_room_key.public_key == public_key() for w in wanted)
        assert update.msg_id < wanted[0].msg_id < wanted[1].msg_id
        for stream in streams[1:]:
            got = await stream.settle(0.1)
            assert of_kind(got, UPDATE) == of_kind(got, SEND) == []
    finally:
        for stream in streams:
            await stream.close()
    # Replay shows the request to the caller only.
    await replays(UPDATE, [(alice, 1), (bob, 0), (carol, 0)])
    await replays(SEND, [(alice, 2), (bob, 0), (carol, 0)])
    # Encrypted messages are accepted now, and plaintext ones still are (official clients).
    await alice.client.send_msg(session_id, "c2VjcmV0", is_encrypted=True)
    await bob.client.send_msg(session_id, "plain words")
    messages = await replay(carol, MESSAGE, 2)
    assert [(m.msg.markdown_text, m.msg.is_encrypted) for m in messages] == [
        ("c2VjcmV0", True),
        ("plain words", False),
    ]


async def test_dee2eeize_turns_encryption_off_without_an_event(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    session_id = await _group(server, alice, bob, e2ee=True)
    before = await _rotation_rows(server, session_id)
    await alice.client.dee2eeize_session(session_id=session_id)
    assert not await _e2ee_on(server, session_id)
    await expect_error(
        bob.client.send_msg(session_id, "c2VjcmV0", is_encrypted=True),
        grpc.StatusCode.PERMISSION_DENIED,
        details.E2EE_NOT_ON,
    )
    await bob.client.send_msg(session_id, "plain again")
    # Off again, a leave followed by a message asks nobody for a key.
    await leave(bob, session_id)
    await alice.client.send_msg(session_id, "still plain")
    assert await _rotation_rows(server, session_id) == before
    await expect_error(
        alice.client.send_room_key(session_id=session_id, user_id=alice.id, room_key=b"k"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.E2EE_NOT_ON,
    )


async def test_send_room_key_refusals(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob, outsider = await new_user("alice"), await new_user("bob"), await new_user("out")
    plain = await _group(server, alice, bob)
    session_id = await _group(server, alice, bob, e2ee=True)
    await expect_error(
        alice.client.send_room_key(session_id=999, user_id=bob.id, room_key=b"k"),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_NOT_FOUND,
    )
    await expect_error(
        alice.client.send_room_key(session_id=2**63, user_id=bob.id, room_key=b"k"),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_NOT_FOUND,
    )
    await expect_error(
        outsider.client.send_room_key(session_id=session_id, user_id=bob.id, room_key=b"k"),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_IN_SESSION,
    )
    await expect_error(
        alice.client.send_room_key(session_id=plain, user_id=bob.id, room_key=b"k"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.E2EE_NOT_ON,
    )
    for bad in (b"", b"k" * 4097):
        await expect_error(
            alice.client.send_room_key(session_id=session_id, user_id=bob.id, room_key=bad),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.REQUEST_INVALID_VALUE,
        )
    before = await _rotation_rows(server, session_id)
    for target in (outsider.id, 424242, 2**64 - 1):
        response = await alice.client.send_room_key(
            session_id=session_id, user_id=target, room_key=b"k"
        )
        assert response.HasField("failed_member")
        assert (response.failed_member.id, response.failed_member.reason) == (
            target,
            FAILED_REASON_MEMBER_NOT_FOUND,
        )
    assert await _rotation_rows(server, session_id) == before
    await replays(RECEIVE, [(outsider, 0), (alice, 0), (bob, 0)])


async def test_a_room_key_reaches_its_target_only(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await _group(server, alice, bob, carol, e2ee=True)
    streams = [await live(server, u) for u in (alice, bob, carol)]
    try:
        response = await alice.client.send_room_key(
            session_id=session_id, user_id=bob.id, room_key=b"wrapped for bob"
        )
        assert not response.HasField("failed_member")
        [got] = await collect(streams[1], RECEIVE, 1)
        assert (
            got.receive_room_key.session_id,
            got.receive_room_key.user_id,
            got.receive_room_key.room_key,
        ) == (session_id, alice.id, b"wrapped for bob")
        for other in (streams[0], streams[2]):
            assert of_kind(await other.settle(0.1), RECEIVE) == []
    finally:
        for stream in streams:
            await stream.close()
    [again] = (await replays(RECEIVE, [(bob, 1), (alice, 0), (carol, 0)]))[0]
    assert (again.msg_id, again.receive_room_key.room_key) == (got.msg_id, b"wrapped for bob")
    # A member may hand a key to themselves (our SDK keeps its own keys that way).
    await carol.client.send_room_key(session_id=session_id, user_id=carol.id, room_key=b"mine")
    await replays(RECEIVE, [(carol, 1)])


async def test_a_leave_rotates_the_key_on_the_next_message(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await _group(server, alice, bob, carol, e2ee=True)
    await alice.client.send_msg(session_id, "before")
    after_e2eeize = await _rotation_rows(server, session_id)
    assert len(after_e2eeize) == 3
    await leave(carol, session_id)
    # Leaving asks nobody yet: the leaver cannot make the key.
    assert await _rotation_rows(server, session_id) == after_e2eeize
    stream = await live(server, bob)
    try:
        sent = await bob.client.send_msg(session_id, "first after the leave")
        [update] = await collect(stream, UPDATE, 1)
        [wanted] = await collect(stream, SEND, 1)
        assert (update.update_room_key.session_id, wanted.send_room_key.sender) == (
            session_id,
            alice.id,
        )
        assert sent.msg_id < update.msg_id < wanted.msg_id
    finally:
        await stream.close()
    await alice.client.send_msg(session_id, "no second rotation")
    assert await _rotation_rows(server, session_id) == [
        *after_e2eeize,
        (14, 0, bob.id),
        (13, alice.id, bob.id),
    ]
    await replays(UPDATE, [(alice, 1), (bob, 1), (carol, 0)])


async def test_kick_and_ban_rotate_the_key_at_once(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol, dave = (
        await new_user("alice"),
        await new_user("bob"),
        await new_user("carol"),
        await new_user("dave"),
    )
    session_id = await _group(server, alice, bob, carol, dave, e2ee=True)
    start = len(await _rotation_rows(server, session_id))
    await alice.client.kick_user(session_id=session_id, user_id=carol.id)
    kicked = (await _rotation_rows(server, session_id))[start:]
    assert kicked == [(14, 0, alice.id), (13, bob.id, alice.id), (13, dave.id, alice.id)]
    # The admin bans dave: the admin is asked for the new key.
    await bob.client.ban_user(session_id=session_id, user_ids=[dave.id])
    banned = (await _rotation_rows(server, session_id))[start + 3 :]
    assert banned == [(14, 0, bob.id), (13, alice.id, bob.id)]
    # Banning someone who is not a member removes nobody: no new key.
    await alice.client.ban_user(session_id=session_id, user_ids=[carol.id])
    await alice.client.send_msg(session_id, "no rotation due")
    assert len(await _rotation_rows(server, session_id)) == start + 5


async def test_an_old_room_key_rotates_on_the_next_message(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    session_id = await _group(server, alice, bob, e2ee=True)
    plain = await _group(server, alice, bob)
    assert Settings.model_fields["room_key_duration_seconds"].default == 30 * DAY_S
    start = await _rotation_rows(server, session_id)
    clock.advance(KEY_DURATION_S - 60)
    await bob.client.send_msg(session_id, "key still fresh")
    assert await _rotation_rows(server, session_id) == start
    clock.advance(120)
    await alice.client.send_msg(plain, "plain sessions never rotate")
    await bob.client.send_msg(session_id, "c2VjcmV0", is_encrypted=True)
    await alice.client.send_msg(session_id, "just rotated")
    assert await _rotation_rows(server, session_id) == [
        *start,
        (14, 0, bob.id),
        (13, alice.id, bob.id),
    ]
    assert await _rotation_rows(server, plain) == []


async def test_members_without_a_public_key_are_not_listed(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await _group(server, alice, bob, carol)
    # Accounts of the JSON gateways have no public key: nobody can wrap a key for them.
    async with server.deps.db.write() as conn:
        await conn.execute(update(users).where(users.c.id == bob.id).values(public_key=b""))
    await alice.client.e2eeize_session(session_id=session_id)
    assert await _rotation_rows(server, session_id) == [
        (14, 0, alice.id),
        (13, carol.id, alice.id),
    ]
