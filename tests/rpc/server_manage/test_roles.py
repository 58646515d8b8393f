"""Server roles: the first administrator, several roles per user, the last administrator kept,
and server admins moderating any session (permission 8)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
import pytest

from ourchat import details
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as info_pb
from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.ids import ServerPermission
from ourchat.server.app import OurChatServer
from tests.helpers import User, expect_error, make_group, register_user
from tests.rpc.server_manage.common import grant, new_role

NewUser = Callable[..., Awaitable[User]]
DENIED = (grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)


async def test_initial_admin_ocid_grants_the_admin_role_at_every_start(
    settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    first = OurChatServer(settings.model_copy(update={"initial_admin_ocid": "nobody"}), clock=clock)
    await first.start()  # an unknown ocid never stops start-up
    client = OurChatClient(f"127.0.0.1:{first.port}")
    try:
        user = await register_user(client, "op")
        assert await client.server_roles_of(user.id) == []
    finally:
        await client.close()
        await first.stop(grace=0.5)
    assert "names no account" in caplog.text

    for _ in range(2):  # idempotent
        server = OurChatServer(
            settings.model_copy(update={"initial_admin_ocid": user.ocid}), clock=clock
        )
        await server.start()
        client = OurChatClient(f"127.0.0.1:{server.port}", token=user.client.token)
        try:
            assert await client.server_roles_of(user.id) == [1]
            assert [r[0] for r in await client.server_roles()] == [1]
        finally:
            await client.close()
            await server.stop(grace=0.5)


async def test_assign_is_idempotent_and_refuses_unknown_users_and_roles(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin, bob = await new_user("admin"), await new_user("bob")
    await grant(server.deps, admin.id)
    extra = await new_role(server.deps, [int(ServerPermission.VIEW_USERS)], "viewer")
    await admin.client.assign_server_role(bob.id, extra)
    await admin.client.assign_server_role(bob.id, extra)
    await admin.client.assign_server_role(bob.id, 1)
    assert await admin.client.server_roles_of(bob.id) == [1, extra]
    await expect_error(
        admin.client.assign_server_role(424242, 1),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
    await expect_error(
        admin.client.assign_server_role(bob.id, 99),
        grpc.StatusCode.NOT_FOUND,
        details.ROLE_NOT_FOUND,
    )
    await admin.client.remove_server_role(bob.id, 99)  # not held: nothing to do
    await admin.client.remove_server_role(bob.id, 1)
    assert await bob.client.server_roles_of(bob.id) == [extra]
    # The viewer role alone lets bob see others' roles (permission 7) but not assign.
    assert await bob.client.server_roles_of(admin.id) == [1]
    await expect_error(bob.client.assign_server_role(bob.id, 1), *DENIED)


async def test_the_last_administrator_cannot_be_removed_or_deleted(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin, second = await new_user("admin"), await new_user("second")
    await grant(server.deps, admin.id)
    await expect_error(admin.client.remove_server_role(admin.id, 1), *DENIED)
    await expect_error(admin.client.delete_account(admin.id), *DENIED)
    await admin.client.assign_server_role(second.id, 1)
    await admin.client.remove_server_role(admin.id, 1)
    assert await second.client.server_roles_of(admin.id) == []
    await expect_error(second.client.remove_server_role(second.id, 1), *DENIED)


async def test_server_admins_moderate_any_group_session(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin, owner, member = await new_user("admin"), await new_user("own"), await new_user("mem")
    session = await make_group(server.deps, owner, member)
    wanted = [info_pb.QUERY_VALUES_MEMBERS, info_pb.QUERY_VALUES_ROLES]
    await expect_error(admin.client.get_session_info(session_id=session, values=wanted), *DENIED)
    await expect_error(admin.client.kick_user(session_id=session, user_id=owner.id), *DENIED)

    moderator = await new_role(server.deps, [int(ServerPermission.MANAGE_SESSIONS)], "mod")
    await grant(server.deps, admin.id, moderator)

    info = await admin.client.get_session_info(session_id=session, values=wanted)
    assert sorted(info.members) == sorted([owner.id, member.id])
    await admin.client.kick_user(session_id=session, user_id=owner.id)  # owners included
    info = await admin.client.get_session_info(session_id=session, values=wanted)
    assert list(info.members) == [member.id]
    await admin.client.delete_session(session_id=session)
    await expect_error(
        admin.client.get_session_info(session_id=session, values=wanted),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_NOT_FOUND,
    )
