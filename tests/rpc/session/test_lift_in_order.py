"""UnbanUser / UnmuteUser with several users lift them in order (BEHAVIOR §18).

Each banned (muted) target is lifted; the first target that is not banned (muted), or that
the caller may not lift, stops the call with its error, and the ones lifted before it stay
lifted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from ourchat import details
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from tests.helpers import User, expect_error, make_group
from tests.rpc.session.test_ban import ban, ban_rows, unban
from tests.rpc.session.test_mute import mute, mute_rows, unmute

NewUser = Callable[..., Awaitable[User]]
OWNER, ADMIN, MEMBER = PredefinedRole.OWNER, PredefinedRole.ADMIN, PredefinedRole.MEMBER


async def test_unban_stops_at_the_first_user_not_banned(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, b, c, d = [await new_user(n) for n in ("owner", "b", "c", "d")]
    session = await make_group(server.deps, owner, b, c, d)
    await ban(owner, session, b.id, d.id)
    await expect_error(
        unban(owner, session, b.id, c.id, d.id),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_BANNED,
    )
    # b was lifted before c stopped the call; d, after c, is still banned.
    assert {user for user, _ in await ban_rows(server.deps, session)} == {d.id}
    await unban(owner, session, d.id)
    assert await ban_rows(server.deps, session) == set()


async def test_unmute_stops_at_the_first_user_not_muted(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, b, c, d = [await new_user(n) for n in ("owner", "b", "c", "d")]
    session = await make_group(server.deps, owner, b, c, d)
    await mute(owner, session, b.id, d.id)
    await expect_error(
        unmute(owner, session, b.id, c.id, d.id),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_MUTED,
    )
    assert {user for user, _ in await mute_rows(server.deps, session)} == {d.id}


async def test_a_target_the_caller_may_not_lift_stops_the_call_too(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    owner, admin, admin2, b = [await new_user(n) for n in ("owner", "admin", "admin2", "b")]
    session = await make_group(
        server.deps, owner, admin, admin2, b, roles=(OWNER, ADMIN, ADMIN, MEMBER)
    )
    await mute(owner, session, b.id, admin2.id)
    await expect_error(
        unmute(admin, session, b.id, admin2.id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    assert {user for user, _ in await mute_rows(server.deps, session)} == {admin2.id}
