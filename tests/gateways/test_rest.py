"""The REST API under /api/v1 over a real socket: every route, its success and error forms."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import websockets

from ourchat import details
from ourchat.client import OurChatClient
from ourchat.domain import server_bans, state_sync
from ourchat.gateways.rest import push
from ourchat.gateways.rest.envelope import NOT_LOGGED_IN, Status
from ourchat.server.app import OurChatServer
from ourchat.storage import server_state
from tests.gateways.support import PASSWORD, http_address
from tests.helpers import Stream, User, kinds, make_group, png
from tests.rpc.files.support import deps_of, download

NewUser = Callable[..., Awaitable[User]]
_phones = itertools.count(13800000001)


@pytest.fixture
async def rest(server: OurChatServer) -> AsyncIterator[Callable[[], httpx.AsyncClient]]:
    """A factory of REST clients (each with its own cookie jar; closed after the test)."""
    clients: list[httpx.AsyncClient] = []

    def make() -> httpx.AsyncClient:
        client = httpx.AsyncClient(base_url=f"http://{http_address(server)}/api/v1", timeout=30)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def body(response: httpx.Response) -> dict[str, Any]:
    """The envelope of a response (checked to have the seed's four keys)."""
    data: dict[str, Any] = response.json()
    assert set(data) == {"status", "result", "message", "date"}, data
    return data


async def signed_up(client: httpx.AsyncClient) -> dict[str, Any]:
    """Register and log in a fresh phone account; returns ``{"id", "ocid", "phone"}``."""
    phone = str(next(_phones))
    registered = body(await client.post("/register", json={"phone": phone, "password": PASSWORD}))
    assert registered["status"] == Status.SUCCESS, registered
    logged = body(await client.post("/login", json={"phone": phone, "password": PASSWORD}))
    assert logged["status"] == Status.SUCCESS, logged
    return {**logged["result"], "phone": phone}


async def test_register_and_login_status_codes(rest: Callable[[], httpx.AsyncClient]) -> None:
    client = rest()
    me = await signed_up(client)
    assert client.cookies.get("sessionid")

    async def register(payload: dict[str, Any]) -> int:
        return int(body(await rest().post("/register", json=payload))["status"])

    assert await register({"password": PASSWORD}) == Status.NULL_PHONE
    assert await register({"phone": "13900000000"}) == Status.NULL_PASSWORD
    assert await register({"phone": "12ab34", "password": PASSWORD}) == Status.FORMAT_ERROR_PHONE
    assert (
        await register({"phone": "123", "password": PASSWORD}) == Status.FORMAT_ERROR_PHONE_LENGTH
    )
    assert await register({"phone": "13900000001", "password": "abc"}) == (
        Status.FORMAT_ERROR_PASSWORD_LENGTH
    )
    assert await register({"phone": me["phone"], "password": PASSWORD}) == Status.SAME_PHONE
    assert await register({"phone": 13900000002, "password": PASSWORD}) == Status.SUCCESS

    other = rest()
    wrong = body(await other.post("/login", json={"phone": me["phone"], "password": "wrong-one"}))
    assert (wrong["status"], wrong["message"]) == (Status.ERROR_PASSWORD, details.WRONG_PASSWORD)
    nobody = body(await other.post("/login", json={"phone": "13911111111", "password": PASSWORD}))
    assert nobody["status"] == Status.NULL_USER
    again = body(await client.post("/login", json={"phone": me["phone"], "password": PASSWORD}))
    assert again["status"] == Status.ERROR_REPEAT_LOGIN
    assert body(await client.post("/logout"))["status"] == Status.SUCCESS
    assert not client.cookies.get("sessionid")
    refused = await client.get("/account")
    assert refused.status_code == 401
    assert body(refused)["message"] == NOT_LOGGED_IN


async def test_a_weak_password_is_a_password_format_error(
    server: OurChatServer, rest: Callable[[], httpx.AsyncClient]
) -> None:
    deps_of(server).settings.password_strength_limit = 4
    reply = body(
        await rest().post("/register", json={"phone": "13922222222", "password": "aaaaaa"})
    )
    assert reply["status"] == Status.FORMAT_ERROR_PASSWORD


async def test_account_completion_and_other_users(
    rest: Callable[[], httpx.AsyncClient], new_user: NewUser
) -> None:
    client = rest()
    me = await signed_up(client)
    mine = body(await client.get("/account"))
    assert mine["result"]["account"] == me["ocid"]
    assert mine["result"]["isBind"] is True
    assert mine["result"]["user"]["phone"] == me["phone"]

    async def complete(**fields: Any) -> dict[str, Any]:
        return body(await client.post("/account", json=fields))

    done = await complete(username="Alice", desc="hello", sex=2)
    assert done["status"] == Status.SUCCESS
    assert {k: done["result"]["user"][k] for k in ("username", "desc", "sex")} == {
        "username": "Alice",
        "desc": "hello",
        "sex": 2,
    }
    assert (await complete(username=""))["status"] == Status.NULL_USERNAME
    assert (await complete(username="x" * 61))["status"] == Status.FORMAT_ERROR_USER_LENGTH
    assert (await complete(username="bad\x00name"))["status"] == Status.ILLEGAL_USERNAME
    grpc_user = await new_user("taken")
    assert (await complete(username=grpc_user.name.upper()))["status"] == Status.SAME_USERNAME
    assert (await complete(avatar=""))["status"] == Status.NULL_AVATAR
    assert (await complete(avatar="files/nothing-here"))["status"] == Status.FORMAT_ERROR_FILE
    image = base64.b64encode(png(b"avatar")).decode()
    path = body(await client.post("/files", json={"name": "a.png", "content": image}))["result"]
    assert (await complete(avatar=path["path"]))["result"]["user"]["avatar"] == path["path"]

    seen = body(await client.get(f"/users/{grpc_user.id}"))
    assert seen["result"]["user"]["username"] == grpc_user.name
    assert seen["result"]["user"]["isFriend"] is False
    assert seen["result"]["isBind"] is False
    gone = await client.get("/users/12345")
    assert (gone.status_code, body(gone)["status"]) == (404, Status.NULL_USER)
    assert (await client.get("/users/not-a-number")).status_code == 400


async def test_files_are_stored_served_and_checked(rest: Callable[[], httpx.AsyncClient]) -> None:
    client, stranger = rest(), rest()
    await signed_up(client)
    await signed_up(stranger)
    content = b"some bytes" * 100
    stored = body(
        await client.post(
            "/files", json={"name": "f.bin", "content": base64.b64encode(content).decode()}
        )
    )
    path = stored["result"]["path"]
    assert path.startswith("files/")
    assert (await client.get(f"/{path}")).content == content
    denied = await stranger.get(f"/{path}")
    assert (denied.status_code, body(denied)["message"]) == (403, details.PERMISSION_DENIED)
    bad = body(await client.post("/files", json={"name": "x", "content": "%%%"}))
    assert bad["status"] == Status.FORMAT_ERROR_FILE
    empty = body(await client.post("/files", json={"name": "x", "content": ""}))
    assert empty["status"] == Status.FORMAT_ERROR_FILE
    missing = await client.get("/files/unknown")
    assert missing.status_code == 404


async def test_searches_and_friend_pages(
    server: OurChatServer, rest: Callable[[], httpx.AsyncClient], new_user: NewUser
) -> None:
    client = rest()
    me = await signed_up(client)
    await client.post("/account", json={"username": "Searchable Person"})
    found = body(await client.get("/search/users", params={"username": "searchable"}))
    assert [u["id"] for u in found["result"]] == [me["id"]]
    by_phone = body(await client.get("/search/users", params={"phone": me["phone"]}))
    assert [u["id"] for u in by_phone["result"]] == [me["id"]]
    empty = body(await client.get("/search/users", params={"username": "no such person"}))
    assert (empty["status"], empty["result"], empty["message"]) == (0, [], "ok")
    assert body(await client.get("/search/users"))["result"] == []

    friend = await new_user("friend")
    deps = deps_of(server)
    await friend.client.add_friend(friend_id=int(me["id"]))
    me_user = User(int(me["id"]), me["ocid"], "", "", friend.client)
    group = await make_group(deps, friend, me_user)
    await friend.client.set_session_info(session_id=group, name="Findable Group")
    groups = body(await client.get("/search/groups", params={"name": "findable"}))
    assert groups["result"] == [{"id": str(group), "name": "Findable Group", "members": 2}]
    assert body(await client.get("/search/groups", params={"name": "zzz"}))["result"] == []

    assert body(await client.get("/friends/id/1/"))["result"] == []
    assert (await client.get("/friends/colour/1/")).status_code == 400
    assert (await client.get("/friends/id/0/")).status_code == 400


async def push_socket(server: OurChatServer, client: httpx.AsyncClient) -> Any:
    """The push WebSocket with ``client``'s session cookie."""
    token = client.cookies.get("sessionid")
    headers = {"Cookie": f"sessionid={token}"} if token else {}
    return websockets.connect(
        f"ws://{http_address(server)}/api/v1/push", additional_headers=headers
    )


async def next_packet(socket: Any, timeout: float = 15.0) -> dict[str, Any]:
    """The next push packet that is not a heartbeat."""
    async with asyncio.timeout(timeout):
        while True:
            packet: dict[str, Any] = json.loads(await socket.recv())
            if packet["message"] != "":
                return packet


async def test_messages_push_acknowledgement_and_resend(
    server: OurChatServer, rest: Callable[[], httpx.AsyncClient], new_user: NewUser
) -> None:
    client = rest()
    me = await signed_up(client)
    other = await new_user("grpc")
    me_user = User(int(me["id"]), me["ocid"], "", "", other.client)
    group = await make_group(deps_of(server), other, me_user)
    stream = Stream(other.client)
    async with await push_socket(server, client) as socket:
        assert (await next_packet(socket))["message"] == "start"
        sent = body(
            await client.post(
                "/messages",
                json={"chatId": str(group), "type": 7, "info": [{"category": 0, "content": "hi"}]},
            )
        )
        assert sent["status"] == Status.SUCCESS
        events = await stream.wait_for(1)
        assert kinds(events) == ["msg"]
        assert events[0].msg.markdown_text == "hi"  # type: ignore[attr-defined]
        echo = await next_packet(socket)
        assert echo["pushId"] == sent["result"]["msgId"]
        (item,) = echo["message"]
        assert item["info"] == [{"category": 0, "content": "hi"}]
        assert (item["chatId"], item["fromId"], item["type"]) == (str(group), me["id"], 7)
        await socket.send(
            json.dumps({**{k: item[k] for k in ("fromId", "toId", "chatId")}, "content": "ok"})
        )
        unacked = await other.client.send_msg(group, "please ack me")
        packet = await next_packet(socket)
        assert packet["pushId"] == str(unacked.msg_id)
        await socket.send("not json")
        assert (await next_packet(socket))["status"] == 0
        await socket.send(json.dumps({"message": ""}))
    async with await push_socket(server, client) as socket:
        assert (await next_packet(socket))["message"] == "restart"
        again = await next_packet(socket)
        assert again["pushId"] == str(unacked.msg_id)  # sent again: it was never acknowledged
        await socket.send(json.dumps({"pushId": again["pushId"], "content": "ok"}))
        await asyncio.sleep(0.3)
    async with await push_socket(server, client) as socket:
        assert (await next_packet(socket))["message"] == "restart"
        live = await other.client.send_msg(group, "live")
        assert (await next_packet(socket))["pushId"] == str(live.msg_id)
    await stream.close()


async def test_heartbeats_and_refusals_of_the_push_socket(
    server: OurChatServer, rest: Callable[[], httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(push, "HEARTBEAT_SECONDS", 0.1)
    client = rest()
    await signed_up(client)
    async with await push_socket(server, client) as socket:
        await next_packet(socket)
        async with asyncio.timeout(10):
            packet = json.loads(await socket.recv())
        assert packet == {"status": 1, "pushId": "", "message": ""}
    anonymous = rest()
    async with await push_socket(server, anonymous) as socket:
        refused = json.loads(await socket.recv())
        assert (refused["status"], refused["message"]) == (0, details.TOKEN_MISSING)


async def test_private_messages_and_files_in_messages(
    server: OurChatServer, rest: Callable[[], httpx.AsyncClient], new_user: NewUser
) -> None:
    client = rest()
    me = await signed_up(client)
    friend = await new_user("friend")
    await client.get("/account")
    await friend.client.add_friend(friend_id=int(me["id"]))
    stream = Stream(friend.client)
    # the REST user accepts over the same domain rules (through gRPC here: REST has no route)
    async with OurChatClient(f"127.0.0.1:{server.port}") as sdk:
        await sdk.login(PASSWORD, ocid=me["ocid"])
        accepted = await sdk.accept_friend_invitation(friend_id=friend.id)
    content = png(b"picture")
    path = body(
        await client.post(
            "/files",
            json={
                "name": "p.png",
                "content": base64.b64encode(content).decode(),
                "chatId": str(accepted.session_id),
            },
        )
    )["result"]["path"]
    sent = body(
        await client.post(
            "/messages",
            json={
                "toId": str(friend.id),
                "info": [{"category": 0, "content": "look"}, {"category": 1, "content": path}],
            },
        )
    )
    assert sent["status"] == Status.SUCCESS, sent
    await stream.wait_for(1)
    msgs = [e for e in await stream.settle() if kinds([e]) == ["msg"]]
    assert msgs[0].msg.markdown_text == "look\n![image](IO://0)"  # type: ignore[attr-defined]
    assert await download(friend.client, msgs[0].msg.involved_files[0]) == content  # type: ignore[attr-defined]
    stranger = body(
        await client.post(
            "/messages", json={"toId": "99", "info": [{"category": 0, "content": "x"}]}
        )
    )
    assert stranger["message"] == details.FRIEND_NOT_FOUND
    bad = await client.post("/messages", json={"info": []})
    assert (bad.status_code, body(bad)["message"]) == (400, details.REQUEST_INVALID_VALUE)
    await stream.close()


async def test_maintenance_answers_503_in_the_envelope(
    server: OurChatServer, rest: Callable[[], httpx.AsyncClient]
) -> None:
    deps = deps_of(server)
    async with deps.db.write() as conn:
        await server_state.set_maintenance(conn, on=True, reason="", since_us=None)
    await state_sync.refresh(deps)
    reply = await rest().post("/register", json={"phone": "13933333333", "password": PASSWORD})
    assert reply.status_code == 503
    assert (body(reply)["status"], body(reply)["message"]) == (
        Status.ERROR_NET,
        details.SERVER_MAINTAINING,
    )
    assert (await rest().get("/openapi.json")).status_code == 200


async def test_openapi_document_lists_every_route(rest: Callable[[], httpx.AsyncClient]) -> None:
    document = (await rest().get("/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {
        "/register",
        "/login",
        "/logout",
        "/account",
        "/users/{user_id}",
        "/files",
        "/files/{key}",
        "/search/users",
        "/search/groups",
        "/friends/{field}/{page}/",
        "/messages",
    }


async def test_unknown_routes_and_methods_answer_in_the_envelope(
    rest: Callable[[], httpx.AsyncClient],
) -> None:
    missing = await rest().get("/no/such/route")
    assert (missing.status_code, body(missing)["status"]) == (404, 0)
    wrong = await rest().get("/register")
    assert (wrong.status_code, body(wrong)["status"]) == (405, 0)


async def test_a_server_ban_refuses_the_cookie_and_the_login(
    server: OurChatServer, rest: Callable[[], httpx.AsyncClient], new_user: NewUser
) -> None:
    admin = await new_user("admin")
    client = rest()
    me = await signed_up(client)
    assert body(await client.get("/account"))["status"] == Status.SUCCESS
    await server_bans.ban(
        deps_of(server), caller_id=admin.id, user_id=int(me["id"]), reason=None, duration_us=None
    )
    refused = await client.get("/account")
    assert refused.status_code == 401
    assert (body(refused)["status"], body(refused)["message"]) == (
        Status.FAILURE,
        details.USER_BANNED,
    )
    again = await rest().post("/login", json={"phone": me["phone"], "password": PASSWORD})
    assert again.status_code == 401
    assert body(again)["message"] == details.USER_BANNED
