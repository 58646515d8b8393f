"""End-to-end encrypted sessions: turning encryption on and off, room keys and their rotation.

The server never sees a room key in the clear: it only relays keys that clients wrapped for
each other (see ``docs/e2ee.md``). What it decides is *when* a key must change and *who* makes
the new one. A rotation stores, for the member chosen to make the key (the "caller"),
``update_room_key{session_id}`` and one ``send_room_key{session_id, sender: m, public_key}``
per other member ``m`` that has a public key; the caller then hands the new key to each of
them with SendRoomKey, which reaches only its target as ``receive_room_key``. All of these
events are for one user only, live and on replay.

A rotation happens:

* when E2eeizeSession turns encryption on (the caller makes the key);
* after a kick or a ban that removed someone, made by the member who kicked or banned;
* on the next SendMsg (made by its sender) after a member left, or once the key is older
  than ``room_key_duration_seconds``.

Plaintext messages stay accepted in e2ee sessions (the official client sends only those).
"""

from __future__ import annotations

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.delivery import payloads
from ourchat.delivery.events import Audience
from ourchat.deps import Deps
from ourchat.domain.permissions import require_member
from ourchat.errors import AlreadyExists, NotFound, PermissionDenied
from ourchat.ids import Permission
from ourchat.storage import events as stored_events
from ourchat.storage import sessions as session_store
from ourchat.storage import users as user_store
from ourchat.storage.tables import INT64_MAX
from ourchat.storage.uow import Tx, unit_of_work

# Ids are stored as signed 64-bit integers: anything larger names nothing.


async def _require_e2ee_manager(tx: Tx, session_id: int, caller_id: int) -> None:
    """The checks E2eeize and Dee2eeize share.

    Raises:
        NotFound: "Session Not Found", "User Not In Session".
        PermissionDenied: "Permission Denied" without permission 14.
    """
    if session_id > INT64_MAX or await session_store.get(tx.conn, session_id) is None:
        raise NotFound(details.SESSION_NOT_FOUND)
    role = await require_member(
        tx.conn, session_id, caller_id, error=NotFound, detail=details.USER_NOT_IN_SESSION
    )
    if int(Permission.E2EEIZE) not in await session_store.role_permissions_of(tx.conn, role):
        raise PermissionDenied(details.PERMISSION_DENIED)


async def e2eeize(deps: Deps, *, caller_id: int, session_id: int) -> None:
    """Turn end-to-end encryption on; the caller is asked to make the first room key.

    Raises:
        NotFound: "Session Not Found", "User Not In Session".
        PermissionDenied: "Permission Denied" without permission 14.
        AlreadyExists: "session already e2eeized".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await _require_e2ee_manager(tx, session_id, caller_id)
        if not await session_store.switch_e2ee(tx.conn, session_id, True, tx.now_us):
            raise AlreadyExists(details.SESSION_ALREADY_E2EEIZED)
        await _ask_for_new_key(tx, session_id, caller_id)


async def dee2eeize(deps: Deps, *, caller_id: int, session_id: int) -> None:
    """Turn end-to-end encryption off: encrypted messages are refused from now on.

    Raises:
        NotFound: "Session Not Found", "User Not In Session".
        PermissionDenied: "Permission Denied" without permission 14.
        AlreadyExists: "session already dee2eeized".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        await _require_e2ee_manager(tx, session_id, caller_id)
        if not await session_store.switch_e2ee(tx.conn, session_id, False, tx.now_us):
            raise AlreadyExists(details.SESSION_ALREADY_DEE2EEIZED)


async def send_room_key(
    deps: Deps, *, caller_id: int, session_id: int, user_id: int, room_key: bytes
) -> bool:
    """Hand a wrapped room key to one member; returns False if the target is not a member.

    Nothing is stored for a target who is not a member.

    Raises:
        NotFound: "Session Not Found", "User Not In Session" (the caller).
        PermissionDenied: "E2EE Not On".
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        session = await session_store.get(tx.conn, session_id) if session_id <= INT64_MAX else None
        if session is None:
            raise NotFound(details.SESSION_NOT_FOUND)
        await require_member(
            tx.conn, session_id, caller_id, error=NotFound, detail=details.USER_NOT_IN_SESSION
        )
        if not session["e2ee_on"]:
            raise PermissionDenied(details.E2EE_NOT_ON)
        if user_id > INT64_MAX or not await session_store.is_member(tx.conn, session_id, user_id):
            return False
        kind, payload = payloads.receive_room_key(
            session_id=session_id, from_user_id=caller_id, room_key=room_key
        )
        await stored_events.store(
            tx,
            kind=kind,
            payload=payload,
            audience=Audience.USERS,
            recipients=[user_id],
            sender_id=caller_id,
            session_id=session_id,
        )
    return True


async def rotate_if_due(deps: Deps, tx: Tx, session_id: int, caller_id: int) -> bool:
    """Ask ``caller_id`` for a new room key if one is due; returns whether it was asked.

    A key is due in an e2ee session after a member left, was kicked or banned, or when it is
    older than ``room_key_duration_seconds``. The caller must be a current member (a server
    administrator kicking from outside leaves the rotation to the next message).
    """
    if not await session_store.is_member(tx.conn, session_id, caller_id):
        return False
    oldest = tx.now_us - deps.settings.room_key_duration_seconds * US_PER_SECOND
    if not await session_store.claim_key_rotation(
        tx.conn, session_id, tx.now_us, due_before_us=oldest
    ):
        return False
    await _ask_for_new_key(tx, session_id, caller_id)
    return True


async def _ask_for_new_key(tx: Tx, session_id: int, caller_id: int) -> None:
    """Store the rotation events for ``caller_id``: update_room_key, then one send_room_key
    per other member with a public key (accounts of the JSON gateways have none)."""
    others = [m for m in await session_store.member_ids(tx.conn, session_id) if m != caller_id]
    keys = await user_store.public_keys(tx.conn, others)
    items = [
        _for_caller(caller_id, session_id, None, *payloads.update_room_key(session_id=session_id))
    ]
    for member in others:
        key = keys.get(member, b"")
        if key:
            kind, payload = payloads.send_room_key(
                session_id=session_id, member_id=member, public_key=key
            )
            items.append(_for_caller(caller_id, session_id, member, kind, payload))
    await stored_events.store_many(tx, items)


def _for_caller(
    caller_id: int, session_id: int, sender_id: int | None, kind: int, payload: bytes
) -> stored_events.NewEvent:
    return stored_events.NewEvent(
        kind=kind,
        payload=payload,
        audience=Audience.USERS,
        recipients=frozenset({caller_id}),
        sender_id=sender_id,
        session_id=session_id,
    )
