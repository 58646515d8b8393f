"""Server roles: who may administer the server, granting and revoking, the first administrator.

A user may hold several server roles; a permission is held when any of them grants it. Every
ServerManageService call checks one (:func:`require`). Nobody can remove the last active
holder of permission 9 (``assign_role``), so the server never loses its last administrator
by accident.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.deps import Deps
from ourchat.errors import NotFound, PermissionDenied
from ourchat.ids import SERVER_ADMIN_ROLE, ServerPermission
from ourchat.storage import server_roles as role_store
from ourchat.storage import server_state as state_store
from ourchat.storage import users as user_store
from ourchat.storage.engine import Database

log = logging.getLogger(__name__)


async def permissions_of(deps: Deps, user_id: int) -> frozenset[int]:
    """The server permissions ``user_id`` holds now."""
    async with deps.db.read() as conn:
        return await role_store.permissions_of_user(conn, user_id)


async def require(deps: Deps, user_id: int, *permissions: ServerPermission) -> None:
    """Pass when ``user_id`` holds any of ``permissions`` (none given: any server role).

    Raises:
        PermissionDenied: "Permission Denied".
    """
    async with deps.db.read() as conn:
        if not permissions:
            if await role_store.role_ids_of(conn, user_id):
                return
        else:
            held = await role_store.permissions_of_user(conn, user_id)
            if any(int(p) in held for p in permissions):
                return
    raise PermissionDenied(details.PERMISSION_DENIED)


async def holds(conn: AsyncConnection, user_id: int, permission: ServerPermission) -> bool:
    """Whether ``user_id`` holds ``permission`` (inside an open transaction)."""
    return int(permission) in await role_store.permissions_of_user(conn, user_id)


async def _assign(conn: AsyncConnection, user_id: int, role_id: int) -> bool:
    if not await user_store.exists(conn, user_id):
        raise NotFound(details.USER_NOT_FOUND)
    if not await role_store.role_exists(conn, role_id):
        raise NotFound(details.ROLE_NOT_FOUND)
    await state_store.bump(conn)  # serialises role changes (see _remove)
    return await role_store.assign(conn, user_id, role_id)


async def _remove(conn: AsyncConnection, user_id: int, role_id: int) -> bool:
    # The state row lock taken by bump() makes concurrent removals take turns, so two of
    # them cannot each leave the other as "the last administrator".
    await state_store.bump(conn)
    holders = await role_store.active_holders(conn, int(ServerPermission.ASSIGN_ROLE))
    removed = await role_store.remove(conn, user_id, role_id)
    if removed and user_id in holders:
        remaining = await role_store.active_holders(conn, int(ServerPermission.ASSIGN_ROLE))
        if not remaining:
            raise PermissionDenied(details.PERMISSION_DENIED)
    return removed


async def assign(deps: Deps, *, caller_id: int, user_id: int, role_id: int) -> None:
    """Give ``user_id`` a server role (idempotent).

    Raises:
        NotFound: "User Not Found", "Role Not Found".
    """
    async with deps.db.write() as conn:
        added = await _assign(conn, user_id, role_id)
    if added:
        log.warning("user %d gave server role %d to user %d", caller_id, role_id, user_id)


async def remove(deps: Deps, *, caller_id: int, user_id: int, role_id: int) -> None:
    """Take a server role from ``user_id`` (a role not held: nothing happens).

    Raises:
        PermissionDenied: "Permission Denied" when that would leave no active holder of
            permission 9.
    """
    async with deps.db.write() as conn:
        removed = await _remove(conn, user_id, role_id)
    if removed:
        log.warning("user %d took server role %d from user %d", caller_id, role_id, user_id)


async def roles_of(deps: Deps, *, caller_id: int, user_id: int) -> list[int]:
    """The server roles of ``user_id``: one's own always, others' with permission 7 or 9.

    Raises:
        PermissionDenied: "Permission Denied".
    """
    if user_id != caller_id:
        await require(deps, caller_id, ServerPermission.VIEW_USERS, ServerPermission.ASSIGN_ROLE)
    async with deps.db.read() as conn:
        return await role_store.role_ids_of(conn, user_id)


async def all_roles(deps: Deps) -> Sequence[tuple[int, str, str]]:
    """Every server role ``(id, name, description)``."""
    async with deps.db.read() as conn:
        return await role_store.roles(conn)


async def role_permissions(deps: Deps, role_id: int) -> Sequence[tuple[int, str, str]]:
    """The permissions of one server role (``[]`` for an unknown role)."""
    async with deps.db.read() as conn:
        return await role_store.role_permissions(conn, role_id)


# Operators on the server machine ---------------------------------------------------------


async def grant_by_ocid(db: Database, ocid: str, role_id: int = SERVER_ADMIN_ROLE) -> bool:
    """Give the account ``ocid`` a server role, straight in the database.

    Returns:
        Whether the role was new to the account.

    Raises:
        NotFound: "User Not Found", "Role Not Found".
    """
    async with db.write() as conn:
        user = await user_store.find_by(conn, ocid=ocid)
        if user is None:
            raise NotFound(details.USER_NOT_FOUND)
        return await _assign(conn, int(user["id"]), role_id)


async def revoke_by_ocid(db: Database, ocid: str, role_id: int = SERVER_ADMIN_ROLE) -> bool:
    """Take a server role from the account ``ocid``, straight in the database.

    Returns:
        Whether the account held it.

    Raises:
        NotFound: "User Not Found".
        PermissionDenied: it would leave no active holder of permission 9.
    """
    async with db.write() as conn:
        user = await user_store.find_by(conn, ocid=ocid)
        if user is None:
            raise NotFound(details.USER_NOT_FOUND)
        return await _remove(conn, int(user["id"]), role_id)


async def bootstrap(db: Database, ocid: str | None) -> None:
    """Grant ``initial_admin_ocid`` the admin role; never fails start-up; logs the outcome."""
    if not ocid:
        return
    try:
        added = await grant_by_ocid(db, ocid)
    except NotFound:
        log.warning("initial_admin_ocid %r names no account; no administrator granted", ocid)
        return
    except Exception:
        log.exception("could not grant the administrator role to %r", ocid)
        return
    if added:
        log.warning("initial_admin_ocid: %r is now a server administrator", ocid)
    else:
        log.info("initial_admin_ocid: %r is already a server administrator", ocid)


async def moderates(conn: AsyncConnection, user_id: int, session_id: int, action: str) -> bool:
    """Whether ``user_id`` may ``action`` in any session as a server admin (permission 8).

    Every such action is logged.
    """
    if not await holds(conn, user_id, ServerPermission.MANAGE_SESSIONS):
        return False
    log.warning("server admin %d: %s in session %d", user_id, action, session_id)
    return True
