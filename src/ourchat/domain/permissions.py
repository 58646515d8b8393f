"""Who may do what inside a session: membership, role permissions and rank."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.errors import PermissionDenied
from ourchat.ids import Permission, PredefinedRole
from ourchat.storage import sessions as session_store


async def require_member(
    conn: AsyncConnection,
    session_id: int,
    user_id: int,
    *,
    error: type[Exception] = PermissionDenied,
    detail: str = details.USER_NOT_IN_SESSION,
) -> int:
    """The caller's role id in the session.

    Raises:
        ``error(detail)``: the user is not a current member.
    """
    role = await session_store.member_role(conn, session_id, user_id)
    if role is None:
        raise error(detail)
    return role


async def member_permissions(
    conn: AsyncConnection, session_id: int, user_id: int
) -> frozenset[int]:
    """Permission ids a current member holds in this session (empty for non-members)."""
    role = await session_store.member_role(conn, session_id, user_id)
    if role is None:
        return frozenset()
    return await session_store.role_permissions_of(conn, role)


async def has_permission(
    conn: AsyncConnection, session_id: int, user_id: int, permission: Permission
) -> bool:
    """Whether a current member holds ``permission`` in this session."""
    return int(permission) in await member_permissions(conn, session_id, user_id)


def rank(role_id: int, permissions: frozenset[int]) -> int:
    """Owner 3 > admin 2 > member 1; a custom role ranks as admin only with permission 10."""
    if role_id == PredefinedRole.OWNER:
        return 3
    if role_id == PredefinedRole.ADMIN or int(Permission.SET_ROLE) in permissions:
        return 2
    return 1
