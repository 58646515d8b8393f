"""Every ServerManageService method x every kind of caller: the exact refusal, or the effect.

Callers: an administrator (role 1), a holder of a role lacking the method's permission, a plain
user, a banned administrator and a deleted (unregistered) administrator. Ban and deletion win
over the role. Each test covers one method; refusals are checked first (they change nothing),
then the administrator's call and its effect.
"""

from __future__ import annotations

import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.protobuf.message import Message

from ourchat import details
from ourchat._pb.service.basic.server.v1.server_pb2 import RUNNING_STATUS_MAINTAINING
from ourchat._pb.service.ourchat.msg_delivery.announcement.v1.announcement_pb2 import (
    Announcement,
)
from ourchat._pb.service.server_manage.config.v1 import config_pb2
from ourchat._pb.service.server_manage.delete_account.v1 import delete_account_pb2
from ourchat._pb.service.server_manage.monitoring.v1 import monitoring_pb2
from ourchat._pb.service.server_manage.publish_announcement.v1 import publish_announcement_pb2
from ourchat._pb.service.server_manage.session_manage.v1 import session_manage_pb2
from ourchat._pb.service.server_manage.set_server_status.v1 import set_server_status_pb2
from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as um
from ourchat.client import OurChatRpcError
from ourchat.domain import server_metrics
from ourchat.ids import ServerPermission as P
from ourchat.rpc.convert import timestamp
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, User, expect_error, kinds, make_group
from tests.rpc.server_manage.common import SM, ban_directly, grant, new_role, role_without

DENIED = (grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)
BANNED = (grpc.StatusCode.UNAUTHENTICATED, details.USER_BANNED)
DELETED = (grpc.StatusCode.UNAUTHENTICATED, details.ACCOUNT_DELETED)


@dataclass
class World:
    """The callers and a target user of one test."""

    server: OurChatServer
    admin: User
    lacking: User
    plain: User
    banned: User
    deleted: User
    target: User


@dataclass
class Case:
    """One method: its request, what the lacking role misses, and how to check the effect."""

    method: str
    request: Callable[[World], Awaitable[Message]]
    lacking: tuple[P, ...] | None  # None: any server role will do (the lacking role has none)
    check: Callable[[World, Any], Awaitable[None]]


async def _call(user: User, method: str, request: Message) -> tuple[Any, tuple[object, str]]:
    try:
        return await user.client.call(SM + method, request), (grpc.StatusCode.OK, "")
    except OurChatRpcError as exc:
        return None, (exc.code, exc.detail)


# Requests and effects -------------------------------------------------------------------


async def _delete_request(w: World) -> Message:
    return delete_account_pb2.DeleteAccountRequest(user_id=w.target.id)


async def _delete_check(w: World, _: Any) -> None:
    await expect_error(
        w.target.client.get_account_info(),
        grpc.StatusCode.UNAUTHENTICATED,
        details.USER_NOT_FOUND,
    )
    await expect_error(
        w.admin.client.get_id(w.target.ocid), grpc.StatusCode.NOT_FOUND, details.USER_NOT_FOUND
    )


async def _status_request(w: World) -> Message:
    return set_server_status_pb2.SetServerStatusRequest(
        server_status=set_server_status_pb2.SERVER_STATUS_MAINTAINING, reason="upgrade"
    )


async def _status_check(w: World, _: Any) -> None:
    assert (await w.plain.client.get_server_info()).status == RUNNING_STATUS_MAINTAINING
    await expect_error(
        w.plain.client.get_account_info(),
        grpc.StatusCode.UNAVAILABLE,
        details.SERVER_MAINTAINING,
    )
    await w.admin.client.set_maintenance(False)
    assert (await w.plain.client.get_server_info()).status == 0


async def _announce_request(w: World) -> Message:
    return publish_announcement_pb2.PublishAnnouncementRequest(
        announcement=Announcement(title="Hello", content="All", publisher_id=w.plain.id)
    )


async def _announce_check(w: World, response: Any) -> None:
    ann = response.announcement
    assert (ann.announcement.title, ann.announcement.publisher_id) == ("Hello", w.admin.id)
    stream = Stream(w.target.client)
    try:
        [event] = await stream.wait_for(1)
        assert kinds([event]) == ["announcement_response"]
        assert event.msg_id == ann.id  # type: ignore[attr-defined]
    finally:
        await stream.close()


async def _get_config_request(w: World) -> Message:
    return config_pb2.GetConfigRequest()


async def _get_config_check(w: World, response: Any) -> None:
    assert tomllib.loads(response.content)["max_message_bytes"] == 16384


async def _set_config_request(w: World) -> Message:
    return config_pb2.SetConfigRequest(content="max_message_bytes = 100")


async def _set_config_check(w: World, response: Any) -> None:
    assert response.success
    assert not response.requires_restart
    assert w.server.deps is not None
    assert w.server.deps.settings.max_message_bytes == 100


async def _monitoring_request(w: World) -> Message:
    return monitoring_pb2.GetMonitoringMetricsRequest()


async def _monitoring_check(w: World, response: Any) -> None:
    # admin, lacking, plain, banned, target are active; the deleted one is not counted.
    assert response.metrics.total_users == 5


async def _history_request(w: World) -> Message:
    assert w.server.deps is not None
    assert await server_metrics.take_snapshot(w.server.deps)
    now = w.server.deps.clock.now_us()
    return monitoring_pb2.GetHistoricalMetricsRequest(
        start_time=timestamp(now - 3_600_000_000), end_time=timestamp(now)
    )


async def _history_check(w: World, response: Any) -> None:
    [point] = response.data_points
    assert point.metrics.total_users == 5


async def _list_users_request(w: World) -> Message:
    return um.ListUsersRequest()


async def _list_users_check(w: World, response: Any) -> None:
    assert response.total_count == 6
    assert {u.id for u in response.users} >= {w.admin.id, w.target.id, w.deleted.id}


async def _ban_request(w: World) -> Message:
    return um.BanUserRequest(user_id=w.target.id, reason="spam")


async def _ban_check(w: World, _: Any) -> None:
    await expect_error(
        w.target.client.get_account_info(), grpc.StatusCode.UNAUTHENTICATED, details.USER_BANNED
    )


async def _unban_request(w: World) -> Message:
    assert w.server.deps is not None
    await ban_directly(w.server.deps, w.target.id)
    return um.UnbanUserRequest(user_id=w.target.id)


async def _unban_check(w: World, _: Any) -> None:
    await w.target.client.get_account_info()


async def _assign_request(w: World) -> Message:
    return um.AssignServerRoleRequest(user_id=w.target.id, role_id=1)


async def _assign_check(w: World, _: Any) -> None:
    assert await w.target.client.server_roles_of(w.target.id) == [1]


async def _remove_request(w: World) -> Message:
    assert w.server.deps is not None
    await grant(w.server.deps, w.target.id)
    return um.RemoveServerRoleRequest(user_id=w.target.id, role_id=1)


async def _remove_check(w: World, _: Any) -> None:
    assert await w.target.client.server_roles_of(w.target.id) == []


async def _user_roles_request(w: World) -> Message:
    return um.ListUserServerRolesRequest(user_id=w.admin.id)


async def _user_roles_check(w: World, response: Any) -> None:
    assert list(response.role_ids) == [1]
    # One's own roles are always visible, even to a plain user.
    assert await w.plain.client.server_roles_of(w.plain.id) == []


async def _roles_request(w: World) -> Message:
    return um.ListServerRolesRequest()


async def _roles_check(w: World, response: Any) -> None:
    assert (response.roles[0].id, response.roles[0].name) == (1, "admin")
    assert response.roles[0].description == "administrator"


async def _role_permissions_request(w: World) -> Message:
    return um.ListServerRolePermissionsRequest(role_id=1)


async def _role_permissions_check(w: World, response: Any) -> None:
    assert [(p.id, p.name) for p in response.permissions] == [
        (1, "publish_announcement"),
        (2, "ban_user"),
        (3, "mute_user"),
        (4, "view_configuration"),
        (5, "modify_configuration"),
        (6, "view_monitoring"),
        (7, "view_users"),
        (8, "manage_sessions"),
        (9, "assign_role"),
    ]


async def _sessions_request(w: World) -> Message:
    assert w.server.deps is not None
    await make_group(w.server.deps, w.target, w.plain)
    return session_manage_pb2.ListSessionsRequest()


async def _sessions_check(w: World, response: Any) -> None:
    groups = [s for s in response.sessions if s.name == "group"]
    assert [(s.size, list(s.members)) for s in groups] == [(2, [])]


CASES = [
    Case("DeleteAccount", _delete_request, (P.BAN_USER,), _delete_check),
    Case("SetServerStatus", _status_request, (P.MODIFY_CONFIGURATION,), _status_check),
    Case("PublishAnnouncement", _announce_request, (P.PUBLISH_ANNOUNCEMENT,), _announce_check),
    Case("GetConfig", _get_config_request, (P.VIEW_CONFIGURATION,), _get_config_check),
    Case("SetConfig", _set_config_request, (P.MODIFY_CONFIGURATION,), _set_config_check),
    Case("GetMonitoringMetrics", _monitoring_request, (P.VIEW_MONITORING,), _monitoring_check),
    Case("GetHistoricalMetrics", _history_request, (P.VIEW_MONITORING,), _history_check),
    Case("ListUsers", _list_users_request, (P.VIEW_USERS,), _list_users_check),
    Case("BanUser", _ban_request, (P.BAN_USER,), _ban_check),
    Case("UnbanUser", _unban_request, (P.BAN_USER,), _unban_check),
    Case("AssignServerRole", _assign_request, (P.ASSIGN_ROLE,), _assign_check),
    Case("RemoveServerRole", _remove_request, (P.ASSIGN_ROLE,), _remove_check),
    Case(
        "ListUserServerRoles",
        _user_roles_request,
        (P.VIEW_USERS, P.ASSIGN_ROLE),
        _user_roles_check,
    ),
    Case("ListServerRoles", _roles_request, None, _roles_check),
    Case("ListServerRolePermissions", _role_permissions_request, None, _role_permissions_check),
    Case("ListSessions", _sessions_request, (P.MANAGE_SESSIONS,), _sessions_check),
]


def test_every_method_is_in_the_matrix() -> None:
    from ourchat.server.servicers import SERVICES

    names = {m.name for m in SERVICES["server_manage"].methods}
    assert names == {c.method for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.method)
async def test_method_by_caller(
    case: Case, server: OurChatServer, new_user: Callable[..., Awaitable[User]]
) -> None:
    deps = server.deps
    assert deps is not None
    admin, lacking, plain, banned, deleted, target = [
        await new_user(n) for n in ("admin", "lacking", "plain", "banned", "deleted", "target")
    ]
    for user in (admin, banned, deleted):
        await grant(deps, user.id)
    role = (
        await role_without(deps, *case.lacking)
        if case.lacking is not None
        else await new_role(deps, [], "no-permissions")
    )
    await grant(deps, lacking.id, role)
    await ban_directly(deps, banned.id)
    await deleted.client.unregister()
    world = World(server, admin, lacking, plain, banned, deleted, target)

    request = await case.request(world)
    outcomes = {}
    callers = [("plain", plain), ("banned", banned), ("deleted", deleted)]
    if case.lacking is not None:
        callers.append(("lacking", lacking))
    for name, user in callers:
        outcomes[name] = (await _call(user, case.method, request))[1]
    expected = {"plain": DENIED, "banned": BANNED, "deleted": DELETED}
    if case.lacking is not None:
        expected["lacking"] = DENIED
    assert outcomes == expected

    caller = admin if case.lacking is not None else lacking
    response, outcome = await _call(caller, case.method, request)
    assert outcome == (grpc.StatusCode.OK, "")
    await case.check(world, response)
    if case.lacking is None:
        response, outcome = await _call(admin, case.method, request)
        assert outcome == (grpc.StatusCode.OK, "")
        await case.check(world, response)
