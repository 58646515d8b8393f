"""An administrator's odd requests get clear answers, never INTERNAL, and change nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ourchat._pb.service.ourchat.msg_delivery.announcement.v1.announcement_pb2 import (
    Announcement,
)
from ourchat._pb.service.server_manage.config.v1 import config_pb2
from ourchat._pb.service.server_manage.delete_account.v1 import delete_account_pb2
from ourchat._pb.service.server_manage.publish_announcement.v1 import publish_announcement_pb2
from ourchat._pb.service.server_manage.session_manage.v1 import session_manage_pb2 as sm
from ourchat._pb.service.server_manage.set_server_status.v1 import set_server_status_pb2 as ss
from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as um
from ourchat.client import OurChatRpcError
from ourchat.server.app import OurChatServer
from tests.helpers import User
from tests.rpc.server_manage.common import SM, grant

HUGE = 2**64 - 1
NUL = "a\x00b"


async def test_odd_requests_are_answered_plainly(
    server: OurChatServer, new_user: Callable[..., Awaitable[User]]
) -> None:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    requests: list[tuple[str, Message]] = [
        ("DeleteAccount", delete_account_pb2.DeleteAccountRequest(user_id=HUGE)),
        ("BanUser", um.BanUserRequest(user_id=HUGE)),
        ("BanUser", um.BanUserRequest(user_id=admin.id + 1, reason=NUL)),
        ("UnbanUser", um.UnbanUserRequest(user_id=HUGE)),
        ("AssignServerRole", um.AssignServerRoleRequest(user_id=HUGE, role_id=HUGE)),
        ("AssignServerRole", um.AssignServerRoleRequest(user_id=admin.id, role_id=HUGE)),
        ("RemoveServerRole", um.RemoveServerRoleRequest(user_id=HUGE, role_id=HUGE)),
        ("ListUserServerRoles", um.ListUserServerRolesRequest(user_id=HUGE)),
        ("ListServerRolePermissions", um.ListServerRolePermissionsRequest(role_id=HUGE)),
        (
            "ListUsers",
            um.ListUsersRequest(
                filter=um.UserFilter(email=NUL, user_name="%_\\", account_status=-7),
                pagination=um.Pagination(page=2**32 - 1, page_size=2**32 - 1),
            ),
        ),
        (
            "ListUsers",
            um.ListUsersRequest(
                filter=um.UserFilter(registered_after=Timestamp(seconds=-(10**12)))
            ),
        ),
        (
            "ListSessions",
            sm.ListSessionsRequest(
                filter=sm.SessionFilter(owner_id=HUGE, session_name=NUL, session_type=99),
                pagination=sm.Pagination(page=2**32 - 1),
                query_values=[12345],  # type: ignore[list-item]
            ),
        ),
        ("ListSessions", sm.ListSessionsRequest(filter=sm.SessionFilter(owner_id=HUGE))),
        (
            "PublishAnnouncement",
            publish_announcement_pb2.PublishAnnouncementRequest(
                announcement=Announcement(title=NUL, content="x" * 100_000)
            ),
        ),
        ("SetServerStatus", ss.SetServerStatusRequest(server_status=-1, reason=NUL)),
        ("SetConfig", config_pb2.SetConfigRequest(content="support_page = 'a\x00b'")),
        ("SetConfig", config_pb2.SetConfigRequest(content="[ourchat]\n[ourchat]\n")),
        ("SetConfig", config_pb2.SetConfigRequest(content="contacts = [{role = 'x'}]")),
    ]
    outcomes = []
    for method, request in requests:
        try:
            await admin.client.call(SM + method, request)
            outcomes.append((method, "OK"))
        except OurChatRpcError as exc:
            outcomes.append((method, exc.code.name))
    assert outcomes == [
        ("DeleteAccount", "NOT_FOUND"),
        ("BanUser", "NOT_FOUND"),
        ("BanUser", "INVALID_ARGUMENT"),
        ("UnbanUser", "NOT_FOUND"),
        ("AssignServerRole", "NOT_FOUND"),
        ("AssignServerRole", "NOT_FOUND"),
        ("RemoveServerRole", "OK"),
        ("ListUserServerRoles", "OK"),
        ("ListServerRolePermissions", "OK"),
        ("ListUsers", "INVALID_ARGUMENT"),
        ("ListUsers", "INVALID_ARGUMENT"),
        ("ListSessions", "INVALID_ARGUMENT"),
        ("ListSessions", "OK"),
        ("PublishAnnouncement", "INVALID_ARGUMENT"),
        ("SetServerStatus", "INVALID_ARGUMENT"),
        ("SetConfig", "INVALID_ARGUMENT"),
        ("SetConfig", "INVALID_ARGUMENT"),
        ("SetConfig", "INVALID_ARGUMENT"),
    ]
    assert not server.deps.shared.maintenance
    assert await admin.client.list_users() is not None
