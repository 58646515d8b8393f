"""The rules of gRPC hold on the JSON gateway: server bans, mutes and the rate limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from ourchat import details
from ourchat.config import Settings
from ourchat.domain import server_bans
from ourchat.server.app import OurChatServer
from tests.gateways.support import PASSWORD, as_user, json_client
from tests.gateways.test_json_v3 import register
from tests.helpers import User, make_group
from tests.rpc.files.support import deps_of

NewUser = Callable[..., Awaitable[User]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small limits, so a test reaches them."""
    settings.send_msgs_per_user_burst = 3
    settings.send_msgs_per_user_per_minute = 1
    settings.auth_calls_per_address_burst = 6
    settings.auth_calls_per_address_per_minute = 1
    return settings


def text(session_id: int, words: str) -> dict[str, object]:
    return {
        "code": 0,
        "sender": {"session_id": str(session_id)},
        "msg": [{"type": 0, "text": words}],
    }


async def test_a_server_ban_ends_the_push_and_refuses_the_login(
    server: OurChatServer, new_user: NewUser
) -> None:
    admin = await new_user("admin")
    async with json_client(server) as client:
        created = await register(client)
        me = await as_user(server, created["ocid"], created["email"], admin.client)
        await server_bans.ban(
            deps_of(server), caller_id=admin.id, user_id=me.id, reason=None, duration_us=None
        )
        assert await client.next(18) == {"code": 18, "details": details.USER_BANNED}
        again = await client.ask(
            {"code": 6, "login_type": 1, "account": me.ocid, "password": PASSWORD}, 7
        )
        assert (again["status"], again["details"]) == (1, details.USER_BANNED)
        assert client.is_open


async def test_a_muted_member_cannot_send(server: OurChatServer, new_user: NewUser) -> None:
    owner = await new_user("owner")
    async with json_client(server) as client:
        created = await register(client)
        me = await as_user(server, created["ocid"], created["email"], owner.client)
        group = await make_group(deps_of(server), owner, me)
        await owner.client.mute_user(session_id=group, user_ids=[me.id])
        refused = await client.ask(text(group, "let me speak"), 18)
        assert refused["details"] == details.USER_MUTED


async def test_the_send_limit_applies_per_account(server: OurChatServer, new_user: NewUser) -> None:
    other = await new_user("other")
    async with json_client(server) as client:
        created = await register(client)
        me = await as_user(server, created["ocid"], created["email"], other.client)
        group = await make_group(deps_of(server), other, me)
        for n in range(3):
            await client.send(text(group, f"m{n}"))
            await client.next(0)
        refused = await client.ask(text(group, "one too many"), 18)
        assert refused["details"] == details.TOO_MANY_REQUESTS


async def test_the_login_limit_applies_per_address(server: OurChatServer) -> None:
    async with json_client(server) as client:
        created = await register(client)  # one auth call
        login = {"code": 6, "login_type": 1, "account": created["ocid"], "password": "wrong"}
        statuses = [(await client.ask(login, 7))["details"] for _ in range(6)]
        assert statuses[-1] == details.TOO_MANY_REQUESTS
        assert statuses[0] == details.WRONG_PASSWORD
