"""Sending and recalling chat messages."""

from __future__ import annotations

from collections.abc import Sequence

from ourchat import details
from ourchat.delivery import payloads
from ourchat.delivery.events import Audience
from ourchat.deps import Deps
from ourchat.domain.permissions import rank, require_member
from ourchat.domain.send_batcher import Outgoing, Stored
from ourchat.errors import NotFound, PermissionDenied
from ourchat.ids import Permission
from ourchat.storage import events as stored_events
from ourchat.storage import sessions as session_store
from ourchat.storage.uow import unit_of_work

MSG_KIND = 1


async def send_message(
    deps: Deps,
    *,
    sender_id: int,
    session_id: int,
    markdown_text: str,
    involved_files: Sequence[str],
    is_encrypted: bool,
) -> Stored:
    """Store a message and push it to every current member of the session, sender included.

    Concurrent sends are committed together (see :mod:`ourchat.domain.send_batcher`).

    Raises:
        PermissionDenied: "User Not In Session", "Permission Denied" (no permission 1),
            "User Muted", "E2EE Not On" for an encrypted message in a plain session, or
            "Permission Denied" when an involved file is not readable by the sender.
    """
    return await deps.sends.submit(
        deps,
        Outgoing(
            sender_id=sender_id,
            session_id=session_id,
            markdown_text=markdown_text,
            involved_files=tuple(involved_files),
            is_encrypted=is_encrypted,
        ),
    )


async def recall_message(deps: Deps, *, caller_id: int, session_id: int, msg_id: int) -> Stored:
    """Withdraw a message: it is deleted and the session's members are told.

    The sender may recall their own message; anyone else needs permission 2 and a higher rank
    than the sender.

    Raises:
        PermissionDenied: "User Not In Session" for non-members, "Permission Denied" otherwise.
        NotFound: "Message Not Found" when ``msg_id`` is not a chat message of this session.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        role = await require_member(tx.conn, session_id, caller_id)
        row = await stored_events.get(tx.conn, msg_id)
        if row is None or row["session_id"] != session_id or row["kind"] != MSG_KIND:
            raise NotFound(details.MESSAGE_NOT_FOUND)
        sender = row["sender_id"]
        assert sender is None or isinstance(sender, int)
        if sender != caller_id:
            perms = await session_store.role_permissions_of(tx.conn, role)
            if int(Permission.RECALL_OTHER_MSG) not in perms:
                raise PermissionDenied(details.PERMISSION_DENIED)
            target_role = (
                await session_store.member_role(tx.conn, session_id, sender)
                if sender is not None
                else None
            )
            if target_role is not None:
                target_perms = await session_store.role_permissions_of(tx.conn, target_role)
                if rank(role, perms) <= rank(target_role, target_perms):
                    raise PermissionDenied(details.PERMISSION_DENIED)
        await stored_events.remove(tx.conn, msg_id)
        kind, payload = payloads.recall(msg_id)
        event = await stored_events.store(
            tx,
            kind=kind,
            payload=payload,
            audience=Audience.SESSION,
            sender_id=caller_id,
            session_id=session_id,
        )
    return Stored(event.msg_id, event.time_us)
