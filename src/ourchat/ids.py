"""Typed ids and the session permission ids of the protocol."""

from __future__ import annotations

import enum
from typing import NewType

UserId = NewType("UserId", int)
SessionId = NewType("SessionId", int)
MsgId = NewType("MsgId", int)
RoleId = NewType("RoleId", int)


class Permission(enum.IntEnum):
    """Session permission ids (BEHAVIOR.md §4.1)."""

    SEND_MSG = 1
    RECALL_OTHER_MSG = 2
    BAN_USER = 3
    UNBAN_USER = 4
    KICK_USER = 5
    SET_TITLE = 6
    SET_AVATAR = 7
    SET_DESCRIPTION = 8
    DELETE_SESSION = 9
    SET_ROLE = 10
    MUTE_USER = 11
    UNMUTE_USER = 12
    ACCEPT_JOIN_REQUEST = 13
    E2EEIZE = 14


class PredefinedRole(enum.IntEnum):
    """Role ids seeded by the first migration; custom roles get ids from 4 up."""

    MEMBER = 1
    ADMIN = 2
    OWNER = 3


PERMISSION_DESCRIPTIONS: dict[Permission, str] = {
    Permission.SEND_MSG: "send msg",
    Permission.RECALL_OTHER_MSG: "recall other msg",
    Permission.BAN_USER: "ban user",
    Permission.UNBAN_USER: "unban user",
    Permission.KICK_USER: "kick user",
    Permission.SET_TITLE: "set title",
    Permission.SET_AVATAR: "set avatar",
    Permission.SET_DESCRIPTION: "set description",
    Permission.DELETE_SESSION: "delete session",
    Permission.SET_ROLE: "set role",
    Permission.MUTE_USER: "mute user",
    Permission.UNMUTE_USER: "unmute user",
    Permission.ACCEPT_JOIN_REQUEST: "accept join request",
    Permission.E2EEIZE: "e2eeize and dee2eeize session",
}

_ADMIN = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13})

PREDEFINED_ROLES: dict[PredefinedRole, tuple[str, str, frozenset[int]]] = {
    PredefinedRole.MEMBER: ("member", "common member", frozenset({1})),
    PredefinedRole.ADMIN: (
        "admin",
        "have almost all permissions to manage the session",
        _ADMIN,
    ),
    PredefinedRole.OWNER: (
        "owner",
        "have all permissions to manage the session",
        frozenset(int(p) for p in Permission),
    ),
}


class ServerPermission(enum.IntEnum):
    """Server permission ids of ServerManageService (BEHAVIOR.md §13, §18)."""

    PUBLISH_ANNOUNCEMENT = 1
    BAN_USER = 2
    MUTE_USER = 3
    VIEW_CONFIGURATION = 4
    MODIFY_CONFIGURATION = 5
    VIEW_MONITORING = 6
    VIEW_USERS = 7
    MANAGE_SESSIONS = 8
    ASSIGN_ROLE = 9


#: Name and description of each server permission, as seeded.
SERVER_PERMISSIONS: dict[ServerPermission, tuple[str, str]] = {
    ServerPermission.PUBLISH_ANNOUNCEMENT: ("publish_announcement", "publish announcement"),
    ServerPermission.BAN_USER: ("ban_user", "ban user"),
    ServerPermission.MUTE_USER: ("mute_user", "mute user"),
    ServerPermission.VIEW_CONFIGURATION: ("view_configuration", "view server configuration"),
    ServerPermission.MODIFY_CONFIGURATION: (
        "modify_configuration",
        "modify server configuration",
    ),
    ServerPermission.VIEW_MONITORING: ("view_monitoring", "view server monitoring metrics"),
    ServerPermission.VIEW_USERS: ("view_users", "view user list and details"),
    ServerPermission.MANAGE_SESSIONS: (
        "manage_sessions",
        "manage sessions (view, delete, remove users)",
    ),
    ServerPermission.ASSIGN_ROLE: ("assign_role", "assign server management roles to users"),
}

#: The seeded server role holding every server permission.
SERVER_ADMIN_ROLE = 1
SERVER_ADMIN_ROLE_NAME = "admin"
SERVER_ADMIN_ROLE_DESCRIPTION = "administrator"
