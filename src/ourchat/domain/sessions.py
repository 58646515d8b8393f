"""Group sessions: creating, describing, editing, deleting and leaving them.

Every permission is checked within the session the call names and only for its current
members. A private (friend) session belongs to its friendship: it cannot be deleted or left
through these calls (DeleteFriend ends it).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.deps import Deps
from ourchat.domain import avatars, invitations, membership, server_roles
from ourchat.domain.permissions import member_permissions, require_member
from ourchat.errors import InvalidArgument, NotFound, PermissionDenied
from ourchat.files.store import FileStore
from ourchat.ids import Permission, PredefinedRole
from ourchat.storage import friends as friend_store
from ourchat.storage import sessions as session_store
from ourchat.storage.uow import unit_of_work

# The size of the avatar_key column (a file key is at most 84 characters).
AVATAR_KEY_MAX_CHARS = 128


class FailedReason(enum.IntEnum):
    """Why a listed member did not get into a new session (wire enum ``FailedReason``)."""

    MEMBER_NOT_FOUND = 1
    MEMBER_PRIVACY = 2


@dataclass(frozen=True)
class Created:
    """A new session and the listed members who could be neither added nor invited."""

    session_id: int
    failed: list[tuple[int, FailedReason]]


async def check_avatar_key(
    conn: AsyncConnection,
    store: FileStore,
    user_id: int,
    session_id: int | None,
    avatar_key: str,
) -> str | None:
    """The one place a session avatar key is accepted (NewSession and SetSessionInfo).

    The key must name an image the setter owns or one uploaded to this session that the setter
    may read (:func:`ourchat.domain.avatars.check_session_avatar`; ``session_id`` is None for a
    session being created).

    Returns:
        The key to store; None for an empty key (no avatar).

    Raises:
        InvalidArgument: "Request Invalid Value" for a key longer than any file key, or a file
            that is not a PNG, JPEG, GIF or WebP image.
        PermissionDenied: "Permission Denied" for any other file.
    """
    if not avatar_key:
        return None
    if len(avatar_key) > AVATAR_KEY_MAX_CHARS:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    await avatars.check_session_avatar(conn, store, user_id, session_id, avatar_key)
    return avatar_key


async def new_session(
    deps: Deps,
    *,
    creator_id: int,
    members: Sequence[int],
    name: str,
    leave_message: str | None,
    avatar_key: str,
    e2ee_on: bool,
) -> Created:
    """Create a group session owned by its creator.

    Listed friends of the creator join directly with the default role; other listed users
    are invited. The creator's own id and repeated ids are ignored; unknown (or unregistered)
    ids are reported as not found.
    """
    failed: list[tuple[int, FailedReason]] = []
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        stored_avatar = await check_avatar_key(
            tx.conn, deps.file_store, creator_id, None, avatar_key
        )
        session_id = deps.ids.next_id()
        await session_store.create(
            tx.conn,
            session_id=session_id,
            now_us=tx.now_us,
            name=name,
            avatar_key=stored_avatar,
            e2ee_on=e2ee_on,
        )
        await membership.join(tx, session_id, creator_id, PredefinedRole.OWNER)
        seen = {creator_id}
        for user_id in members:
            if user_id in seen:
                continue
            seen.add(user_id)
            if not await invitations.is_active_user(tx.conn, user_id):
                failed.append((user_id, FailedReason.MEMBER_NOT_FOUND))
            elif await friend_store.are_friends(tx.conn, creator_id, user_id):
                await membership.join(tx, session_id, user_id)
            else:
                await invitations.send_invitation(
                    tx,
                    deps,
                    session_id=session_id,
                    inviter_id=creator_id,
                    invitee_id=user_id,
                    leave_message=leave_message,
                )
    return Created(session_id, failed)


@dataclass(frozen=True)
class SessionInfo:
    """What GetSessionInfo can tell about a session; members and roles only when asked."""

    session_id: int
    name: str
    avatar_key: str | None
    created_time: int
    updated_time: int
    description: str | None
    size: int
    members: list[int]
    roles: list[tuple[int, int]]


async def session_info(
    deps: Deps, *, caller_id: int, session_id: int, with_members: bool, with_roles: bool
) -> SessionInfo:
    """A session's public fields, plus its members and their roles for a current member.

    Raises:
        NotFound: "Session Not Found".
        PermissionDenied: "Permission Denied" when members or roles are asked for by someone
            who is not a current member.
    """
    async with deps.db.read() as conn:
        session = await session_store.get(conn, session_id)
        if session is None:
            raise NotFound(details.SESSION_NOT_FOUND)
        if (
            (with_members or with_roles)
            and not await session_store.is_member(conn, session_id, caller_id)
            and not await server_roles.moderates(conn, caller_id, session_id, "read members")
        ):
            raise PermissionDenied(details.PERMISSION_DENIED)
        roles = await session_store.member_roles(conn, session_id)
    return SessionInfo(
        session_id=session_id,
        name=str(session["name"]),
        avatar_key=session["avatar_key"],
        created_time=int(session["created_time"]),
        updated_time=int(session["updated_time"]),
        description=session["description"],
        size=len(roles),
        members=[user_id for user_id, _ in roles] if with_members else [],
        roles=roles if with_roles else [],
    )


async def set_session_info(
    deps: Deps,
    *,
    caller_id: int,
    session_id: int,
    name: str | None,
    description: str | None,
    avatar_key: str | None,
) -> None:
    """Change the given fields; every needed permission is checked before anything is written.

    Raises:
        NotFound: "Session Not Found".
        PermissionDenied: "Cannot Set Name" (permission 6), "Cannot Set Description"
            (permission 8), "Cannot Set Avatar" (permission 7), checked in that order.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        if await session_store.get(tx.conn, session_id) is None:
            raise NotFound(details.SESSION_NOT_FOUND)
        held = await member_permissions(tx.conn, session_id, caller_id)
        if name is not None and int(Permission.SET_TITLE) not in held:
            raise PermissionDenied(details.CANNOT_SET_NAME)
        if description is not None and int(Permission.SET_DESCRIPTION) not in held:
            raise PermissionDenied(details.CANNOT_SET_DESCRIPTION)
        if avatar_key is not None and int(Permission.SET_AVATAR) not in held:
            raise PermissionDenied(details.CANNOT_SET_AVATAR)
        values: dict[str, object] = {}
        if name is not None:
            values["name"] = name
        if description is not None:
            values["description"] = description
        if avatar_key is not None:
            values["avatar_key"] = await check_avatar_key(
                tx.conn, deps.file_store, caller_id, session_id, avatar_key
            )
        if values:
            await session_store.set_fields(tx.conn, session_id, updated_time=tx.now_us, **values)


async def delete_session(deps: Deps, *, caller_id: int, session_id: int) -> None:
    """Delete a group session with everything in it (members, roles, events, invitations).

    Raises:
        NotFound: "Session Not Found".
        PermissionDenied: "Permission Denied" without permission 9, or for a private session.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        session = await session_store.get(tx.conn, session_id)
        if session is None:
            raise NotFound(details.SESSION_NOT_FOUND)
        held = await member_permissions(tx.conn, session_id, caller_id)
        if (
            int(Permission.DELETE_SESSION) not in held or session["is_private"]
        ) and not await server_roles.moderates(tx.conn, caller_id, session_id, "delete session"):
            raise PermissionDenied(details.PERMISSION_DENIED)
        for user_id in await session_store.member_ids(tx.conn, session_id):
            await session_store.remove_member(tx.conn, session_id, user_id, tx.now_us)
        await session_store.remove(tx.conn, session_id)


async def leave_session(deps: Deps, *, caller_id: int, session_id: int) -> None:
    """Leave a group session; ownership passes on, and the last member takes the session along.

    Raises:
        NotFound: "User Not In Session" (also for an unknown session).
        PermissionDenied: "Permission Denied" for a private session.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await require_member(
            tx.conn, session_id, caller_id, error=NotFound, detail=details.USER_NOT_IN_SESSION
        )
        session = await session_store.get(tx.conn, session_id)
        if session is not None and session["is_private"]:
            raise PermissionDenied(details.PERMISSION_DENIED)
        await membership.leave(tx, session_id, caller_id)
