"""Kick, mute and ban inside one session, under the permission and rank rules.

Every check is made within the session the call names and only for its current members:

1. the session must exist (``NOT_FOUND "Session Not Found"``);
2. the caller must be a member holding the call's permission (``PERMISSION_DENIED
   "Permission Denied"``);
3. each target must not be the caller and must rank strictly below the caller
   (``PERMISSION_DENIED "Permission Denied"``); a non-member ranks below everyone;
4. then the call's own target rules. Every target is checked before anything is written,
   so a refused call changes nothing.

Kick, mute and ban push no event (the protocol has no variant for them): the kicked or banned
user simply stops receiving the session's events, and a muted user learns it from SendMsg. In
an end-to-end encrypted session a kick or ban that removed someone asks the member who made it
for a new room key (:mod:`ourchat.domain.room_keys`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.deps import Deps
from ourchat.domain import membership, room_keys, server_roles
from ourchat.domain.permissions import rank
from ourchat.errors import NotFound, OurChatError, PermissionDenied
from ourchat.ids import Permission, PredefinedRole
from ourchat.storage import restrictions
from ourchat.storage import sessions as session_store
from ourchat.storage import users as user_store
from ourchat.storage.uow import unit_of_work

# The rank of someone who is not a member: below every member.
NON_MEMBER_RANK = 0


@dataclass(frozen=True)
class Standing:
    """A current member's role, permissions and rank in one session."""

    role_id: int
    permissions: frozenset[int]
    rank: int


async def standing(conn: AsyncConnection, session_id: int, user_id: int) -> Standing | None:
    """``user_id``'s standing in the session, or None if they are not a member."""
    role_id = await session_store.member_role(conn, session_id, user_id)
    if role_id is None:
        return None
    perms = await session_store.role_permissions_of(conn, role_id)
    return Standing(role_id, perms, rank(role_id, perms))


async def require_actor(
    conn: AsyncConnection, session_id: int, user_id: int, permission: Permission
) -> Standing:
    """The standing of a caller who must be a member holding ``permission``.

    Raises:
        NotFound: "Session Not Found".
        PermissionDenied: "Permission Denied" for a non-member or a member without it.
    """
    if await session_store.get(conn, session_id) is None:
        raise NotFound(details.SESSION_NOT_FOUND)
    actor = await standing(conn, session_id, user_id)
    if actor is None or int(permission) not in actor.permissions:
        raise PermissionDenied(details.PERMISSION_DENIED)
    return actor


async def require_outranked(
    conn: AsyncConnection,
    session_id: int,
    actor_id: int,
    actor: Standing,
    target_id: int,
    *,
    member_only: bool,
) -> Standing | None:
    """Check that ``actor`` may act on ``target_id``; returns the target's standing.

    Args:
        conn: the open transaction.
        session_id: the session named by the call.
        actor_id: the caller.
        actor: the caller's standing.
        target_id: the user acted on.
        member_only: whether the target must be a current member.

    Raises:
        PermissionDenied: "Permission Denied" when the target is the caller or does not rank
            strictly below the caller.
        NotFound: "User Not In Session" when ``member_only`` and the target is not a member.
    """
    if target_id == actor_id:
        raise PermissionDenied(details.PERMISSION_DENIED)
    target = await standing(conn, session_id, target_id)
    if target is None and member_only:
        raise NotFound(details.USER_NOT_IN_SESSION)
    target_rank = target.rank if target is not None else NON_MEMBER_RANK
    if target_rank >= actor.rank:
        raise PermissionDenied(details.PERMISSION_DENIED)
    return target


def _distinct(user_ids: Iterable[int]) -> list[int]:
    """The ids once each, in request order."""
    return list(dict.fromkeys(int(u) for u in user_ids))


def _expiry(now_us: int, duration_seconds: int | None) -> int | None:
    return None if duration_seconds is None else now_us + duration_seconds * US_PER_SECOND


async def kick(deps: Deps, *, caller_id: int, session_id: int, user_id: int) -> None:
    """Remove a member (permission 5); their role goes with the membership.

    Raises:
        NotFound: "Session Not Found", "User Not In Session".
        PermissionDenied: "Permission Denied".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        try:
            actor = await require_actor(tx.conn, session_id, caller_id, Permission.KICK_USER)
            await require_outranked(
                tx.conn, session_id, caller_id, actor, user_id, member_only=True
            )
        except PermissionDenied:
            actor = await _server_admin_actor(tx.conn, session_id, caller_id)
            await require_outranked(
                tx.conn, session_id, caller_id, actor, user_id, member_only=True
            )
        await membership.leave(tx, session_id, user_id)
        await room_keys.rotate_if_due(deps, tx, session_id, caller_id)


# A server admin with permission 8 outranks everyone in a group session, owners included.
SERVER_ADMIN_RANK = 4


async def _server_admin_actor(conn: AsyncConnection, session_id: int, user_id: int) -> Standing:
    """The standing of a server admin kicking in a group session (§13.3).

    Raises:
        PermissionDenied: "Permission Denied" without permission 8, or in a private session.
    """
    session = await session_store.get(conn, session_id)
    if (
        session is None
        or session["is_private"]
        or not await server_roles.moderates(conn, user_id, session_id, "kick a member")
    ):
        raise PermissionDenied(details.PERMISSION_DENIED)
    return Standing(PredefinedRole.OWNER, frozenset(int(p) for p in Permission), SERVER_ADMIN_RANK)


async def mute(
    deps: Deps,
    *,
    caller_id: int,
    session_id: int,
    user_ids: Sequence[int],
    duration_seconds: int | None,
) -> None:
    """Stop members from sending messages (permission 11), for good or for a while.

    An empty ``user_ids`` mutes the whole session, its owners included, until lifted or
    expired. Muting someone already muted replaces their mute (new duration from now).

    Raises:
        NotFound: "Session Not Found", "User Not In Session" (every target must be a member).
        PermissionDenied: "Permission Denied".
    """
    targets = _distinct(user_ids)
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        actor = await require_actor(tx.conn, session_id, caller_id, Permission.MUTE_USER)
        for target in targets:
            await require_outranked(tx.conn, session_id, caller_id, actor, target, member_only=True)
        expires = _expiry(tx.now_us, duration_seconds)
        rows: list[int | None] = list(targets) if targets else [None]
        for restricted in rows:
            await restrictions.place(
                tx.conn, restrictions.mutes, session_id, restricted, tx.now_us, expires
            )


async def _lift(
    deps: Deps,
    *,
    table: Table,
    permission: Permission,
    not_restricted: str,
    caller_id: int,
    session_id: int,
    user_ids: Sequence[int],
) -> None:
    """Lift ``user_ids`` in order (or the session-wide restriction for an empty list).

    The first target that may not be lifted (outranks the caller, or is not restricted) stops
    the call with its error; the ones lifted before it stay lifted (BEHAVIOR §18).
    """
    targets = _distinct(user_ids)
    stopped: OurChatError | None = None
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        actor = await require_actor(tx.conn, session_id, caller_id, permission)
        wanted: list[int | None] = list(targets) if targets else [None]
        for restricted in wanted:
            try:
                if restricted is not None:
                    await require_outranked(
                        tx.conn, session_id, caller_id, actor, restricted, member_only=False
                    )
                in_force = await restrictions.in_force(
                    tx.conn, table, session_id, [restricted], tx.now_us
                )
                if restricted not in in_force:
                    raise NotFound(not_restricted)
            except OurChatError as exc:
                stopped = exc
                break
            await restrictions.lift(tx.conn, table, session_id, restricted, tx.now_us)
    if stopped is not None:
        raise stopped


async def unmute(deps: Deps, *, caller_id: int, session_id: int, user_ids: Sequence[int]) -> None:
    """Lift the listed users' own mutes, or with an empty list the session-wide mute (perm 12).

    Lifting a user's mute leaves a session-wide mute in force, and the other way round.

    Raises:
        NotFound: "Session Not Found"; "User Not Be Muted" when a target (or, for an empty
            list, the session) has no mute in force.
        PermissionDenied: "Permission Denied".
    """
    await _lift(
        deps,
        table=restrictions.mutes,
        permission=Permission.UNMUTE_USER,
        not_restricted=details.USER_NOT_MUTED,
        caller_id=caller_id,
        session_id=session_id,
        user_ids=user_ids,
    )


async def ban(
    deps: Deps,
    *,
    caller_id: int,
    session_id: int,
    user_ids: Sequence[int],
    duration_seconds: int | None,
) -> None:
    """Remove users and keep them out (permission 3), for good or for a while.

    A target need not be a member (an ex-member can be kept from coming back) but must be a
    registered user. An empty ``user_ids`` bans the whole session: nobody can join, and every
    member who lacks permission 4 and ranks below the caller is removed; the caller stays.
    Banning someone already banned replaces their ban (new duration from now).

    Raises:
        NotFound: "Session Not Found"; "User Not Found" for an unknown target.
        PermissionDenied: "Permission Denied".
    """
    targets = _distinct(user_ids)
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        actor = await require_actor(tx.conn, session_id, caller_id, Permission.BAN_USER)
        members: list[int] = []
        for target in targets:
            found = await require_outranked(
                tx.conn, session_id, caller_id, actor, target, member_only=False
            )
            if found is not None:
                members.append(target)
        unknown = set(targets) - set(members)
        if unknown and unknown - await user_store.existing_ids(tx.conn, sorted(unknown)):
            raise NotFound(details.USER_NOT_FOUND)
        if not targets:
            members = await _removed_by_session_ban(tx.conn, session_id, caller_id, actor)
        expires = _expiry(tx.now_us, duration_seconds)
        rows: list[int | None] = list(targets) if targets else [None]
        for restricted in rows:
            await restrictions.place(
                tx.conn, restrictions.bans, session_id, restricted, tx.now_us, expires
            )
        for member in members:
            await membership.leave(tx, session_id, member)
        if members:
            await room_keys.rotate_if_due(deps, tx, session_id, caller_id)


async def _removed_by_session_ban(
    conn: AsyncConnection, session_id: int, caller_id: int, actor: Standing
) -> list[int]:
    """Members a session-wide ban removes: those without perm 4 ranking below the caller."""
    removed: list[int] = []
    grants: dict[int, frozenset[int]] = {}
    for user_id, role_id in await session_store.member_roles(conn, session_id):
        if user_id == caller_id:
            continue
        if role_id not in grants:
            grants[role_id] = await session_store.role_permissions_of(conn, role_id)
        perms = grants[role_id]
        if int(Permission.UNBAN_USER) in perms or rank(role_id, perms) >= actor.rank:
            continue
        removed.append(user_id)
    return removed


async def unban(deps: Deps, *, caller_id: int, session_id: int, user_ids: Sequence[int]) -> None:
    """Lift the listed users' own bans, or with an empty list the session-wide ban (perm 4).

    Lifting a user's ban leaves a session-wide ban in force, and the other way round. Nobody
    is re-added: an unbanned user may ask to join or accept an invitation again.

    Raises:
        NotFound: "Session Not Found"; "User Not Be Banned" when a target (or, for an empty
            list, the session) has no ban in force.
        PermissionDenied: "Permission Denied".
    """
    await _lift(
        deps,
        table=restrictions.bans,
        permission=Permission.UNBAN_USER,
        not_restricted=details.USER_NOT_BANNED,
        caller_id=caller_id,
        session_id=session_id,
        user_ids=user_ids,
    )
