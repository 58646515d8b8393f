"""JSON protocol v2 over a real WebSocket: accounts, friends, groups, requests and renames."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from ourchat import details
from ourchat.gateways import directory
from ourchat.gateways.json_ws.endpoint import NOT_LOGGED_IN, UNKNOWN_CODE
from ourchat.server.app import OurChatServer
from tests.gateways.support import PASSWORD, JsonClient, json_client
from tests.helpers import Stream, User, kinds
from tests.rpc.files.support import deps_of

NewUser = Callable[..., Awaitable[User]]
_n = itertools.count(1)


def v2(code: int, **data: Any) -> dict[str, Any]:
    """A v2 request frame."""
    return {"code": code, "time": 0, "data": data}


async def answer(client: JsonClient, frame: dict[str, Any], code: int) -> dict[str, Any]:
    """Send a request and wait for its reply (pushes of the same code carry no state)."""
    await client.send(frame)
    while True:
        reply = await client.next(code)
        if "state" in reply["data"]:
            return reply


async def register(client: JsonClient) -> dict[str, Any]:
    """Register a fresh account over v2; returns ``{"ocid", "email"}``."""
    n = next(_n)
    email = f"v2user{n}@example.com"
    reply = await client.ask(v2(4, email=email, password=PASSWORD, name=f"v2user{n}"), 5)
    assert reply["data"]["state"] == 0, reply
    assert isinstance(reply["time"], int)
    return {"ocid": reply["data"]["ocId"], "email": email}


async def test_register_and_login_with_their_states(server: OurChatServer) -> None:
    async with json_client(server, 2) as client:
        me = await register(client)
        taken = await client.ask(v2(4, email=me["email"], password=PASSWORD, name="x"), 5)
        assert (taken["data"]["state"], taken["data"]["details"]) == (
            2,
            details.USER_ALREADY_EXISTS,
        )
        ok = await client.ask(v2(6, account=me["email"], password=PASSWORD), 7)
        assert ok["data"] == {"state": 0, "ocid": me["ocid"]}
        by_ocid = await client.ask(v2(6, account=me["ocid"], password=PASSWORD), 7)
        assert by_ocid["data"]["state"] == 0
        wrong = await client.ask(v2(6, account=me["ocid"], password="wrong"), 7)
        assert (wrong["data"]["state"], wrong["data"]["details"]) == (1, details.WRONG_PASSWORD)


async def test_bad_frames_answer_a_failure_state_and_keep_the_connection(
    server: OurChatServer,
) -> None:
    async with json_client(server, 2) as client:
        unreadable = await client.ask({"code": 4}, -1)
        assert unreadable["data"] == {"state": 1, "details": details.REQUEST_INVALID_VALUE}
        unknown = await client.ask(v2(99), 99)
        assert unknown["data"] == {"state": 1, "details": UNKNOWN_CODE}
        early = await client.ask(v2(8, group_name="g"), 8)
        assert early["data"] == {"state": 1, "details": NOT_LOGGED_IN}
        missing = await client.ask(v2(6, account="x"), 7)
        assert missing["data"] == {"state": 1, "details": details.REQUEST_INVALID_VALUE}
        await register(client)
        assert client.is_open


async def test_a_v2_user_and_a_grpc_user_become_friends_and_chat_privately(
    server: OurChatServer, new_user: NewUser
) -> None:
    grpc_user = await new_user("grpc")
    stream = Stream(grpc_user.client)
    async with json_client(server, 2) as client:
        me = await register(client)
        asked = await client.ask(v2(9, add_ocid=grpc_user.ocid, ocid=me["ocid"]), 9)
        assert asked["data"] == {"state": 0, "add_ocid": grpc_user.ocid, "ocid": me["ocid"]}
        events = await stream.wait_for(1)
        assert kinds(events) == ["new_friend_invitation_notification"]
        my_id = await directory.user_id_of(deps_of(server), me["ocid"])
        await grpc_user.client.accept_friend_invitation(friend_id=my_id or 0)
        accepted = await client.next(10)
        assert accepted["data"] == {"add_ocid": grpc_user.ocid, "ocid": me["ocid"]}

        await client.send(
            v2(0, sender={"ocid": me["ocid"], "private_id": grpc_user.ocid}, msg="hi")
        )
        echo = await client.next(0)
        assert echo["data"]["sender"] == {"ocid": me["ocid"], "private_id": grpc_user.ocid}
        assert echo["data"]["msg"] == "hi"
        await stream.wait_for(2)
        got = await stream.settle()
        assert [e.msg.markdown_text for e in got if kinds([e]) == ["msg"]] == ["hi"]  # type: ignore[attr-defined]

        session_id = next(e.msg.session_id for e in got if kinds([e]) == ["msg"])  # type: ignore[attr-defined]
        sent = await grpc_user.client.send_msg(session_id, "hello v2")
        pushed = await client.next(0)
        assert pushed["data"] == {
            "cid": str(sent.msg_id),
            "sender": {"ocid": grpc_user.ocid, "private_id": me["ocid"]},
            "msg": "hello v2",
        }
        assert pushed["time"] == sent.time.seconds
        stranger = await client.ask(v2(0, sender={"private_id": "nobody"}, msg="x"), 0)
        assert stranger["data"] == {"state": 1, "details": details.FRIEND_NOT_FOUND}
    await stream.close()


async def test_two_v2_users_request_accept_and_refuse_friendship(server: OurChatServer) -> None:
    async with (
        json_client(server, 2) as a,
        json_client(server, 2) as b,
        json_client(server, 2) as c,
    ):
        me, you, them = await register(a), await register(b), await register(c)
        await a.ask(v2(9, add_ocid=you["ocid"]), 9)
        incoming = await b.next(9)
        assert incoming["data"] == {"add_ocid": you["ocid"], "ocid": me["ocid"]}
        done = await answer(b, v2(10, add_ocid=you["ocid"], ocid=me["ocid"]), 10)
        assert done["data"]["state"] == 0
        assert (await a.next(10))["data"] == {"add_ocid": you["ocid"], "ocid": me["ocid"]}

        await c.ask(v2(9, add_ocid=you["ocid"]), 9)
        await b.next(9)
        refused = await answer(b, v2(11, ocid=them["ocid"]), 11)
        assert refused["data"] == {"state": 0, "ocid": them["ocid"]}
        assert (await c.next(11))["data"] == {"ocid": them["ocid"]}
        nothing = await answer(b, v2(11, ocid=them["ocid"]), 11)
        assert nothing["data"] == {"state": 1, "details": details.FRIEND_INVITATION_NOT_FOUND}


async def test_groups_create_apply_approve_refuse_pull_in_chat_and_rename(
    server: OurChatServer,
) -> None:
    async with (
        json_client(server, 2) as owner,
        json_client(server, 2) as joiner,
        json_client(server, 2) as pulled,
    ):
        me, you, them = await register(owner), await register(joiner), await register(pulled)
        created = await owner.ask(v2(8, group_name="club", ocid=me["ocid"]), 8)
        assert created["data"]["state"] == 0
        group_id = created["data"]["group_id"]

        applied = await joiner.ask(v2(9, group_id=group_id, ocid=you["ocid"]), 9)
        assert applied["data"] == {"state": 0, "group_id": group_id, "ocid": you["ocid"]}
        request = await owner.next(9)
        assert request["data"] == {"group_id": group_id, "ocid": you["ocid"]}
        await answer(owner, v2(10, group_id=group_id, ocid=you["ocid"]), 10)
        admitted = await joiner.next(10)
        assert admitted["data"] == {"group_id": group_id, "group_name": "club", "ocid": you["ocid"]}

        await answer(owner, v2(10, group_id=group_id, add_ocid=them["ocid"]), 10)
        invited = await pulled.next(10)
        assert invited["data"] == {
            "group_id": group_id,
            "group_name": "club",
            "ocid": me["ocid"],
            "add_ocid": them["ocid"],
        }
        joined = await answer(pulled, v2(10, group_id=group_id, ocid=me["ocid"]), 10)
        assert joined["data"]["state"] == 0

        await joiner.send(v2(0, sender={"group_id": group_id}, msg="hello club"))
        for client in (owner, joiner, pulled):
            text = await client.next(0)
            assert text["data"]["sender"] == {"ocid": you["ocid"], "group_id": group_id}
            assert text["data"]["msg"] == "hello club"

        renamed = await owner.ask(v2(12, group_id=group_id, name="club 2"), 12)
        assert renamed["data"] == {"state": 0, "group_id": group_id, "name": "club 2"}
        kind = await directory.session_kind(deps_of(server), int(group_id))
        assert kind is not None
        assert kind.name == "club 2"
        not_allowed = await joiner.ask(v2(12, group_id=group_id, name="mine"), 12)
        assert (not_allowed["data"]["state"], not_allowed["data"]["details"]) == (
            1,
            details.CANNOT_SET_NAME,
        )
        myself = await joiner.ask(v2(12, ocid=you["ocid"], name="new name"), 12)
        assert myself["data"]["state"] == 0


async def test_a_refused_join_request_reaches_the_applicant(server: OurChatServer) -> None:
    async with json_client(server, 2) as owner, json_client(server, 2) as joiner:
        await register(owner)
        you = await register(joiner)
        group_id = (await owner.ask(v2(8, group_name="closed"), 8))["data"]["group_id"]
        await joiner.ask(v2(9, group_id=group_id), 9)
        await owner.next(9)
        refused = await answer(owner, v2(11, group_id=group_id, ocid=you["ocid"]), 11)
        assert refused["data"]["state"] == 0
        assert (await joiner.next(11))["data"] == {"group_id": group_id, "ocid": you["ocid"]}
