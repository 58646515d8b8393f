"""Friendships: requests, their answer (which creates the private session), removal, contact names.

A friendship is two ``friends`` rows (a → b, b → a) sharing one private session in which both
users are owners. A pending request is a ``friend_requests`` row that expires after
``add_friend_request_expiry_seconds``. Every notification is one stored event addressed to both
users, so the live push and every replay carry the same ``msg_id`` and ``time``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.delivery import payloads
from ourchat.delivery.events import Audience
from ourchat.deps import Deps
from ourchat.domain import membership
from ourchat.errors import AlreadyExists, InvalidArgument, NotFound, ResourceExhausted
from ourchat.ids import PredefinedRole, SessionId, UserId
from ourchat.storage import events as stored_events
from ourchat.storage import friends as friend_store
from ourchat.storage import sessions as session_store
from ourchat.storage import users
from ourchat.storage.uow import unit_of_work

ACCOUNT_ACTIVE = 0
# Contact names are stored in a 200-character column.
MAX_DISPLAY_NAME_CHARS = 200


@dataclass(frozen=True, slots=True)
class InvitationAnswer:
    """The outcome of AcceptFriendInvitation: the private session when accepted."""

    accepted: bool
    session_id: SessionId | None


async def require_active_user(conn: AsyncConnection, user_id: int) -> None:
    """Check that ``user_id`` names an account that has not been deleted.

    Raises:
        NotFound: "User Not Found".
    """
    if await users.account_status(conn, user_id) != ACCOUNT_ACTIVE:
        raise NotFound(details.USER_NOT_FOUND)


async def require_room_for_a_friend(conn: AsyncConnection, user_id: int) -> None:
    """Check that ``user_id`` has fewer friends than their ``friend_limit``.

    Raises:
        ResourceExhausted: "Friend Limit Reached".
    """
    user = await users.get(conn, user_id)
    limit = int(user["friend_limit"]) if user is not None else 0
    if await friend_store.count_friends(conn, user_id) >= limit:
        raise ResourceExhausted(details.FRIEND_LIMIT_REACHED)


async def add_friend(
    deps: Deps,
    *,
    inviter_id: UserId,
    invitee_id: int,
    leave_message: str | None,
    display_name: str | None,
) -> None:
    """Ask ``invitee_id`` to become a friend of ``inviter_id``.

    Records (or refreshes) the pending request with the name the inviter wants to give the
    invitee, and notifies both users with one event.

    Raises:
        InvalidArgument: "Request Invalid Value" when inviting oneself.
        NotFound: "User Not Found" for an unknown or deleted invitee.
        AlreadyExists: "Friend Already Exists".
        ResourceExhausted: "Friend Limit Reached" when the inviter has no room for a friend.
    """
    if invitee_id == inviter_id:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    now = deps.clock.now_us()
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        await require_active_user(tx.conn, invitee_id)
        if await friend_store.are_friends(tx.conn, inviter_id, invitee_id):
            raise AlreadyExists(details.FRIEND_ALREADY_EXISTS)
        await require_room_for_a_friend(tx.conn, inviter_id)
        await friend_store.put_request(
            tx.conn,
            inviter_id=inviter_id,
            invitee_id=invitee_id,
            leave_message=leave_message,
            display_name=display_name,
            now_us=now,
            expires_at=now + deps.settings.add_friend_request_expiry_seconds * US_PER_SECOND,
        )
        kind, payload = payloads.new_friend_invitation(
            inviter_id=inviter_id, invitee_id=invitee_id, leave_message=leave_message
        )
        await stored_events.store(
            tx,
            kind=kind,
            payload=payload,
            audience=Audience.USERS,
            recipients=(inviter_id, invitee_id),
            sender_id=inviter_id,
        )


async def answer_invitation(
    deps: Deps,
    *,
    invitee_id: UserId,
    inviter_id: int,
    accept: bool,
    leave_message: str | None,
) -> InvitationAnswer:
    """Accept or decline the live request from ``inviter_id`` to ``invitee_id``.

    The request is consumed either way. Accepting creates, in the same transaction, the private
    session (both users owners), both friend rows and the contact entries: the invitee's entry
    for the inviter (unnamed, kept if it exists) and the inviter's entry for the invitee (named
    as the request said; a request without a name keeps an existing one). Any request in the
    other direction is dropped too. Both users get one result event.

    Raises:
        NotFound: "Friend Invitation Not Found" when there is no unexpired request (or the
            inviter's account is gone).
        AlreadyExists: "Friend Already Exists" (accepting only).
        ResourceExhausted: "Friend Limit Reached" when either user has no room for a friend
            (accepting only); the request is kept, so it can be accepted once there is room.
    """
    now = deps.clock.now_us()
    async with unit_of_work(deps.db, deps.bus, now) as tx:
        request = await friend_store.get_request(tx.conn, inviter_id, invitee_id)
        if (
            request is None
            or request.expires_at <= now
            or await users.account_status(tx.conn, inviter_id) != ACCOUNT_ACTIVE
        ):
            raise NotFound(details.FRIEND_INVITATION_NOT_FOUND)
        session_id: SessionId | None = None
        if accept:
            if await friend_store.are_friends(tx.conn, invitee_id, inviter_id):
                raise AlreadyExists(details.FRIEND_ALREADY_EXISTS)
            await require_room_for_a_friend(tx.conn, invitee_id)
            await require_room_for_a_friend(tx.conn, inviter_id)
            session_id = SessionId(deps.ids.next_id())
            await session_store.create(tx.conn, session_id=session_id, now_us=now, is_private=True)
            await membership.join(tx, session_id, inviter_id, PredefinedRole.OWNER)
            await membership.join(tx, session_id, invitee_id, PredefinedRole.OWNER)
            await friend_store.add_pair(tx.conn, inviter_id, invitee_id, session_id)
            await friend_store.ensure_contact(tx.conn, invitee_id, inviter_id)
            if request.display_name is None:
                await friend_store.ensure_contact(tx.conn, inviter_id, invitee_id)
            else:
                await friend_store.set_contact_name(
                    tx.conn, inviter_id, invitee_id, request.display_name
                )
            await friend_store.remove_requests_between(tx.conn, inviter_id, invitee_id)
        else:
            await friend_store.remove_request(tx.conn, inviter_id, invitee_id)
        kind, payload = payloads.friend_invitation_result(
            inviter_id=inviter_id,
            invitee_id=invitee_id,
            leave_message=leave_message,
            accepted=accept,
            session_id=session_id,
        )
        await stored_events.store(
            tx,
            kind=kind,
            payload=payload,
            audience=Audience.USERS,
            recipients=(inviter_id, invitee_id),
            sender_id=invitee_id,
        )
    return InvitationAnswer(accepted=accept, session_id=session_id)


async def delete_friend(deps: Deps, *, user_id: UserId, friend_id: int) -> None:
    """End the friendship between ``user_id`` and ``friend_id``.

    Both friend rows go, and so does the private session with its members and history.
    Contact names are kept. The other user is not notified; the session simply disappears.

    Raises:
        NotFound: "Friend Not Found".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        session_id = await friend_store.friend_session(tx.conn, user_id, friend_id)
        if session_id is None:
            raise NotFound(details.FRIEND_NOT_FOUND)
        await friend_store.remove_pair(tx.conn, user_id, friend_id)
        if session_id:
            await session_store.remove(tx.conn, session_id)


async def set_friend_info(
    deps: Deps, *, user_id: UserId, contact_id: int, display_name: str | None
) -> None:
    """Set the name ``user_id`` sees for ``contact_id`` (no friendship needed).

    Without ``display_name`` nothing changes.

    Raises:
        NotFound: "User Not Found" when ``contact_id`` names no account.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        if not await users.exists(tx.conn, contact_id):
            raise NotFound(details.USER_NOT_FOUND)
        if display_name is not None:
            await friend_store.set_contact_name(tx.conn, user_id, contact_id, display_name)
