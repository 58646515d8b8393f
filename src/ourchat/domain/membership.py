"""Joining and leaving sessions, with ownership handed on and empty sessions removed."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ourchat import details
from ourchat.errors import AlreadyExists
from ourchat.ids import PredefinedRole
from ourchat.storage import sessions as session_store
from ourchat.storage.uow import Tx


async def join(tx: Tx, session_id: int, user_id: int, role_id: int | None = None) -> None:
    """Add a member with ``role_id`` (default: the session's default role).

    The new member's history starts now: earlier session events are not replayed to them.

    Raises:
        AlreadyExists: "User Already In Session" when ``user_id`` is a member already.
    """
    if role_id is None:
        session = await session_store.get(tx.conn, session_id)
        role_id = int(session["default_role_id"]) if session is not None else PredefinedRole.MEMBER
    try:
        await session_store.add_member(tx.conn, session_id, user_id, role_id, tx.now_us)
    except IntegrityError:
        # Two admissions of one user raced (e.g. an invitation accepted while a join request
        # was approved); the loser's transaction is rolled back.
        raise AlreadyExists(details.USER_ALREADY_IN_SESSION) from None


async def leave(tx: Tx, session_id: int, user_id: int) -> bool:
    """End a membership (leave, kick or ban); returns whether ``user_id`` was a member.

    The member's role goes with the membership. When the last owner goes, the longest-standing
    admin becomes owner, else the longest-standing member. A session left with no member is
    deleted. In an end-to-end encrypted session the room key is then due for rotation
    (:mod:`ourchat.domain.room_keys`).
    """
    if not await session_store.remove_member(tx.conn, session_id, user_id, tx.now_us):
        return False
    remaining = await session_store.member_roles(tx.conn, session_id)
    if not remaining:
        await session_store.remove(tx.conn, session_id)
        return True
    if all(role != PredefinedRole.OWNER for _, role in remaining):
        admins = [uid for uid, role in remaining if role == PredefinedRole.ADMIN]
        heir = admins[0] if admins else remaining[0][0]
        await session_store.set_member_role(tx.conn, session_id, heir, PredefinedRole.OWNER)
    session = await session_store.get(tx.conn, session_id)
    if session is not None and session["e2ee_on"]:
        await session_store.set_fields(tx.conn, session_id, leaving_to_process=True)
    return True
