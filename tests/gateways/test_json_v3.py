"""JSON protocol v3 over a real WebSocket: every code, its success and its error forms."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from ourchat import details
from ourchat.domain import state_sync
from ourchat.gateways.json_ws.endpoint import NOT_LOGGED_IN, UNKNOWN_CODE
from ourchat.server.app import OurChatServer
from ourchat.storage import server_state
from tests.gateways.support import PASSWORD, JsonClient, as_user, json_client
from tests.helpers import Stream, User, kinds, make_group
from tests.rpc.files.support import deps_of, upload

NewUser = Callable[..., Awaitable[User]]
_n = itertools.count(1)


async def register(client: JsonClient, name: str = "json") -> dict[str, Any]:
    """Register a fresh account over v3 (which logs the connection in)."""
    n = next(_n)
    reply = await client.ask(
        {"code": 4, "email": f"{name}{n}@example.com", "password": PASSWORD, "name": f"{name}{n}"},
        5,
    )
    assert reply["status"] == 0, reply
    reply["email"] = f"{name}{n}@example.com"
    return reply


async def test_register_then_login_by_email_and_by_ocid(server: OurChatServer) -> None:
    async with json_client(server) as client:
        created = await register(client)
        assert len(created["ocid"]) == 10
        by_email = await client.ask(
            {"code": 6, "login_type": 0, "account": created["email"], "password": PASSWORD}, 7
        )
        assert by_email == {"code": 7, "status": 0, "ocid": created["ocid"]}
        by_ocid = await client.ask(
            {"code": 6, "login_type": 1, "account": created["ocid"], "password": PASSWORD}, 7
        )
        assert by_ocid == {"code": 7, "status": 0, "ocid": created["ocid"]}


async def test_register_errors_answer_status_1_or_2(server: OurChatServer) -> None:
    async with json_client(server) as client:
        created = await register(client)
        taken = await client.ask(
            {"code": 4, "email": created["email"], "password": PASSWORD, "name": "again"}, 5
        )
        assert (taken["status"], taken["details"]) == (2, details.USER_ALREADY_EXISTS)
        bad = await client.ask(
            {"code": 4, "email": "not-an-address", "password": PASSWORD, "name": "x"}, 5
        )
        assert (bad["status"], bad["details"]) == (1, details.EMAIL_INVALID)


async def test_login_errors_answer_status_1(server: OurChatServer) -> None:
    async with json_client(server) as client:
        created = await register(client)
        wrong = await client.ask(
            {"code": 6, "login_type": 0, "account": created["email"], "password": "nope"}, 7
        )
        assert (wrong["status"], wrong["details"]) == (1, details.WRONG_PASSWORD)
        unknown = await client.ask(
            {"code": 6, "login_type": 1, "account": "nobody0000", "password": PASSWORD}, 7
        )
        assert (unknown["status"], unknown["details"]) == (1, details.USER_NOT_FOUND)
    async with json_client(server) as fresh:
        # a failed login leaves the connection logged out
        await fresh.ask(
            {"code": 6, "login_type": 0, "account": created["email"], "password": "nope"}, 7
        )
        refused = await fresh.ask({"code": 10, "request_values": ["ocid"]}, 18)
        assert refused == {"code": 18, "details": NOT_LOGGED_IN}


async def test_bad_frames_get_the_error_frame_and_the_connection_stays(
    server: OurChatServer,
) -> None:
    async with json_client(server) as client:
        for frame in ("{not json", "[1, 2]", '"text"', {"no": "code"}, {"code": "4"}):
            reply = await client.ask(frame, 18)  # type: ignore[arg-type]
            assert reply == {"code": 18, "details": details.REQUEST_INVALID_VALUE}
        assert await client.ask({"code": 99}, 18) == {"code": 18, "details": UNKNOWN_CODE}
        assert await client.ask({"code": 4, "email": "a@b.c"}, 18) == {
            "code": 18,
            "details": details.REQUEST_INVALID_VALUE,
        }
        for code in (0, 1, 8, 10, 16, 19):
            assert await client.ask({"code": code}, 18) == {"code": 18, "details": NOT_LOGGED_IN}
        assert await client.ask({"code": 12}, 12) == {"code": 12, "status": 0}
        assert client.is_open


async def test_messages_between_a_json_user_and_a_grpc_user_live_both_ways(
    server: OurChatServer, new_user: NewUser
) -> None:
    grpc_user = await new_user("grpc")
    async with json_client(server) as client:
        created = await register(client)
        json_user = await as_user(server, created["ocid"], created["email"], grpc_user.client)
        deps = deps_of(server)
        session_id = await make_group(deps, json_user, grpc_user)
        stream = Stream(grpc_user.client)
        await client.send(
            {
                "code": 0,
                "sender": {"ocid": created["ocid"], "session_id": str(session_id)},
                "msg": [{"type": 0, "text": "hello from json"}],
            }
        )
        echo = await client.next(0)
        assert echo["sender"] == {"ocid": created["ocid"], "session_id": str(session_id)}
        assert echo["msg"] == [{"type": 0, "text": "hello from json"}]
        events = await stream.wait_for(1)
        assert kinds(events) == ["msg"]
        assert events[0].msg.markdown_text == "hello from json"  # type: ignore[attr-defined]
        assert events[0].msg.sender_id == json_user.id  # type: ignore[attr-defined]
        assert str(events[0].msg_id) == echo["msg_id"]  # type: ignore[attr-defined]

        sent = await grpc_user.client.send_msg(session_id, "hi json")
        pushed = await client.next(0)
        assert pushed["msg_id"] == str(sent.msg_id)
        assert pushed["time"] == sent.time.seconds
        assert pushed["sender"] == {"ocid": grpc_user.ocid, "session_id": str(session_id)}
        assert pushed["msg"] == [{"type": 0, "text": "hi json"}]
        await stream.close()


async def test_images_and_files_by_key_become_one_message(
    server: OurChatServer, new_user: NewUser
) -> None:
    grpc_user = await new_user("grpc")
    key = await upload(grpc_user.client, b"\x89PNG\r\n\x1a\n-image-bytes")
    async with json_client(server) as client:
        created = await register(client)
        deps = deps_of(server)
        me = await as_user(server, created["ocid"], created["email"], grpc_user.client)
        session_id = await make_group(deps, grpc_user, me)
        await grpc_user.client.send_msg(
            session_id,
            "look\n![image](IO://0)\nand\n[file](IO://0)",
            involved_files=[key],
        )
        pushed = await client.next(0)
        assert pushed["msg"] == [
            {"type": 0, "text": "look"},
            {"type": 1, "key": key},
            {"type": 0, "text": "and"},
            {"type": 2, "key": key},
        ]


async def test_sending_to_a_session_one_is_not_in_is_refused(server: OurChatServer) -> None:
    async with json_client(server) as client:
        created = await register(client)
        reply = await client.ask(
            {"code": 0, "sender": {"session_id": "12345"}, "msg": [{"type": 0, "text": "x"}]}, 18
        )
        assert reply["details"] in (details.SESSION_NOT_FOUND, details.USER_NOT_IN_SESSION)
        spoofed = await client.ask(
            {"code": 0, "sender": {"ocid": "someoneelse", "session_id": "1"}, "msg": []}, 18
        )
        assert spoofed["details"] in (details.PERMISSION_DENIED, details.REQUEST_INVALID_VALUE)
        assert created["ocid"]


async def test_new_session_and_its_info(server: OurChatServer, new_user: NewUser) -> None:
    other = await new_user("other")
    async with json_client(server) as client:
        created = await register(client)
        made = await client.ask({"code": 8, "members": [other.ocid]}, 9)
        assert made["status"] == 0
        session_id = made["session_id"]
        info = await client.ask(
            {
                "code": 1,
                "session_id": session_id,
                "request_values": ["session_id", "name", "members", "owner", "time", "avatar"],
            },
            2,
        )
        data = info["data"]
        assert data["session_id"] == session_id
        assert data["members"] == [created["ocid"]]  # the other user is only invited
        assert data["owner"] == created["ocid"]
        assert isinstance(data["time"], int)
        assert data["avatar"] == ""
        missing = await client.ask({"code": 8, "members": ["nobody-here"]}, 9)
        assert (missing["status"], missing["details"]) == (1, details.USER_NOT_FOUND)
        unknown = await client.ask({"code": 1, "session_id": "1", "request_values": ["name"]}, 18)
        assert unknown["details"] == details.SESSION_NOT_FOUND
        bad = await client.ask({"code": 1, "session_id": session_id, "request_values": ["x"]}, 18)
        assert bad["details"] == details.REQUEST_INVALID_VALUE


async def test_account_info_of_oneself_and_of_another(
    server: OurChatServer, new_user: NewUser
) -> None:
    other = await new_user("other")
    async with json_client(server) as client:
        created = await register(client, "self")
        mine = await client.ask(
            {
                "code": 10,
                "ocid": created["ocid"],
                "request_values": ["ocid", "nickname", "sessions", "friends", "avatar", "time"],
            },
            11,
        )
        assert mine["data"]["ocid"] == created["ocid"]
        assert mine["data"]["nickname"].startswith("self")
        assert mine["data"]["sessions"] == []
        assert mine["data"]["friends"] == []
        assert mine["data"]["avatar"] == ""
        theirs = await client.ask(
            {"code": 10, "ocid": other.ocid, "request_values": ["nickname", "sessions", "friends"]},
            11,
        )
        assert theirs["data"] == {"nickname": other.name, "sessions": None, "friends": None}
        gone = await client.ask({"code": 10, "ocid": "nobody", "request_values": ["ocid"]}, 18)
        assert gone["details"] == details.USER_NOT_FOUND


async def test_set_account_info(server: OurChatServer, new_user: NewUser) -> None:
    other = await new_user("other")
    async with json_client(server) as client:
        created = await register(client)
        done = await client.ask(
            {
                "code": 19,
                "ocid": created["ocid"],
                "data": {"nickname": "renamed", "status": "busy"},
            },
            20,
        )
        assert done == {"code": 20, "status": 0}
        seen = await client.ask({"code": 10, "request_values": ["nickname", "status"]}, 11)
        assert seen["data"] == {"nickname": "renamed", "status": "busy"}
        not_mine = await client.ask({"code": 19, "ocid": other.ocid, "data": {"nickname": "x"}}, 20)
        assert (not_mine["status"], not_mine["details"]) == (1, details.PERMISSION_DENIED)
        bad_avatar = await client.ask(
            {"code": 19, "ocid": created["ocid"], "data": {"avatar": "no-such-key"}}, 20
        )
        assert bad_avatar["status"] == 2


async def test_unregister_logs_out_and_the_account_is_gone(server: OurChatServer) -> None:
    async with json_client(server) as client:
        created = await register(client)
        assert await client.ask({"code": 16}, 17) == {"code": 17, "status": 0}
        assert await client.ask({"code": 10, "request_values": ["ocid"]}, 18) == {
            "code": 18,
            "details": NOT_LOGGED_IN,
        }
        again = await client.ask(
            {"code": 6, "login_type": 1, "account": created["ocid"], "password": PASSWORD}, 7
        )
        assert again["status"] == 1


async def test_catch_up_since_replays_without_gap_or_duplicate(
    server: OurChatServer, new_user: NewUser
) -> None:
    grpc_user = await new_user("grpc")
    async with json_client(server) as client:
        created = await register(client)
    deps = deps_of(server)
    me = await as_user(server, created["ocid"], created["email"], grpc_user.client)
    session_id = await make_group(deps, grpc_user, me)
    sent = [await grpc_user.client.send_msg(session_id, f"m{i}") for i in range(3)]
    login = {"code": 6, "login_type": 1, "account": created["ocid"], "password": PASSWORD}
    async with json_client(server) as client:
        await client.ask({**login, "since": 0}, 7)
        replayed = [await client.next(0) for _ in sent]
        assert [f["msg_id"] for f in replayed] == [str(s.msg_id) for s in sent]
    more = await grpc_user.client.send_msg(session_id, "m3")
    async with json_client(server) as client:
        last = replayed[-1]
        await client.ask({**login, "since": last["time"], "since_id": last["msg_id"]}, 7)
        assert (await client.next(0))["msg_id"] == str(more.msg_id)
        live = await grpc_user.client.send_msg(session_id, "m4")
        assert (await client.next(0))["msg_id"] == str(live.msg_id)
        assert [f for f in await client.quiet() if f["code"] == 0] == []


async def test_maintenance_refuses_requests_and_pushes_the_status(
    server: OurChatServer,
) -> None:
    deps = deps_of(server)
    async with json_client(server) as client:
        await register(client)

        async def set_maintenance(on: bool) -> None:
            async with deps.db.write() as conn:
                await server_state.set_maintenance(conn, on=on, reason="", since_us=None)
            await state_sync.refresh(deps)

        await set_maintenance(True)
        assert await client.next(12) == {"code": 12, "status": 1}
        assert await client.ask({"code": 12}, 12) == {"code": 12, "status": 1}
        refused = await client.ask({"code": 10, "request_values": ["ocid"]}, 18)
        assert refused["details"] == details.SERVER_MAINTAINING
        await set_maintenance(False)
        assert await client.next(12) == {"code": 12, "status": 0}
        assert client.is_open
