"""Server-wide bans: stored with their expiry, enforced on Auth, on every token and on streams.

A banned account's Auth answers ``UNAUTHENTICATED "User Banned"`` (after the password is
checked, so a ban is not revealed to someone without it), so does every call made with its
existing tokens (:func:`ourchat.domain.authentication.authenticate`), and its open streams on
every process end with that status. The ban lifts itself at its expiry (judged by the injected
clock) or through UnbanUser.
"""

from __future__ import annotations

import logging

from ourchat import details
from ourchat.deps import Deps
from ourchat.errors import InvalidArgument, NotFound
from ourchat.storage import server_bans as ban_store
from ourchat.storage import server_state as state_store
from ourchat.storage import users as user_store

log = logging.getLogger(__name__)


async def ban(
    deps: Deps,
    *,
    caller_id: int,
    user_id: int,
    reason: str | None,
    duration_us: int | None,
) -> None:
    """Ban ``user_id`` from the whole server, for ``duration_us`` or until lifted.

    Raises:
        InvalidArgument: "Request Invalid Value" for banning oneself.
        NotFound: "User Not Found".
    """
    from ourchat.domain import state_sync

    if user_id == caller_id:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    now = deps.clock.now_us()
    async with deps.db.write() as conn:
        if not await user_store.exists(conn, user_id):
            raise NotFound(details.USER_NOT_FOUND)
        await ban_store.put(
            conn,
            user_id,
            reason=reason,
            banned_by=caller_id,
            now_us=now,
            expires_at=now + duration_us if duration_us is not None else None,
        )
        await state_store.add_eviction(
            conn, user_id=user_id, detail=details.USER_BANNED, now_us=now
        )
    log.warning(
        "user %d banned user %d from the server %s%s",
        caller_id,
        user_id,
        f"for {duration_us / 1e6:.0f} s" if duration_us is not None else "until lifted",
        f" ({reason})" if reason else "",
    )
    await state_sync.refresh(deps)


async def unban(deps: Deps, *, caller_id: int, user_id: int) -> None:
    """Lift the ban of ``user_id``.

    Raises:
        NotFound: "User Not Be Banned" when no ban is in force.
    """
    async with deps.db.write() as conn:
        lifted = await ban_store.lift(conn, user_id, deps.clock.now_us())
    if not lifted:
        raise NotFound(details.USER_NOT_BANNED)
    log.warning("user %d lifted the server ban of user %d", caller_id, user_id)


async def is_banned(deps: Deps, user_id: int) -> bool:
    """Whether ``user_id`` is banned now."""
    async with deps.db.read() as conn:
        return await ban_store.is_banned(conn, user_id, deps.clock.now_us())
