"""domain.files.require_readable: the check SendMsg and the avatar setters rely on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
import pytest

from ourchat import details
from ourchat.domain import files as file_rules
from ourchat.errors import PermissionDenied
from ourchat.server.app import OurChatServer
from tests.helpers import User
from tests.rpc.files.support import deps_of, make_session, remove_member, upload

NewUser = Callable[..., Awaitable[User]]


async def test_every_key_must_be_readable(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    carol = await new_user("carol")
    session_id = await make_session(server, alice.id, [bob.id])
    own = await upload(alice.client, b"own")
    shared = await upload(bob.client, b"shared", session_id=session_id)
    bobs = await upload(bob.client, b"bob's")
    deps = deps_of(server)

    async def check(keys: list[str], user_id: int) -> None:
        async with deps.db.read() as conn:
            await file_rules.require_readable(conn, keys, user_id)

    await check([], carol.id)
    await check([own, shared, own], alice.id)
    await check([shared, bobs], bob.id)
    refusals = [
        ([bobs], alice.id),
        ([own, "unknown"], alice.id),
        ([shared], carol.id),
        ([own, shared, bobs], alice.id),
    ]
    for keys, user_id in refusals:
        with pytest.raises(PermissionDenied) as info:
            await check(keys, user_id)
        assert (info.value.code, info.value.detail) == (
            grpc.StatusCode.PERMISSION_DENIED,
            details.PERMISSION_DENIED,
        )
    await remove_member(server, session_id, alice.id)
    with pytest.raises(PermissionDenied):
        await check([shared], alice.id)
