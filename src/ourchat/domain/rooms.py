"""Call rooms: who may create, invite, join, moderate and signal (BEHAVIOR.md §14 as §18 amends).

Room state lives in the database, so every process serves every room and a restart loses none.
A member is *in the call* from JoinRoom until they leave or are kicked; a room is *empty* while
none of its members is in the call, and is removed (``auto_delete``) or archived once it has
been empty for ``empty_room_keep_duration_seconds`` (:func:`sweep`).

Admin rights are a property of a membership: leaving or being kicked ends them. The creator is
always an admin while a member (they get the right back when they rejoin) and can neither be
kicked nor demoted.

Membership notices (joined / left / kicked) and signals are pushed live on FetchMsgs and never
stored: joined and left go to the other members, kicked also to the kicked user; a signal goes
to its target only. An invitation rings the invitee (``room_invitation``); an invitee who leaves
without having joined declines it, and the members are told (``room_invitation_declined``).
Promotions and demotions go to every member, so each knows who may moderate.
"""

from __future__ import annotations

from dataclasses import dataclass

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.delivery import payloads
from ourchat.deps import Deps
from ourchat.domain.invitations import is_active_user
from ourchat.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from ourchat.storage import events as stored_events
from ourchat.storage import rooms as room_store
from ourchat.storage.rooms import Member, Room
from ourchat.storage.uow import Tx, unit_of_work


@dataclass(frozen=True, slots=True)
class SignalContent:
    """What a Signal call relays (its type already checked by the handler)."""

    signal_type: int
    sdp: str
    ice_candidate: str
    sdp_mid: str
    sdp_mline_index: int


async def _require_room(tx: Tx, room_id: int) -> Room:
    """The live room, locked for this transaction.

    Raises:
        NotFound: "WebRTC Room Not Found".
    """
    room = await room_store.get(tx.conn, room_id, lock=True)
    if room is None:
        raise NotFound(details.ROOM_NOT_FOUND)
    return room


async def _require_admin(tx: Tx, room_id: int, user_id: int, detail: str) -> Member:
    """The caller's membership, which must carry the admin right (else ``detail``)."""
    membership = await room_store.member(tx.conn, room_id, user_id)
    if membership is None or not membership.is_admin:
        raise PermissionDenied(detail)
    return membership


async def _notify(tx: Tx, change: str, room_id: int, user_id: int, recipients: list[int]) -> None:
    """Push a membership notice to ``recipients`` after commit (nobody: nothing)."""
    if recipients:
        _, payload = payloads.room_member(change, room_id=room_id, user_id=user_id)
        await stored_events.queue_live(tx, payload, recipients)


async def _note_emptiness(tx: Tx, room: Room) -> None:
    """Start the empty-room clock if the last member in the call just went."""
    if room.empty_since is None and await room_store.in_call_count(tx.conn, room.id) == 0:
        await room_store.set_empty_since(tx.conn, room.id, tx.now_us)


async def create(
    deps: Deps, *, creator_id: int, title: str | None, auto_delete: bool, open_join: bool
) -> int:
    """Create a room whose creator is its first member and admin; returns its id."""
    room_id = deps.ids.next_id()
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await room_store.create(
            tx.conn,
            room_id=room_id,
            title=title,
            creator_id=creator_id,
            auto_delete=auto_delete,
            open_join=open_join,
            now_us=tx.now_us,
        )
    return room_id


async def invite(deps: Deps, *, caller_id: int, room_id: int, user_id: int) -> None:
    """Invite ``user_id`` into the room.

    Raises:
        NotFound: "WebRTC Room Not Found"; "User Not Found" for an unknown invitee.
        PermissionDenied: "only room admins can invite users".
        AlreadyExists: "user is already invited to this room".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        room = await _require_room(tx, room_id)
        await _require_admin(tx, room_id, caller_id, details.ONLY_ADMINS_CAN_INVITE)
        if not await is_active_user(tx.conn, user_id):
            raise NotFound(details.USER_NOT_FOUND)
        if await room_store.is_invited(tx.conn, room_id, user_id):
            raise AlreadyExists(details.ALREADY_INVITED_TO_ROOM)
        await room_store.add_invitation(tx.conn, room_id, user_id, caller_id, tx.now_us)
        _, payload = payloads.room_invitation(
            room_id=room_id, inviter_id=caller_id, title=room.title or ""
        )
        await stored_events.queue_live(tx, payload, (user_id,))


async def join(deps: Deps, *, user_id: int, room_id: int) -> list[int]:
    """Enter the room's call (becoming a member first if need be); the others are told.

    A non-member needs an invitation unless the room is open to all (or they created it);
    the invitation is consumed.

    Returns:
        The other members.

    Raises:
        NotFound: "WebRTC Room Not Found".
        PermissionDenied: "you must be invited to join this room".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        room = await _require_room(tx, room_id)
        membership = await room_store.member(tx.conn, room_id, user_id)
        invited = await room_store.take_invitation(tx.conn, room_id, user_id)
        is_creator = user_id == room.creator_id
        if membership is None:
            if not (room.open_join or invited or is_creator):
                raise PermissionDenied(details.MUST_BE_INVITED_TO_ROOM)
            await room_store.add_member(
                tx.conn, room_id, user_id, is_admin=is_creator, in_call=True, now_us=tx.now_us
            )
        elif not membership.in_call:
            await room_store.update_member(tx.conn, room_id, user_id, in_call=True)
        if room.empty_since is not None:
            await room_store.set_empty_since(tx.conn, room_id, None)
        others = [m for m in await room_store.member_ids(tx.conn, room_id) if m != user_id]
        await _notify(tx, "joined", room_id, user_id, others)
    return others


async def accept_invitation(deps: Deps, *, user_id: int, room_id: int) -> None:
    """Become a member through a pending invitation, without entering the call (no notice).

    Raises:
        NotFound: "WebRTC Room Not Found".
        AlreadyExists: "you are already in this room".
        PermissionDenied: "you are not invited to this room".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        room = await _require_room(tx, room_id)
        if await room_store.member(tx.conn, room_id, user_id) is not None:
            raise AlreadyExists(details.ALREADY_IN_ROOM)
        if not await room_store.take_invitation(tx.conn, room_id, user_id):
            raise PermissionDenied(details.NOT_INVITED_TO_ROOM)
        await room_store.add_member(
            tx.conn,
            room_id,
            user_id,
            is_admin=user_id == room.creator_id,
            in_call=False,
            now_us=tx.now_us,
        )


async def members(deps: Deps, *, user_id: int, room_id: int) -> list[int]:
    """The room's members, in the order they became members, for a member.

    Raises:
        NotFound: "WebRTC Room Not Found".
        PermissionDenied: "you are not in this room".
    """
    async with deps.db.read() as conn:
        if await room_store.get(conn, room_id) is None:
            raise NotFound(details.ROOM_NOT_FOUND)
        if await room_store.member(conn, room_id, user_id) is None:
            raise PermissionDenied(details.NOT_IN_ROOM)
        return await room_store.member_ids(conn, room_id)


async def leave(deps: Deps, *, user_id: int, room_id: int) -> None:
    """Leave the room (and its call); the remaining members are told.

    A non-member holding an invitation declines it: the invitation goes and the members are
    told. Anyone else: nothing.

    Raises:
        NotFound: "WebRTC Room Not Found".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        room = await _require_room(tx, room_id)
        if not await room_store.remove_member(tx.conn, room_id, user_id):
            if await room_store.take_invitation(tx.conn, room_id, user_id):
                members = await room_store.member_ids(tx.conn, room_id)
                await _notify(tx, "declined", room_id, user_id, members)
            return
        await _note_emptiness(tx, room)
        await _notify(tx, "left", room_id, user_id, await room_store.member_ids(tx.conn, room_id))


async def promote(deps: Deps, *, caller_id: int, room_id: int, user_id: int) -> None:
    """Give a member the admin right; the members are told (unless they had it already).

    Raises:
        NotFound: "WebRTC Room Not Found"; "user is not in the room".
        PermissionDenied: "only room admins can promote other users".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await _require_room(tx, room_id)
        await _require_admin(tx, room_id, caller_id, details.ONLY_ADMINS_CAN_PROMOTE)
        target = await room_store.member(tx.conn, room_id, user_id)
        if target is None:
            raise NotFound(details.USER_NOT_IN_ROOM)
        await room_store.update_member(tx.conn, room_id, user_id, is_admin=True)
        if not target.is_admin:
            members = await room_store.member_ids(tx.conn, room_id)
            await _notify(tx, "promoted", room_id, user_id, members)


async def demote(deps: Deps, *, caller_id: int, room_id: int, user_id: int) -> None:
    """Take the admin right from a member (the creator only; never from the creator); the
    members are told if the member had it.

    Raises:
        NotFound: "WebRTC Room Not Found".
        PermissionDenied: "only room creator can demote admins"; "cannot demote room creator".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        room = await _require_room(tx, room_id)
        if caller_id != room.creator_id:
            raise PermissionDenied(details.ONLY_CREATOR_CAN_DEMOTE)
        if user_id == room.creator_id:
            raise PermissionDenied(details.CANNOT_DEMOTE_CREATOR)
        target = await room_store.member(tx.conn, room_id, user_id)
        await room_store.update_member(tx.conn, room_id, user_id, is_admin=False)
        if target is not None and target.is_admin:
            members = await room_store.member_ids(tx.conn, room_id)
            await _notify(tx, "demoted", room_id, user_id, members)


async def kick(deps: Deps, *, caller_id: int, room_id: int, user_id: int) -> None:
    """Remove a member (and any invitation of theirs); they and the remaining members are told.

    Raises:
        NotFound: "WebRTC Room Not Found"; "user is not in the room".
        PermissionDenied: "only room admins can kick users"; "cannot kick room creator".
        InvalidArgument: "cannot kick yourself".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        room = await _require_room(tx, room_id)
        await _require_admin(tx, room_id, caller_id, details.ONLY_ADMINS_CAN_KICK)
        if user_id == caller_id:
            raise InvalidArgument(details.CANNOT_KICK_YOURSELF)
        if user_id == room.creator_id:
            raise PermissionDenied(details.CANNOT_KICK_CREATOR)
        if not await room_store.remove_member(tx.conn, room_id, user_id):
            raise NotFound(details.USER_NOT_IN_ROOM)
        await room_store.take_invitation(tx.conn, room_id, user_id)
        await _note_emptiness(tx, room)
        remaining = await room_store.member_ids(tx.conn, room_id)
        await _notify(tx, "kicked", room_id, user_id, [*remaining, user_id])


async def signal(
    deps: Deps, *, caller_id: int, room_id: int, target_id: int, content: SignalContent
) -> None:
    """Relay an offer, answer or ICE candidate to another member of the room, live.

    Raises:
        NotFound: "WebRTC Room Not Found"; "User Not Found" for an unknown target.
        PermissionDenied: "you are not in this room" when the caller or the target is not a
            member.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await _require_room(tx, room_id)
        if not await is_active_user(tx.conn, target_id):
            raise NotFound(details.USER_NOT_FOUND)
        for user_id in (caller_id, target_id):
            if await room_store.member(tx.conn, room_id, user_id) is None:
                raise PermissionDenied(details.NOT_IN_ROOM)
        _, payload = payloads.signal(
            room_id=room_id,
            from_user_id=caller_id,
            signal_type=content.signal_type,
            sdp=content.sdp,
            ice_candidate=content.ice_candidate,
            sdp_mid=content.sdp_mid,
            sdp_mline_index=content.sdp_mline_index,
        )
        await stored_events.queue_live(tx, payload, (target_id,))


async def sweep(deps: Deps) -> int:
    """Remove (auto_delete) or archive every room empty for the keep duration; returns how many.

    Each room is re-checked under its lock, so a room someone just joined stays.
    """
    keep_us = int(deps.settings.empty_room_keep_duration_seconds * US_PER_SECOND)
    cutoff = deps.clock.now_us() - keep_us
    async with deps.db.read() as conn:
        candidates = await room_store.empty_before(conn, cutoff + 1)
    done = 0
    for room_id, _ in candidates:
        async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
            room = await room_store.get(tx.conn, room_id, lock=True)
            if room is None or room.empty_since is None or room.empty_since > cutoff:
                continue
            if room.auto_delete:
                await room_store.delete_room(tx.conn, room_id)
            else:
                await room_store.archive_room(tx.conn, room_id, tx.now_us)
            done += 1
    return done


def sweep_interval(deps: Deps) -> float:
    """How often :func:`sweep` runs: a tenth of the keep duration, between 1 s and 60 s."""
    return min(60.0, max(1.0, deps.settings.empty_room_keep_duration_seconds / 10))
