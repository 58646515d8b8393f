"""Strings holding NUL (which PostgreSQL text cannot store) get the answers of any other value.

Such a character reaches storage as U+FFFD on both databases: a lookup by it finds nothing,
a stored text keeps every other character.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from ourchat import details
from ourchat.client import OurChatClient, OurChatRpcError
from tests.helpers import PASSWORD, User, expect_error

NewUser = Callable[..., Awaitable[User]]


async def answer(awaitable: Awaitable[object]) -> tuple[grpc.StatusCode, str]:
    try:
        await awaitable
    except OurChatRpcError as exc:
        return exc.code, exc.detail
    return grpc.StatusCode.OK, ""


async def test_lookups_by_text_with_nul_find_nothing(
    new_user: NewUser, connect: Callable[[], OurChatClient]
) -> None:
    alice = await new_user("alice")
    await expect_error(
        connect().login(PASSWORD, ocid=alice.ocid + "\x00"),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    unknown_avatar = await answer(alice.client.set_self_info(avatar_key="no-such-file"))
    nul_avatar = await answer(alice.client.set_self_info(avatar_key="\x00"))
    assert nul_avatar == unknown_avatar
    assert nul_avatar[0] != grpc.StatusCode.INTERNAL


async def test_a_stored_text_keeps_its_other_characters(new_user: NewUser) -> None:
    alice = await new_user("alice")
    await alice.client.set_self_info(user_name="ali\x00ce")
    info = await alice.client.get_account_info()
    assert info.user_name == "ali\ufffdce"
