"""RecallMsg: own messages, others' messages by rank, and what members see."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
from sqlalchemy import select

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.recall.v1.recall_pb2 import RecallMsgRequest
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import events
from tests.helpers import Stream, User, expect_error, kinds, make_group

NewUser = Callable[..., Awaitable[User]]


def _recall(user: User, session: int, msg_id: int) -> Awaitable[object]:
    return user.client.call("RecallMsg", RecallMsgRequest(msg_id=msg_id, session_id=session))


async def test_sender_recalls_own_message_and_members_are_told(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    alice, bob, eve = await new_user("alice"), await new_user("bob"), await new_user("eve")
    session = await make_group(deps, alice, bob)
    sent = await bob.client.send_msg(session, "oops")
    live = Stream(alice.client)
    await live.wait_for(1)
    response = await _recall(bob, session, sent.msg_id)
    events_seen = await live.wait_for(2)
    assert kinds(events_seen) == ["msg", "recall"]
    recall = events_seen[1]
    assert recall.recall.msg_id == sent.msg_id  # type: ignore[attr-defined]
    assert recall.msg_id == response.msg_id  # type: ignore[attr-defined]
    assert response.msg_id > sent.msg_id  # type: ignore[attr-defined]
    await live.close()
    replay = Stream(alice.client)
    assert kinds(await replay.settle()) == ["recall"]
    await replay.close()
    async with deps.db.read() as conn:
        gone = (
            await conn.execute(select(events.c.msg_id).where(events.c.msg_id == sent.msg_id))
        ).all()
    assert gone == []
    outsider = Stream(eve.client)
    assert await outsider.settle() == []
    await outsider.close()


async def test_recall_refusals(server: OurChatServer, new_user: NewUser) -> None:
    deps = server.deps
    assert deps is not None
    owner, admin, member, other = (
        await new_user("owner"),
        await new_user("admin"),
        await new_user("member"),
        await new_user("other"),
    )
    session = await make_group(
        deps,
        owner,
        admin,
        member,
        roles=[PredefinedRole.OWNER, PredefinedRole.ADMIN, PredefinedRole.MEMBER],
    )
    elsewhere = await make_group(deps, other, member)
    by_owner = await owner.client.send_msg(session, "owner says")
    by_admin = await admin.client.send_msg(session, "admin says")
    by_member = await member.client.send_msg(session, "member says")
    in_other = await other.client.send_msg(elsewhere, "other session")

    await expect_error(
        _recall(member, session, by_admin.msg_id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    await expect_error(
        _recall(admin, session, by_owner.msg_id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    await expect_error(
        _recall(other, session, by_member.msg_id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.USER_NOT_IN_SESSION,
    )
    await expect_error(
        _recall(member, session, in_other.msg_id),
        grpc.StatusCode.NOT_FOUND,
        details.MESSAGE_NOT_FOUND,
    )
    await expect_error(
        _recall(owner, session, 987654321), grpc.StatusCode.NOT_FOUND, details.MESSAGE_NOT_FOUND
    )
    recall = await _recall(admin, session, by_member.msg_id)
    await expect_error(
        _recall(owner, session, recall.msg_id),  # type: ignore[attr-defined]
        grpc.StatusCode.NOT_FOUND,
        details.MESSAGE_NOT_FOUND,
    )
    await _recall(owner, session, by_admin.msg_id)
    await expect_error(
        _recall(owner, session, by_admin.msg_id),
        grpc.StatusCode.NOT_FOUND,
        details.MESSAGE_NOT_FOUND,
    )
