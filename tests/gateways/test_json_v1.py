"""JSON protocol v1 over a real WebSocket: accounts, text, emoji, and binary packages."""

from __future__ import annotations

import itertools
import os
from collections.abc import Awaitable, Callable
from typing import Any

from ourchat import details
from ourchat.gateways.json_ws.endpoint import NOT_LOGGED_IN
from ourchat.server.app import OurChatServer
from tests.gateways.support import PASSWORD, JsonClient, as_user, json_client
from tests.helpers import Stream, User, kinds, make_group, png
from tests.rpc.files.support import deps_of, download, upload

NewUser = Callable[..., Awaitable[User]]
_n = itertools.count(1)


def v1(code: int, **data: Any) -> dict[str, Any]:
    """A v1 request frame."""
    return {"code": code, "data": data}


async def register(client: JsonClient) -> dict[str, Any]:
    """Register a fresh account over v1; returns ``{"ocid", "email"}``."""
    mail = f"v1user{next(_n)}@example.com"
    reply = await client.ask(v1(4, mail=mail, password=PASSWORD), 5)
    assert reply["data"]["state"] == 0, reply
    return {"ocid": reply["data"]["ocId"], "email": mail}


async def grouped(
    server: OurChatServer, client: JsonClient, other: User
) -> tuple[dict[str, Any], int]:
    """A v1 account in a group with ``other``."""
    me = await register(client)
    user = await as_user(server, me["ocid"], me["email"], other.client)
    return me, await make_group(deps_of(server), other, user)


async def test_register_and_login(server: OurChatServer) -> None:
    async with json_client(server, 1) as client:
        me = await register(client)
        assert (await client.ask(v1(6, ocId=me["ocid"], password=PASSWORD), 7))["data"] == {
            "state": 0
        }
        wrong = await client.ask(v1(6, ocId=me["ocid"], password="nope"), 7)
        assert (wrong["data"]["state"], wrong["data"]["details"]) == (1, details.WRONG_PASSWORD)
        again = await client.ask(v1(4, mail=me["email"], password=PASSWORD), 5)
        assert again["data"]["state"] == 2
    async with json_client(server, 1) as fresh:
        early = await fresh.ask(v1(0, cid="1", msg="x"), 0)
        assert early["data"] == {"state": 1, "details": NOT_LOGGED_IN}
        garbage = await fresh.ask("{]", -1)
        assert garbage["data"]["state"] == 1
        assert fresh.is_open


async def test_text_and_emoji_both_ways(server: OurChatServer, new_user: NewUser) -> None:
    other = await new_user("grpc")
    stream = Stream(other.client)
    async with json_client(server, 1) as client:
        me, session_id = await grouped(server, client, other)
        await client.send(v1(0, cid=str(session_id), sender_id=me["ocid"], msg="plain"))
        await client.send(v1(1, cid=str(session_id), sender_id=me["ocid"], emojiId=7))
        events = await stream.wait_for(2)
        assert [e.msg.markdown_text for e in events] == ["plain", ":emoji-7:"]  # type: ignore[attr-defined]
        echo = await client.next(0)
        assert echo["data"]["msg"] == "plain"
        emoji = await client.next(1)
        assert (emoji["data"]["emojiId"], emoji["data"]["sender_id"]) == (7, me["ocid"])
        sent = await other.client.send_msg(session_id, "from grpc")
        pushed = await client.next(0)
        assert pushed["data"] == {
            "cid": str(session_id),
            "sender_id": other.ocid,
            "msg_id": str(sent.msg_id),
            "time": sent.time.seconds,
            "msg": "from grpc",
        }
    await stream.close()


async def test_an_image_in_packages_becomes_a_stored_file_and_a_message(
    server: OurChatServer, new_user: NewUser
) -> None:
    other = await new_user("grpc")
    stream = Stream(other.client)
    content = png(os.urandom(150_000))
    async with json_client(server, 1) as client:
        me, session_id = await grouped(server, client, other)
        parts = [content[i : i + 60_000] for i in range(0, len(content), 60_000)]
        await client.send(
            v1(
                2,
                cid=str(session_id),
                sender_id=me["ocid"],
                packages_num=len(parts),
                size=len(content),
            )
        )
        for part in parts:
            await client.send(part)
        events = await stream.wait_for(1)
        msg = events[0].msg  # type: ignore[attr-defined]
        assert msg.markdown_text == "![image](IO://0)"
        assert await download(other.client, msg.involved_files[0]) == content
        echo = await client.next(2)
        assert echo["data"]["key"] == msg.involved_files[0]
        assert echo["data"]["size"] == len(content)
        received = await client.binary_frames(echo["data"]["packages_num"])
        assert b"".join(received) == content


async def test_a_file_pushed_to_v1_arrives_in_packages(
    server: OurChatServer, new_user: NewUser
) -> None:
    other = await new_user("grpc")
    content = os.urandom(70_000)
    async with json_client(server, 1) as client:
        _, session_id = await grouped(server, client, other)
        key = await upload(other.client, content, session_id=session_id)
        await other.client.send_msg(session_id, "[file](IO://0)", involved_files=[key])
        pushed = await client.next(3)
        assert (pushed["data"]["key"], pushed["data"]["size"]) == (key, len(content))
        assert b"".join(await client.binary_frames(pushed["data"]["packages_num"])) == content


async def test_wrong_sizes_and_stray_packages_are_refused(
    server: OurChatServer, new_user: NewUser
) -> None:
    other = await new_user("grpc")
    stream = Stream(other.client)
    async with json_client(server, 1) as client:
        _, session_id = await grouped(server, client, other)
        stray = await client.ask(b"\x00\x01", -1)
        assert stray["data"]["details"] == details.REQUEST_INVALID_VALUE
        await client.send(v1(3, cid=str(session_id), packages_num=1, size=10))
        too_big = await client.ask(b"x" * 11, -1)
        assert too_big["data"]["details"] == details.FILE_SIZE_ERROR
        await client.send(v1(3, cid=str(session_id), packages_num=2, size=10))
        await client.send(b"x" * 3)
        short = await client.ask(b"y" * 3, -1)
        assert short["data"]["details"] == details.FILE_SIZE_ERROR
        bad = await client.ask(v1(3, cid=str(session_id), packages_num=0, size=10), 3)
        assert bad["data"]["details"] == details.REQUEST_INVALID_VALUE
        assert await stream.settle() == []
        assert kinds([]) == []
    await stream.close()
