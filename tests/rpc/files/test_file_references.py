"""Other calls that name files: SendMsg's involved_files, SetSelfInfo's and the sessions'
avatar_key must name files the caller may use (avatars: images they own, or of that session)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import NewSessionRequest
from ourchat._pb.service.ourchat.session.set_session_info.v1.set_session_info_pb2 import (
    SetSessionInfoRequest,
)
from ourchat._pb.service.ourchat.set_account_info.v1.set_account_info_pb2 import (
    SetSelfInfoRequest,
)
from ourchat.server.app import OurChatServer
from ourchat.storage import sessions, users
from tests.helpers import Stream, User, expect_error, png
from tests.rpc.files.support import deps_of, make_session, remove_member, upload

NewUser = Callable[..., Awaitable[User]]
DENIED = (grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)


async def test_send_msg_involves_only_readable_files(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    carol = await new_user("carol")
    session_id = await make_session(server, alice.id, [bob.id])
    own = await upload(alice.client, b"own")
    shared = await upload(bob.client, b"shared", session_id=session_id)
    bobs_private = await upload(bob.client, b"private")
    carols = await upload(carol.client, b"carol's")
    stream = Stream(bob.client)
    try:
        for keys in ([bobs_private], [own, "unknown"], [carols], [own, shared, bobs_private]):
            await expect_error(
                alice.client.send_msg(session_id, "look", involved_files=keys), *DENIED
            )
        await expect_error(
            alice.client.send_msg(session_id, "too many", involved_files=[own] * 33),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.REQUEST_INVALID_VALUE,
        )
        sent = await alice.client.send_msg(session_id, "look", involved_files=[own, shared])
        await alice.client.send_msg(session_id, "at most", involved_files=[own] * 32)
        events = await stream.wait_for(2)
        await stream.settle(0.2)
    finally:
        await stream.close()
    assert len(stream.events) == 2
    first = events[0]
    assert isinstance(first, FetchMsgsResponse)
    assert first.msg_id == sent.msg_id
    assert list(first.msg.involved_files) == [own, shared]

    # A member who left can no longer point at the session's files.
    await remove_member(server, session_id, bob.id)
    async with deps_of(server).db.write() as conn:
        await sessions.add_member(conn, session_id, carol.id, 1, deps_of(server).clock.now_us())
    await expect_error(carol.client.send_msg(session_id, "x", involved_files=[own]), *DENIED)
    await carol.client.send_msg(session_id, "x", involved_files=[shared, carols])


async def test_self_avatar_must_be_an_image_the_caller_owns(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    session_id = await make_session(server, alice.id, [bob.id])
    bobs_private = await upload(bob.client, png(b"private"))
    # Readable by alice as a member, but bob's: it must not become alice's public avatar.
    shared = await upload(bob.client, png(b"shared"), session_id=session_id)
    own_text = await upload(alice.client, b"not a picture, say a contract")
    own = await upload(alice.client, png(b"own"))
    for key in (bobs_private, shared, "unknown"):
        await expect_error(
            alice.client.call("SetSelfInfo", SetSelfInfoRequest(avatar_key=key)), *DENIED
        )
    await expect_error(
        alice.client.call("SetSelfInfo", SetSelfInfoRequest(avatar_key=own_text)),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    for key in (own, ""):
        await alice.client.call("SetSelfInfo", SetSelfInfoRequest(avatar_key=key))
        async with deps_of(server).db.read() as conn:
            row = await users.get(conn, alice.id)
        assert row is not None
        assert row["avatar_key"] == (key or None)


async def test_session_avatar_must_be_an_image_of_the_setter_or_of_that_session(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    session_id = await make_session(server, alice.id, [bob.id])
    other_session = await make_session(server, alice.id, [bob.id])
    bobs_private = await upload(bob.client, png(b"private"))
    shared = await upload(bob.client, png(b"shared"), session_id=session_id)
    shared_text = await upload(bob.client, b"minutes of the meeting", session_id=session_id)
    for key in (bobs_private, "unknown"):
        await expect_error(
            alice.client.call(
                "SetSessionInfo", SetSessionInfoRequest(session_id=session_id, avatar_key=key)
            ),
            *DENIED,
        )
        await expect_error(
            alice.client.call("NewSession", NewSessionRequest(name="g", avatar_key=key)), *DENIED
        )
    # An image of one session cannot be shown as the picture of another, nor of a new one.
    await expect_error(
        alice.client.call(
            "SetSessionInfo", SetSessionInfoRequest(session_id=other_session, avatar_key=shared)
        ),
        *DENIED,
    )
    await expect_error(
        alice.client.call("NewSession", NewSessionRequest(name="g", avatar_key=shared)), *DENIED
    )
    await expect_error(
        alice.client.call(
            "SetSessionInfo", SetSessionInfoRequest(session_id=session_id, avatar_key=shared_text)
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    await alice.client.call(
        "SetSessionInfo", SetSessionInfoRequest(session_id=session_id, avatar_key=shared)
    )
    async with deps_of(server).db.read() as conn:
        row = await sessions.get(conn, session_id)
    assert row is not None
    assert row["avatar_key"] == shared
    created = await bob.client.call(
        "NewSession", NewSessionRequest(name="g", avatar_key=bobs_private)
    )
    assert created.session_id
