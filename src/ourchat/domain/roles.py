"""Roles inside a session: giving a member a role, creating custom roles, reading a role.

Predefined roles (member 1, admin 2, owner 3) belong to no session and are readable by
everyone; a custom role belongs to the session it was created in and can only be given there.
"""

from __future__ import annotations

from collections.abc import Iterable

from ourchat import details
from ourchat.deps import Deps
from ourchat.domain.moderation import require_actor, require_outranked
from ourchat.errors import NotFound, PermissionDenied
from ourchat.ids import Permission, PredefinedRole
from ourchat.storage import roles as role_store
from ourchat.storage import sessions as session_store
from ourchat.storage.roles import Role
from ourchat.storage.uow import unit_of_work


async def set_role(
    deps: Deps, *, caller_id: int, session_id: int, member_id: int, role_id: int
) -> None:
    """Give a member another role (permission 10 and a strictly higher rank than the member).

    Checks, in order: the session exists; the caller is a member with permission 10; the
    member is not the caller, is a member, and ranks below the caller; the role is predefined
    or belongs to this session; only an owner gives the owner role.

    Raises:
        NotFound: "Session Not Found", "User Not In Session", "Role Not Found".
        PermissionDenied: "Permission Denied".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        actor = await require_actor(tx.conn, session_id, caller_id, Permission.SET_ROLE)
        await require_outranked(tx.conn, session_id, caller_id, actor, member_id, member_only=True)
        exists, role_session = await role_store.session_of(tx.conn, role_id)
        if not exists or role_session not in (None, session_id):
            raise NotFound(details.ROLE_NOT_FOUND)
        if role_id == PredefinedRole.OWNER and actor.role_id != PredefinedRole.OWNER:
            raise PermissionDenied(details.PERMISSION_DENIED)
        await session_store.set_member_role(tx.conn, session_id, member_id, role_id)


async def add_role(
    deps: Deps,
    *,
    caller_id: int,
    session_id: int,
    name: str,
    description: str | None,
    permission_ids: Iterable[Permission],
) -> int:
    """Create a custom role of the session (permission 10); returns its id (4 and up).

    The name and the permission ids are checked by the caller of this function.

    Raises:
        NotFound: "Session Not Found".
        PermissionDenied: "Permission Denied".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await require_actor(tx.conn, session_id, caller_id, Permission.SET_ROLE)
        return await role_store.create(
            tx.conn,
            session_id=session_id,
            creator_id=caller_id,
            name=name,
            description=description,
            permission_ids=[int(p) for p in permission_ids],
        )


async def get_role(deps: Deps, *, caller_id: int, role_id: int) -> Role:
    """A role with its permissions: predefined ones for anyone, custom ones for its members.

    Raises:
        NotFound: "Role Not Found".
        PermissionDenied: "Not In Session" when the role belongs to a session the caller is
            not a member of.
    """
    async with deps.db.read() as conn:
        role = await role_store.get(conn, role_id)
        if role is None:
            raise NotFound(details.ROLE_NOT_FOUND)
        if role.session_id is not None and not await session_store.is_member(
            conn, role.session_id, caller_id
        ):
            raise PermissionDenied(details.NOT_IN_SESSION)
    return role
