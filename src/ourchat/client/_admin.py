"""SDK methods for server administrators (ServerManageService).

Each needs a server permission (BEHAVIOR.md §18); a caller without it gets
:class:`~ourchat.client.PermissionDeniedError` ("Permission Denied").
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from ourchat._pb.service.ourchat.msg_delivery.announcement.v1.announcement_pb2 import (
    Announcement,
    AnnouncementResponse,
)
from ourchat._pb.service.server_manage.config.v1 import config_pb2
from ourchat._pb.service.server_manage.delete_account.v1 import delete_account_pb2
from ourchat._pb.service.server_manage.monitoring.v1 import monitoring_pb2
from ourchat._pb.service.server_manage.publish_announcement.v1 import publish_announcement_pb2
from ourchat._pb.service.server_manage.session_manage.v1 import session_manage_pb2
from ourchat._pb.service.server_manage.set_server_status.v1 import set_server_status_pb2
from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2
from ourchat.client._base import BaseClient

_SERVICE = "ServerManageService"

#: The ``ListUsers`` answer (``users``, ``total_count``, ``page``, ``page_size``).
UserPage = user_manage_pb2.ListUsersResponse
#: One point of ``GetMonitoringMetrics`` / ``GetHistoricalMetrics``.
MonitoringMetrics = monitoring_pb2.MonitoringMetrics


class ServerPermission(enum.IntEnum):
    """Server permission ids (BEHAVIOR.md §13)."""

    PUBLISH_ANNOUNCEMENT = 1
    BAN_USER = 2
    MUTE_USER = 3
    VIEW_CONFIGURATION = 4
    MODIFY_CONFIGURATION = 5
    VIEW_MONITORING = 6
    VIEW_USERS = 7
    MANAGE_SESSIONS = 8
    ASSIGN_ROLE = 9


def _timestamp(us: int) -> Timestamp:
    ts = Timestamp()
    ts.FromMicroseconds(us)
    return ts


def _page(page: int, page_size: int) -> user_manage_pb2.Pagination:
    return user_manage_pb2.Pagination(page=page, page_size=page_size)


class AdminMixin(BaseClient):
    """Server administration: maintenance, announcements, users, bans, roles, settings, health."""

    async def _admin(self, name: str, request: object) -> object:
        return await self.call(f"{_SERVICE}/{name}", request)  # type: ignore[arg-type]

    async def set_maintenance(self, on: bool, reason: str = "") -> None:
        """Put the server into maintenance (``on``) or back to normal (permission 5)."""
        status = (
            set_server_status_pb2.SERVER_STATUS_MAINTAINING
            if on
            else set_server_status_pb2.SERVER_STATUS_NORMAL
        )
        await self._admin(
            "SetServerStatus",
            set_server_status_pb2.SetServerStatusRequest(server_status=status, reason=reason),
        )

    async def publish_announcement(self, title: str, content: str) -> AnnouncementResponse:
        """Announce something to every account, now and later ones (permission 1).

        Returns:
            The announcement as streams receive it (``id`` is its event's msg_id).
        """
        response = await self._admin(
            "PublishAnnouncement",
            publish_announcement_pb2.PublishAnnouncementRequest(
                announcement=Announcement(title=title, content=content)
            ),
        )
        assert isinstance(response, publish_announcement_pb2.PublishAnnouncementResponse)
        return response.announcement

    async def delete_account(self, user_id: int) -> None:
        """Delete an account for good; its streams end (permission 2)."""
        await self._admin("DeleteAccount", delete_account_pb2.DeleteAccountRequest(user_id=user_id))

    async def server_ban(
        self, user_id: int, *, duration_seconds: int | None = None, reason: str | None = None
    ) -> None:
        """Ban an account from the whole server, for a while or until lifted (permission 2)."""
        request = user_manage_pb2.BanUserRequest(user_id=user_id, reason=reason)
        if duration_seconds is not None:
            request.duration.CopyFrom(Duration(seconds=duration_seconds))
        await self._admin("BanUser", request)

    async def server_unban(self, user_id: int) -> None:
        """Lift a server ban (permission 2); NotFoundError "User Not Be Banned" if none."""
        await self._admin("UnbanUser", user_manage_pb2.UnbanUserRequest(user_id=user_id))

    async def list_users(
        self,
        *,
        email: str | None = None,
        user_name: str | None = None,
        account_status: int | None = None,
        registered_after_us: int | None = None,
        registered_before_us: int | None = None,
        page: int = 1,
        page_size: int = 20,
    ) -> user_manage_pb2.ListUsersResponse:
        """A page of accounts matching every filter given (substrings, any case) (permission 7)."""
        f = user_manage_pb2.UserFilter(
            email=email, user_name=user_name, account_status=account_status
        )
        if registered_after_us is not None:
            f.registered_after.CopyFrom(_timestamp(registered_after_us))
        if registered_before_us is not None:
            f.registered_before.CopyFrom(_timestamp(registered_before_us))
        response = await self._admin(
            "ListUsers",
            user_manage_pb2.ListUsersRequest(filter=f, pagination=_page(page, page_size)),
        )
        assert isinstance(response, user_manage_pb2.ListUsersResponse)
        return response

    async def list_sessions(
        self,
        *,
        name: str | None = None,
        session_type: int | None = None,
        owner_id: int | None = None,
        min_members: int | None = None,
        max_members: int | None = None,
        values: Iterable[int] = (),
        page: int = 1,
        page_size: int = 20,
    ) -> list[object]:
        """A page of sessions with the values asked for (all public ones if none) (permission 8).

        Returns:
            ``GetSessionInfoResponse`` messages, by session id.
        """
        f = session_manage_pb2.SessionFilter(
            session_name=name,
            session_type=session_type,  # type: ignore[arg-type]
            owner_id=owner_id,
            min_members=min_members,
            max_members=max_members,
        )
        response = await self._admin(
            "ListSessions",
            session_manage_pb2.ListSessionsRequest(
                filter=f,
                pagination=session_manage_pb2.Pagination(page=page, page_size=page_size),
                query_values=list(values),  # type: ignore[arg-type]
            ),
        )
        assert isinstance(response, session_manage_pb2.ListSessionsResponse)
        return list(response.sessions)

    async def assign_server_role(self, user_id: int, role_id: int = 1) -> None:
        """Give an account a server role (idempotent; role 1 is the administrator) (perm. 9)."""
        await self._admin(
            "AssignServerRole",
            user_manage_pb2.AssignServerRoleRequest(user_id=user_id, role_id=role_id),
        )

    async def remove_server_role(self, user_id: int, role_id: int = 1) -> None:
        """Take a server role away (never from the last administrator) (permission 9)."""
        await self._admin(
            "RemoveServerRole",
            user_manage_pb2.RemoveServerRoleRequest(user_id=user_id, role_id=role_id),
        )

    async def server_roles_of(self, user_id: int) -> list[int]:
        """The server role ids of an account (one's own always; others' with permission 7 or 9)."""
        response = await self._admin(
            "ListUserServerRoles", user_manage_pb2.ListUserServerRolesRequest(user_id=user_id)
        )
        assert isinstance(response, user_manage_pb2.ListUserServerRolesResponse)
        return list(response.role_ids)

    async def server_roles(self) -> list[tuple[int, str, str]]:
        """Every server role as ``(id, name, description)`` (needs any server role)."""
        response = await self._admin("ListServerRoles", user_manage_pb2.ListServerRolesRequest())
        assert isinstance(response, user_manage_pb2.ListServerRolesResponse)
        return [(r.id, r.name, r.description) for r in response.roles]

    async def server_role_permissions(self, role_id: int) -> list[tuple[int, str, str]]:
        """What a server role grants, as ``(id, name, description)`` (needs any server role)."""
        response = await self._admin(
            "ListServerRolePermissions",
            user_manage_pb2.ListServerRolePermissionsRequest(role_id=role_id),
        )
        assert isinstance(response, user_manage_pb2.ListServerRolePermissionsResponse)
        return [(p.id, p.name, p.description) for p in response.permissions]

    async def get_config(self) -> str:
        """The running settings as TOML, secrets redacted (permission 4)."""
        response = await self._admin("GetConfig", config_pb2.GetConfigRequest())
        assert isinstance(response, config_pb2.GetConfigResponse)
        return response.content

    async def set_config(self, toml_fragment: str) -> config_pb2.SetConfigResponse:
        """Change settings given as TOML (``message``, ``restart_reasons`` tell what happened).

        Raises:
            InvalidArgumentError: unreadable TOML, an unknown setting or an invalid value.
        """
        response = await self._admin(
            "SetConfig", config_pb2.SetConfigRequest(content=toml_fragment)
        )
        assert isinstance(response, config_pb2.SetConfigResponse)
        return response

    async def monitoring_metrics(
        self, *, system: bool = False, runtime: bool = False
    ) -> monitoring_pb2.MonitoringMetrics:
        """The server's figures now, across processes (permission 6).

        Args:
            system: include host CPU, memory and disk percentages.
            runtime: include the ``tokio`` block (processes, asyncio tasks, loop lag).
        """
        response = await self._admin(
            "GetMonitoringMetrics",
            monitoring_pb2.GetMonitoringMetricsRequest(
                include_system_metrics=system, include_tokio_metrics=runtime
            ),
        )
        assert isinstance(response, monitoring_pb2.GetMonitoringMetricsResponse)
        return response.metrics

    async def historical_metrics(
        self, start_us: int, end_us: int, *, interval_seconds: int = 0
    ) -> list[monitoring_pb2.MetricDataPoint]:
        """Stored snapshots between two times, averaged per interval if one is given (perm. 6)."""
        request = monitoring_pb2.GetHistoricalMetricsRequest(
            start_time=_timestamp(start_us), end_time=_timestamp(end_us)
        )
        if interval_seconds:
            request.interval.CopyFrom(Duration(seconds=interval_seconds))
        response = await self._admin("GetHistoricalMetrics", request)
        assert isinstance(response, monitoring_pb2.GetHistoricalMetricsResponse)
        return list(response.data_points)
