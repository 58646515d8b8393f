"""Announcements: from the caller, to everyone (later accounts too), live and on replay alike;
and what deleting an account does to its announcements and streams."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from ourchat import details
from ourchat.client import OurChatClient
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, User, kinds, make_group, register_user
from tests.rpc.server_manage.common import grant

NewUser = Callable[..., Awaitable[User]]


def _position(event: object) -> tuple[int, int]:
    return event.msg_id, event.time.ToMicroseconds()  # type: ignore[attr-defined]


async def test_announcement_reaches_everyone_live_and_on_replay_with_one_id(
    server: OurChatServer, new_user: NewUser, connect: Callable[[], OurChatClient]
) -> None:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(server.deps, alice, bob)
    live = Stream(alice.client)
    only = Stream(bob.client, announcement_only=True)
    await live.settle(0.1)

    await alice.client.send_msg(session, "not an announcement")
    published = await admin.client.publish_announcement("Downtime", "Sunday 02:00 UTC")

    assert published.announcement.publisher_id == admin.id
    assert (published.announcement.title, published.announcement.content) == (
        "Downtime",
        "Sunday 02:00 UTC",
    )
    msg, pushed = await live.wait_for(2)
    assert kinds([msg, pushed]) == ["msg", "announcement_response"]
    assert _position(pushed) == (published.id, published.created_at.ToMicroseconds())
    assert pushed.announcement_response == published  # type: ignore[attr-defined]
    [only_event] = await only.wait_for(1)
    assert _position(only_event) == _position(pushed)
    assert kinds(await only.settle(0.2)) == ["announcement_response"]

    # Someone who registers afterwards replays it too, with the same msg_id and time.
    carol = await register_user(connect(), "carol")
    replay = Stream(carol.client)
    [replayed] = await replay.wait_for(1)
    assert _position(replayed) == _position(pushed)
    assert replayed.announcement_response == published  # type: ignore[attr-defined]
    only_replay = Stream(bob.client, announcement_only=True)
    assert kinds(await only_replay.wait_for(1)) == ["announcement_response"]
    for stream in (live, only, replay, only_replay):
        await stream.close()


async def test_announcements_outlive_their_deleted_publisher(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin, other_admin, bob = await new_user("admin"), await new_user("a2"), await new_user("bob")
    await grant(server.deps, admin.id)
    await grant(server.deps, other_admin.id)
    published = await admin.client.publish_announcement("Hi", "there")

    await other_admin.client.delete_account(admin.id)

    stream = Stream(bob.client)
    [event] = await stream.wait_for(1)
    assert event.msg_id == published.id  # type: ignore[attr-defined]
    shown = event.announcement_response  # type: ignore[attr-defined]
    assert (shown.announcement.title, shown.announcement.publisher_id) == ("Hi", 0)
    await stream.close()


async def test_delete_account_ends_the_account_streams(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin, bob = await new_user("admin"), await new_user("bob")
    await grant(server.deps, admin.id)
    stream = Stream(bob.client)
    await stream.settle(0.1)
    await admin.client.delete_account(bob.id)
    await stream.wait_for(1)
    assert stream.error is not None
    assert (stream.error.code, stream.error.detail) == (
        grpc.StatusCode.UNAUTHENTICATED,
        details.USER_NOT_FOUND,
    )
