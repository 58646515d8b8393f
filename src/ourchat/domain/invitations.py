"""Ways into a group session: invitations by members and join requests answered by approvers.

Both are pending rows in the database that expire after ``verification_expire_time_seconds``.
Their notifications go to an explicit set of users, never to the whole session:

* an invitation to the invitee and the inviter;
* a join request to the members holding permission 13 when it is made, and to the applicant
  (so every device of the applicant keeps a record of the pending request);
* the answer to an invitation to the inviter recorded on it;
* the answer to a join request to the applicant.

Private (friend) sessions have exactly the two friends in them: nobody can be invited into
one or ask to join one.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.delivery import payloads
from ourchat.delivery.events import Audience
from ourchat.deps import Deps
from ourchat.domain import membership
from ourchat.domain.permissions import has_permission
from ourchat.errors import AlreadyExists, NotFound, PermissionDenied
from ourchat.ids import Permission
from ourchat.storage import events as stored_events
from ourchat.storage import invitations as invitation_store
from ourchat.storage import restrictions, users
from ourchat.storage import sessions as session_store
from ourchat.storage.uow import Tx, unit_of_work

ACCOUNT_ACTIVE = 0


async def is_active_user(conn: AsyncConnection, user_id: int) -> bool:
    """Whether ``user_id`` names an account that exists and is not unregistered."""
    return await users.account_status(conn, user_id) == ACCOUNT_ACTIVE


async def is_banned(conn: AsyncConnection, session_id: int, user_id: int, now_us: int) -> bool:
    """Whether ``user_id`` is banned from the session (personally or session-wide) right now."""
    return await restrictions.active(conn, restrictions.bans, session_id, user_id, now_us)


async def admit(tx: Tx, session_id: int, user_id: int) -> None:
    """Make ``user_id`` a member with the session's default role and drop what they had pending.

    Raises:
        AlreadyExists: "User Already In Session".
    """
    if await session_store.is_member(tx.conn, session_id, user_id):
        raise AlreadyExists(details.USER_ALREADY_IN_SESSION)
    await membership.join(tx, session_id, user_id)
    await invitation_store.remove_invitation(tx.conn, session_id, user_id)
    await invitation_store.remove_join_request(tx.conn, session_id, user_id)


async def send_invitation(
    tx: Tx,
    deps: Deps,
    *,
    session_id: int,
    inviter_id: int,
    invitee_id: int,
    leave_message: str | None,
) -> None:
    """Record an invitation (replacing an earlier one of the invitee) and notify both sides.

    The caller has already checked that the invitation is allowed.
    """
    expires_at = tx.now_us + deps.settings.verification_expire_time_seconds * US_PER_SECOND
    await invitation_store.put_invitation(
        tx.conn,
        session_id=session_id,
        inviter_id=inviter_id,
        invitee_id=invitee_id,
        leave_message=leave_message,
        now_us=tx.now_us,
        expires_at=expires_at,
    )
    kind, payload = payloads.session_invitation(
        session_id=session_id,
        inviter_id=inviter_id,
        leave_message=leave_message,
        expires_at_us=expires_at,
    )
    await stored_events.store(
        tx,
        kind=kind,
        payload=payload,
        audience=Audience.USERS,
        recipients=(invitee_id, inviter_id),
        sender_id=inviter_id,
        session_id=session_id,
    )


async def invite(
    deps: Deps, *, inviter_id: int, session_id: int, invitee_id: int, leave_message: str | None
) -> bool:
    """Invite ``invitee_id`` into a group session the inviter belongs to.

    Returns:
        False, with nothing recorded, when ``invitee_id`` names no (active) account.

    Raises:
        NotFound: "Session Not Found".
        PermissionDenied: "Permission Denied" when the inviter is not a member or the session
            is private; "User Banned" when the invitee is banned from the session.
        AlreadyExists: "User Already In Session" when the invitee is a member.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        session = await session_store.get(tx.conn, session_id)
        if session is None:
            raise NotFound(details.SESSION_NOT_FOUND)
        if not await session_store.is_member(tx.conn, session_id, inviter_id):
            raise PermissionDenied(details.PERMISSION_DENIED)
        if session["is_private"]:
            raise PermissionDenied(details.PERMISSION_DENIED)
        if not await is_active_user(tx.conn, invitee_id):
            return False
        if await session_store.is_member(tx.conn, session_id, invitee_id):
            raise AlreadyExists(details.USER_ALREADY_IN_SESSION)
        if await is_banned(tx.conn, session_id, invitee_id, tx.now_us):
            raise PermissionDenied(details.USER_BANNED)
        await send_invitation(
            tx,
            deps,
            session_id=session_id,
            inviter_id=inviter_id,
            invitee_id=invitee_id,
            leave_message=leave_message,
        )
    return True


async def answer_invitation(
    deps: Deps, *, invitee_id: int, session_id: int, accepted: bool
) -> None:
    """Accept or decline a live invitation; it is consumed either way and its inviter told.

    Raises:
        PermissionDenied: "User Banned" (checked first).
        NotFound: "Session Invitation Not Found" when there is no unexpired invitation.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        if await is_banned(tx.conn, session_id, invitee_id, tx.now_us):
            raise PermissionDenied(details.USER_BANNED)
        invitation = await invitation_store.take_invitation(
            tx.conn, session_id, invitee_id, tx.now_us
        )
        if invitation is None:
            raise NotFound(details.SESSION_INVITATION_NOT_FOUND)
        public_key: bytes | None = None
        if accepted:
            await admit(tx, session_id, invitee_id)
            session = await session_store.get(tx.conn, session_id)
            if session is not None and session["e2ee_on"]:
                public_key = await users.public_key(tx.conn, invitee_id)
        kind, payload = payloads.invitation_answer(
            session_id=session_id, invitee_id=invitee_id, accepted=accepted, public_key=public_key
        )
        await stored_events.store(
            tx,
            kind=kind,
            payload=payload,
            audience=Audience.USERS,
            recipients=(invitation.inviter_id,),
            sender_id=invitee_id,
            session_id=session_id,
        )


async def approvers(conn: AsyncConnection, session_id: int) -> list[int]:
    """Current members holding permission 13 (accept join requests), longest-standing first."""
    granted: dict[int, bool] = {}
    result = []
    for user_id, role_id in await session_store.member_roles(conn, session_id):
        if role_id not in granted:
            perms = await session_store.role_permissions_of(conn, role_id)
            granted[role_id] = int(Permission.ACCEPT_JOIN_REQUEST) in perms
        if granted[role_id]:
            result.append(user_id)
    return result


async def request_join(
    deps: Deps, *, user_id: int, session_id: int, leave_message: str | None
) -> None:
    """Ask to join a group session; the session's approvers are notified.

    Asking again replaces the pending request, restarting its expiry, and notifies again.

    Raises:
        NotFound: "Session Not Found".
        AlreadyExists: "User Already In Session".
        PermissionDenied: "Permission Denied" for a private session; "User Banned".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        session = await session_store.get(tx.conn, session_id)
        if session is None:
            raise NotFound(details.SESSION_NOT_FOUND)
        if await session_store.is_member(tx.conn, session_id, user_id):
            raise AlreadyExists(details.USER_ALREADY_IN_SESSION)
        if session["is_private"]:
            raise PermissionDenied(details.PERMISSION_DENIED)
        if await is_banned(tx.conn, session_id, user_id, tx.now_us):
            raise PermissionDenied(details.USER_BANNED)
        expires_at = tx.now_us + deps.settings.verification_expire_time_seconds * US_PER_SECOND
        await invitation_store.put_join_request(
            tx.conn,
            session_id=session_id,
            user_id=user_id,
            leave_message=leave_message,
            now_us=tx.now_us,
            expires_at=expires_at,
        )
        public_key = await users.public_key(tx.conn, user_id) if session["e2ee_on"] else None
        kind, payload = payloads.join_request(
            session_id=session_id,
            user_id=user_id,
            leave_message=leave_message,
            public_key=public_key,
        )
        await stored_events.store(
            tx,
            kind=kind,
            payload=payload,
            audience=Audience.USERS,
            recipients=(*await approvers(tx.conn, session_id), user_id),
            sender_id=user_id,
            session_id=session_id,
        )


async def answer_join_request(
    deps: Deps,
    *,
    approver_id: int,
    session_id: int,
    user_id: int,
    accepted: bool,
    room_key: bytes | None,
) -> None:
    """Accept or decline a pending join request; it is consumed and the applicant told.

    Raises:
        PermissionDenied: "Permission Denied" without permission 13 in the session;
            "User Banned" when accepting someone banned since they asked.
        NotFound: "Session Invitation Not Found" when there is no unexpired request.
        AlreadyExists: "User Already In Session" (the applicant got in another way).
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        if not await has_permission(
            tx.conn, session_id, approver_id, Permission.ACCEPT_JOIN_REQUEST
        ):
            raise PermissionDenied(details.PERMISSION_DENIED)
        request = await invitation_store.take_join_request(tx.conn, session_id, user_id, tx.now_us)
        if request is None:
            raise NotFound(details.SESSION_INVITATION_NOT_FOUND)
        if accepted:
            if await is_banned(tx.conn, session_id, user_id, tx.now_us):
                raise PermissionDenied(details.USER_BANNED)
            await admit(tx, session_id, user_id)
        kind, payload = payloads.join_answer(
            session_id=session_id, accepted=accepted, room_key=room_key
        )
        await stored_events.store(
            tx,
            kind=kind,
            payload=payload,
            audience=Audience.USERS,
            recipients=(user_id,),
            sender_id=approver_id,
            session_id=session_id,
        )
