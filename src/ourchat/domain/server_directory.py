"""What server administrators see and remove: ListUsers, ListSessions, DeleteAccount.

Pages start at 1 (0 means 1); ``page_size`` defaults to 20 and is capped at 100; rows are
ordered by id. Text filters match case-insensitive substrings; every filter given must hold.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from ourchat import details
from ourchat.deps import Deps
from ourchat.domain import accounts
from ourchat.errors import NotFound, PermissionDenied
from ourchat.ids import ServerPermission
from ourchat.storage import server_listing
from ourchat.storage import server_roles as role_store
from ourchat.storage import server_state as state_store
from ourchat.storage import users as user_store
from ourchat.storage.server_listing import SessionFilter, SessionRow, UserFilter, UserRow

log = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    """Which page to read."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.number - 1) * self.size


def page_of(number: int, size: int) -> Page:
    """The page asked for, with the defaults and the cap applied."""
    return Page(max(1, number), min(MAX_PAGE_SIZE, size or DEFAULT_PAGE_SIZE))


async def list_users(deps: Deps, f: UserFilter, page: Page) -> tuple[int, Sequence[UserRow]]:
    """``(total matches, this page)`` of users."""
    await deps.last_seen.flush(deps.db)
    async with deps.db.read() as conn:
        return await server_listing.users_page(conn, f, offset=page.offset, limit=page.size)


@dataclass(frozen=True)
class SessionListing:
    """A page of sessions, with members and roles when asked for."""

    total: int
    sessions: Sequence[SessionRow]
    roles: dict[int, list[tuple[int, int]]]


async def list_sessions(
    deps: Deps, *, caller_id: int, f: SessionFilter, page: Page, with_members: bool
) -> SessionListing:
    """A page of sessions; members and roles of each when ``with_members`` (logged)."""
    async with deps.db.read() as conn:
        total, rows = await server_listing.sessions_page(
            conn, f, offset=page.offset, limit=page.size
        )
        roles = (
            await server_listing.member_roles_of(conn, [r.id for r in rows]) if with_members else {}
        )
    if with_members and rows:
        log.info("server admin %d read the members of %d sessions", caller_id, len(rows))
    return SessionListing(total, rows, roles)


async def delete_account(deps: Deps, *, caller_id: int, user_id: int) -> None:
    """Delete an account as Unregister's ``delete`` policy does, and end its streams.

    Raises:
        NotFound: "User Not Found".
        PermissionDenied: "Permission Denied" for the last active holder of permission 9.
    """
    from ourchat.domain import state_sync

    async with deps.db.read() as conn:
        if not await user_store.exists(conn, user_id):
            raise NotFound(details.USER_NOT_FOUND)
        holders = await role_store.active_holders(conn, int(ServerPermission.ASSIGN_ROLE))
    if holders == {user_id}:
        raise PermissionDenied(details.PERMISSION_DENIED)
    await accounts.unregister(deps, user_id, policy="delete")
    async with deps.db.write() as conn:
        await state_store.add_eviction(
            conn, user_id=user_id, detail=details.USER_NOT_FOUND, now_us=deps.clock.now_us()
        )
    log.warning("user %d deleted the account of user %d", caller_id, user_id)
    await state_sync.refresh(deps)
