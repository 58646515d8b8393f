"""How the command-line client shows events: one readable line each, or one JSON object."""

from __future__ import annotations

from typing import Any

from ourchat.cli.common import Names, iso_time, local_clock, to_jsonable
from ourchat.cli.file_links import show_files
from ourchat.client import Event


def kind(event: Event) -> str:
    """The event's variant name (``"msg"``, ``"recall"``, ...)."""
    return event.WhichOneof("respond_event_type") or "unknown"


def event_json(event: Event) -> dict[str, Any]:
    """An event as plain JSON values: ``msg_id``, ``time``, ``time_us``, ``kind`` and its body."""
    name = kind(event)
    body = to_jsonable(getattr(event, name)) if name != "unknown" else {}
    return {
        "msg_id": event.msg_id,
        "time": iso_time(event.time),
        "time_us": event.time.ToMicroseconds(),
        "kind": name,
        name: body,
    }


def _quoted(text: str) -> str:
    return f": “{text}”" if text else ""


async def describe(event: Event, names: Names, me: int) -> str:
    """One line telling what happened, with names instead of ids where the server tells them."""
    name = kind(event)
    when = local_clock(event.time)
    if name == "msg":
        m = event.msg
        who = "you" if m.sender_id == me else await names.name(m.sender_id)
        keys = list(m.involved_files)
        # Encrypted messages arrive opened, or marked unreadable (ourchat.cli.e2ee.readable).
        text = show_files(m.markdown_text, keys)
        return f"[{when}] session {m.session_id} · {who}: {text}"
    if name == "recall":
        return f"[{when}] message {event.recall.msg_id} was recalled"
    if name == "invite_user_to_session":
        inv = event.invite_user_to_session
        who = await names.label(inv.inviter_id)
        return (
            f"[{when}] {who} invited you to session {inv.session_id}"
            f"{_quoted(inv.leave_message)} — accept with `ourchat sessions join "
            f"{inv.session_id}`"
        )
    if name == "new_friend_invitation_notification":
        req = event.new_friend_invitation_notification
        if req.inviter_id == me:
            who = await names.name(req.invitee_id)
            return f"[{when}] you asked {who} to be friends{_quoted(req.leave_message)}"
        who, ocid = await names.lookup(req.inviter_id)
        handle = ocid or str(req.inviter_id)
        return (
            f"[{when}] {who} (ocid {handle}) wants to be your friend"
            f"{_quoted(req.leave_message)} — `ourchat friends accept {handle}` (or decline)"
        )
    if name == "friend_invitation_result_notification":
        res = event.friend_invitation_result_notification
        accepted = res.status == 1
        verb = "accepted" if accepted else "declined"
        where = f" (private session {res.session_id})" if res.HasField("session_id") else ""
        if res.invitee_id == me:
            who = await names.name(res.inviter_id)
            return f"[{when}] you {verb} {who}'s friend request{where}"
        who = await names.name(res.invitee_id)
        return f"[{when}] {who} {verb} your friend request{_quoted(res.leave_message)}{where}"
    if name == "join_session_approval":
        ask = event.join_session_approval
        who, ocid = await names.lookup(ask.user_id)
        if ask.user_id == me:
            return f"[{when}] you asked to join session {ask.session_id}"
        handle = ocid or str(ask.user_id)
        return (
            f"[{when}] {who} (ocid {handle}) asks to join session {ask.session_id}"
            f"{_quoted(ask.leave_message)} — `ourchat sessions allow {ask.session_id} {handle}`"
        )
    if name == "allow_user_join_session_notification":
        ans = event.allow_user_join_session_notification
        verb = "accepted" if ans.accepted else "declined"
        return f"[{when}] your request to join session {ans.session_id} was {verb}"
    if name == "accept_session_approval":
        reply = event.accept_session_approval
        who = "you" if reply.invitee_id == me else await names.name(reply.invitee_id)
        verb = "accepted" if reply.accepted else "declined"
        return f"[{when}] {who} {verb} the invitation to session {reply.session_id}"
    if name == "announcement_response":
        ann = event.announcement_response.announcement
        return f"[{when}] announcement: {ann.title} — {ann.content}"
    if name == "receive_room_key":
        key = event.receive_room_key
        return f"[{when}] received a room key for session {key.session_id}"
    if name == "send_room_key":
        wanted = event.send_room_key
        who = await names.name(wanted.sender)
        return f"[{when}] send your room key of session {wanted.session_id} to {who}"
    if name == "update_room_key":
        return f"[{when}] the room key of session {event.update_room_key.session_id} must change"
    return f"[{when}] event {event.msg_id} ({name})"
