"""One scenario between gRPC, JSON (v2, v3) and REST users, on any pair of server addresses.

``a`` and ``b`` are ``(grpc target, http address)`` of the process each user talks to; the
same process twice on one server, two processes on a shared database and bus.
"""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from typing import Any

import httpx
import websockets

from ourchat.client import OurChatClient
from tests.gateways.support import PASSWORD, JsonClient
from tests.helpers import Stream, register_user

Address = tuple[str, str]


async def _json(stack: AsyncExitStack, http: str, version: int) -> JsonClient:
    socket = await stack.enter_async_context(websockets.connect(f"ws://{http}/v1/json?v={version}"))
    client = JsonClient(socket)
    stack.push_async_callback(client.close)
    return client


async def _texts(client: JsonClient, count: int, version: int) -> list[str]:
    texts = []
    for _ in range(count):
        frame = await client.next(0)
        texts.append(frame["data"]["msg"] if version == 2 else frame["msg"][0]["text"])
    return texts


async def _push_messages(socket: Any, count: int, ack: bool = True) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    async with asyncio.timeout(30):
        while len(got) < count:
            packet = json.loads(await socket.recv())
            if isinstance(packet["message"], list):
                got.append(packet)
                if ack:
                    await socket.send(json.dumps({"pushId": packet["pushId"], "content": "ok"}))
    return got


async def _grpc_texts(stream: Stream, count: int) -> list[str]:
    """The last ``count`` message texts on a gRPC stream, once that many arrived."""
    texts: list[str] = []
    async with asyncio.timeout(30):
        while True:
            texts = [
                e.msg.markdown_text  # type: ignore[attr-defined]
                for e in stream.events
                if e.WhichOneof("respond_event_type") == "msg"  # type: ignore[attr-defined]
            ]
            if len(texts) >= count + 2:  # the two private messages came first
                return texts[-count:]
            await stream.wait_for(len(stream.events) + 1, timeout=30)


def _info_text(packet: dict[str, Any]) -> str:
    return str(packet["message"][0]["info"][0]["content"])


async def run(a: Address, b: Address) -> None:
    """Befriend, chat privately and in a group, reconnect: nothing lost, nothing twice."""
    async with AsyncExitStack() as stack:
        sdk_a = OurChatClient(a[0])
        stack.push_async_callback(sdk_a.close)
        grpc_user = await register_user(sdk_a, "grpc")
        stream = Stream(sdk_a)
        stack.push_async_callback(stream.close)

        v2 = await _json(stack, a[1], 2)
        reply = await v2.ask(
            {
                "code": 4,
                "data": {"email": f"v2-{grpc_user.email}", "password": PASSWORD, "name": "v2"},
            },
            5,
        )
        v2_ocid = reply["data"]["ocId"]
        v3 = await _json(stack, b[1], 3)
        v3_email = f"v3-{grpc_user.email}"
        reply = await v3.ask({"code": 4, "email": v3_email, "password": PASSWORD, "name": "v3"}, 5)
        v3_ocid = reply["ocid"]
        rest = httpx.AsyncClient(base_url=f"http://{b[1]}/api/v1", timeout=30)
        stack.push_async_callback(rest.aclose)
        phone = str(13000000000 + grpc_user.id % 999_999_999)
        creds = {"phone": phone, "password": PASSWORD}
        await rest.post("/register", json=creds)
        rest_user = (await rest.post("/login", json=creds)).json()["result"]

        # befriend: a v2 user asks, the gRPC user accepts; they chat privately
        await v2.ask({"code": 9, "data": {"add_ocid": grpc_user.ocid}}, 9)
        await stream.wait_for(1)
        v2_id = await sdk_a.get_id(v2_ocid)
        accepted = await sdk_a.accept_friend_invitation(friend_id=v2_id)
        assert (await v2.next(10))["data"]["ocid"] == v2_ocid
        await sdk_a.send_msg(accepted.session_id, "private from grpc")
        assert await _texts(v2, 1, 2) == ["private from grpc"]
        await v2.send(
            {
                "code": 0,
                "data": {"sender": {"private_id": grpc_user.ocid}, "msg": "private from v2"},
            }
        )
        assert await _texts(v2, 1, 2) == ["private from v2"]  # its own, pushed back

        # a group of all four (the v3 and REST accounts accept over gRPC: the same accounts)
        created = await sdk_a.new_session(members=[v2_id], name="everyone")
        group = created.session_id
        for ocid in (v3_ocid, rest_user["ocid"]):
            member_id = await sdk_a.get_id(ocid)
            await sdk_a.invite_user_to_session(session_id=group, invitee=member_id)
            async with OurChatClient(b[0]) as sdk_b:
                await sdk_b.login(PASSWORD, ocid=ocid)
                await sdk_b.accept_join_session_invitation(
                    session_id=group, inviter_id=grpc_user.id
                )
        async with websockets.connect(
            f"ws://{b[1]}/api/v1/push",
            additional_headers={"Cookie": f"sessionid={rest.cookies.get('sessionid')}"},
        ) as push:
            assert json.loads(await push.recv())["message"] == "start"
            await sdk_a.send_msg(group, "g1 grpc")
            await v2.send({"code": 0, "data": {"sender": {"group_id": str(group)}, "msg": "g2 v2"}})
            await asyncio.sleep(0.2)
            await v3.send(
                {
                    "code": 0,
                    "sender": {"session_id": str(group)},
                    "msg": [{"type": 0, "text": "g3 v3"}],
                }
            )
            await asyncio.sleep(0.2)
            sent = await rest.post(
                "/messages",
                json={"chatId": str(group), "info": [{"category": 0, "content": "g4 rest"}]},
            )
            assert sent.json()["status"] == 1
            everyone = ["g1 grpc", "g2 v2", "g3 v3", "g4 rest"]
            assert await _texts(v2, 4, 2) == everyone
            assert await _texts(v3, 4, 3) == everyone
            last = v3.frames[-1]  # the last event the v3 client saw
            assert [_info_text(p) for p in await _push_messages(push, 4)] == everyone
            assert await _grpc_texts(stream, 4) == everyone

            # the REST user misses an acknowledgement, the v3 user goes away
            await sdk_a.send_msg(group, "unacked")
            await _push_messages(push, 1, ack=False)
        await v3.close()
        await sdk_a.send_msg(group, "while away 1")
        await sdk_a.send_msg(group, "while away 2")

        # both come back on the other process
        v3_again = await _json(stack, a[1], 3)
        await v3_again.ask(
            {
                "code": 6,
                "login_type": 1,
                "account": v3_ocid,
                "password": PASSWORD,
                "since": last["time"],
                "since_id": last["msg_id"],
            },
            7,
        )
        assert await _texts(v3_again, 3, 3) == ["unacked", "while away 1", "while away 2"]
        async with websockets.connect(
            f"ws://{a[1]}/api/v1/push",
            additional_headers={"Cookie": f"sessionid={rest.cookies.get('sessionid')}"},
        ) as push:
            assert json.loads(await push.recv())["message"] == "restart"
            again = await _push_messages(push, 3)
            assert [_info_text(p) for p in again] == ["unacked", "while away 1", "while away 2"]
            await sdk_a.send_msg(group, "live again")
            assert [_info_text(p) for p in await _push_messages(push, 1)] == ["live again"]
            assert await _texts(v3_again, 1, 3) == ["live again"]
            assert [f for f in await v3_again.quiet() if f["code"] == 0] == []
