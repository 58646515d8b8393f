"""Helpers of the ServerManageService tests: administrators, custom roles, direct bans."""

from __future__ import annotations

from collections.abc import Iterable

from ourchat.deps import Deps
from ourchat.ids import SERVER_ADMIN_ROLE, ServerPermission
from ourchat.storage import server_bans as ban_store
from ourchat.storage import server_roles as role_store

SM = "ServerManageService/"


async def grant(deps: Deps, user_id: int, role_id: int = SERVER_ADMIN_ROLE) -> None:
    """Give ``user_id`` a server role straight in the database."""
    async with deps.db.write() as conn:
        await role_store.assign(conn, user_id, role_id)


async def new_role(deps: Deps, permissions: Iterable[int], name: str = "custom") -> int:
    """A server role holding exactly ``permissions``."""
    async with deps.db.write() as conn:
        return await role_store.create_role(conn, name, f"{name} role", sorted(permissions))


async def role_without(deps: Deps, *missing: ServerPermission) -> int:
    """A server role holding every permission except ``missing``."""
    return await new_role(deps, [int(p) for p in ServerPermission if p not in missing], "lacking")


async def ban_directly(deps: Deps, user_id: int, expires_at: int | None = None) -> None:
    """A server ban written straight into the database (no eviction notice)."""
    async with deps.db.write() as conn:
        await ban_store.put(
            conn,
            user_id,
            reason="test",
            banned_by=None,
            now_us=deps.clock.now_us(),
            expires_at=expires_at,
        )
