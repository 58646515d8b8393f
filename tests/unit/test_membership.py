"""Membership primitives: a second admission of a member is refused, not a server error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from ourchat import details
from ourchat.domain import membership
from ourchat.errors import AlreadyExists
from ourchat.server.app import OurChatServer
from ourchat.storage import sessions as session_store
from ourchat.storage.uow import unit_of_work
from tests.helpers import User, make_group


async def test_joining_twice_is_already_in_session_and_changes_nothing(
    server: OurChatServer, new_user: Callable[..., Awaitable[User]]
) -> None:
    deps = server.deps
    assert deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(deps, alice, bob)
    with pytest.raises(AlreadyExists) as refused:
        async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
            await membership.join(tx, session, bob.id)
    assert refused.value.detail == details.USER_ALREADY_IN_SESSION
    async with deps.db.read() as conn:
        assert await session_store.member_ids(conn, session) == [alice.id, bob.id]
