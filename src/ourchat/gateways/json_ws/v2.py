"""JSON protocol v2 (seed 001): ``{"code", "time", "data": {...}}``, friends and groups.

Codes: 0 text (both ways; ``sender.group_id`` for a group, ``sender.private_id`` for a
friend), 4 → 5 register, 6 → 7 login, 8 create group, 9 ask to join a group / add a friend,
10 pulled into a group / join approved / friend accepted, 11 refused, 12 rename a group or a
user. Requests 8 to 12 are answered with the same code and ``state`` 0 (failures: ``state``
1 and ``details``); pushes of 9 to 11 carry no ``state``.
"""

from __future__ import annotations

import time

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat.errors import OurChatError
from ourchat.gateways import directory
from ourchat.gateways.json_ws import frames, social
from ourchat.gateways.json_ws.common import CREDENTIAL_DETAILS, log_in, register, send, user_id_of
from ourchat.gateways.json_ws.connection import Connection
from ourchat.gateways.json_ws.frames import FrameError, Json
from ourchat.gateways.json_ws.versions import Version
from ourchat.gateways.markdown import TEXT, Item

TEXT_MESSAGE = 0
#: Request code → the code of its reply.
REPLY_CODES = {4: 5, 6: 7}
#: The code of a frame that could not be read at all.
UNREADABLE = -1


def frame(code: int, data: Json, time_s: int | None = None) -> Json:
    """A v2 frame."""
    return {"code": code, "time": int(time.time()) if time_s is None else time_s, "data": data}


def _unwrap(raw: Json) -> tuple[int, Json]:
    return frames.integer(raw, "code"), frames.obj(raw, "data")


def _error(code: int | None, detail: str) -> Json:
    reply = UNREADABLE if code is None else REPLY_CODES.get(code, code)
    return frame(reply, {"state": 1, "details": detail})


async def _text(conn: Connection, data: Json) -> None:
    sender = frames.obj(data, "sender")
    if sender.get("ocid") is not None and frames.text(sender, "ocid") != conn.ocid:
        raise FrameError(details.PERMISSION_DENIED)
    if sender.get("group_id") is not None:
        session_id = frames.identifier(sender, "group_id")
    else:
        session_id = await social.private_session(conn, frames.text(sender, "private_id"))
    await send(conn, session_id, [Item(TEXT, frames.text(data, "msg"))])


async def _register(conn: Connection, data: Json) -> None:
    email, password = frames.text(data, "email"), frames.text(data, "password")
    name = frames.text(data, "name")
    try:
        created = await register(conn, email=email, password=password, name=name)
    except OurChatError as exc:
        state = 2 if exc.detail == details.USER_ALREADY_EXISTS else 1
        await conn.send(frame(5, {"state": state, "ocId": "", "details": exc.detail}))
        return
    await conn.send(frame(5, {"state": 0, "ocId": created.ocid}))


async def _login(conn: Connection, data: Json) -> None:
    account, password = frames.text(data, "account"), frames.text(data, "password")
    is_email = "@" in account
    try:
        ocid = await log_in(
            conn,
            email=account if is_email else None,
            ocid=None if is_email else account,
            password=password,
            since=frames.optional_since(data),
        )
    except OurChatError as exc:
        state = 1 if exc.detail in CREDENTIAL_DETAILS else 2
        await conn.send(frame(7, {"state": state, "ocid": "", "details": exc.detail}))
        return
    await conn.send(frame(7, {"state": 0, "ocid": ocid}))


def _check_self(conn: Connection, data: Json, key: str = "ocid") -> None:
    if data.get(key) is not None and frames.text(data, key) != conn.ocid:
        raise FrameError(details.PERMISSION_DENIED)


async def _create_group(conn: Connection, data: Json) -> None:
    _check_self(conn, data)
    name = frames.text(data, "group_name")
    group_id = await social.create_group(conn, name)
    await conn.send(frame(8, {"state": 0, "group_id": str(group_id), "group_name": name}))


async def _apply(conn: Connection, data: Json) -> None:
    _check_self(conn, data)
    if data.get("group_id") is not None:
        group_id = frames.identifier(data, "group_id")
        await social.ask_to_join(conn, group_id)
        await conn.send(frame(9, {"state": 0, "group_id": str(group_id), "ocid": conn.ocid}))
        return
    add_ocid = frames.text(data, "add_ocid")
    await social.ask_friend(conn, await user_id_of(conn, add_ocid))
    await conn.send(frame(9, {"state": 0, "add_ocid": add_ocid, "ocid": conn.ocid}))


async def _approve(conn: Connection, data: Json) -> None:
    """10: accept a friend, let an applicant in, pull someone in, or accept an invitation.

    ``{group_id, ocid}`` from a member of the group lets ``ocid`` in; from anyone else it
    accepts ``ocid``'s invitation into the group. ``{group_id, add_ocid}`` pulls (invites)
    ``add_ocid`` in; ``{add_ocid, ocid}`` accepts ``ocid``'s friend request.
    """
    if data.get("group_id") is None:
        inviter = frames.text(data, "ocid")
        _check_self(conn, data, "add_ocid")
        await social.answer_friend(conn, await user_id_of(conn, inviter), accepted=True)
        await conn.send(frame(10, {"state": 0, "add_ocid": conn.ocid, "ocid": inviter}))
        return
    group_id = frames.identifier(data, "group_id")
    reply: Json = {"state": 0, "group_id": str(group_id)}
    if data.get("add_ocid") is not None:
        add_ocid = frames.text(data, "add_ocid")
        await social.invite(conn, group_id, await user_id_of(conn, add_ocid))
        reply["add_ocid"] = add_ocid
    else:
        ocid = frames.text(data, "ocid")
        await _answer_in_group(conn, group_id, await user_id_of(conn, ocid), accepted=True)
        reply["ocid"] = ocid
    await conn.send(frame(10, reply))


async def _refuse(conn: Connection, data: Json) -> None:
    """11: refuse a friend request, a join request or an invitation."""
    ocid = frames.text(data, "ocid")
    if data.get("group_id") is None:
        await social.answer_friend(conn, await user_id_of(conn, ocid), accepted=False)
        await conn.send(frame(11, {"state": 0, "ocid": ocid}))
        return
    group_id = frames.identifier(data, "group_id")
    await _answer_in_group(conn, group_id, await user_id_of(conn, ocid), accepted=False)
    await conn.send(frame(11, {"state": 0, "group_id": str(group_id), "ocid": ocid}))


async def _answer_in_group(
    conn: Connection, group_id: int, user_id: int, *, accepted: bool
) -> None:
    """A member answers ``user_id``'s request to join; a non-member, ``user_id``'s invitation."""
    session = await directory.session_kind(conn.deps, group_id)
    if session is not None and conn.user_id in session.members:
        await social.answer_join_request(conn, group_id, user_id, accepted=accepted)
    else:
        await social.answer_invitation(conn, group_id, user_id, accepted=accepted)


async def _rename(conn: Connection, data: Json) -> None:
    key = "name" if data.get("name") is not None else "group_name"
    name = frames.text(data, key)
    if data.get("group_id") is not None:
        group_id = frames.identifier(data, "group_id")
        await social.rename_group(conn, group_id, name)
        await conn.send(frame(12, {"state": 0, "group_id": str(group_id), "name": name}))
        return
    ocid = frames.text(data, "ocid", default=conn.ocid)
    target = conn.user_id if ocid == conn.ocid else await user_id_of(conn, ocid)
    assert target is not None
    await social.rename_user(conn, target, name)
    await conn.send(frame(12, {"state": 0, "ocid": ocid, "name": name}))


async def _event_frames(conn: Connection, event: FetchMsgsResponse) -> list[Json]:
    kind = event.WhichOneof("respond_event_type")
    at = event.time.seconds
    deps = conn.deps
    if kind == "msg":
        msg = event.msg
        session = await directory.session_kind(deps, msg.session_id)
        sender: Json = {"ocid": await directory.ocid_of(deps, msg.sender_id)}
        if session is not None and session.is_private:
            other = session.other_member(msg.sender_id)
            sender["private_id"] = await directory.ocid_of(deps, other) if other else ""
        else:
            sender["group_id"] = str(msg.session_id)
        data = {"cid": str(event.msg_id), "sender": sender, "msg": msg.markdown_text}
        return [frame(TEXT_MESSAGE, data, at)]
    if kind == "new_friend_invitation_notification":
        note = event.new_friend_invitation_notification
        ocids = await directory.ocids_of(deps, [note.inviter_id, note.invitee_id])
        data = {"add_ocid": ocids.get(note.invitee_id, ""), "ocid": ocids.get(note.inviter_id, "")}
        return [frame(9, data, at)]
    if kind == "friend_invitation_result_notification":
        result = event.friend_invitation_result_notification
        ocids = await directory.ocids_of(deps, [result.inviter_id, result.invitee_id])
        if result.status == social._SUCCESS:
            data = {
                "add_ocid": ocids.get(result.invitee_id, ""),
                "ocid": ocids.get(result.inviter_id, ""),
            }
            return [frame(10, data, at)]
        return [frame(11, {"ocid": ocids.get(result.inviter_id, "")}, at)]
    if kind == "join_session_approval":
        ask = event.join_session_approval
        data = {"group_id": str(ask.session_id), "ocid": await directory.ocid_of(deps, ask.user_id)}
        return [frame(9, data, at)]
    if kind == "allow_user_join_session_notification":
        answer = event.allow_user_join_session_notification
        if answer.accepted:
            return [frame(10, await _group(conn, answer.session_id, conn.ocid), at)]
        return [frame(11, {"group_id": str(answer.session_id), "ocid": conn.ocid}, at)]
    if kind == "invite_user_to_session":
        invitation = event.invite_user_to_session
        inviter = await directory.ocid_of(deps, invitation.inviter_id)
        data = await _group(conn, invitation.session_id, inviter)
        data["add_ocid"] = conn.ocid
        return [frame(10, data, at)]
    if kind == "accept_session_approval":
        answer_of = event.accept_session_approval
        invitee = await directory.ocid_of(deps, answer_of.invitee_id)
        if answer_of.accepted:
            data = await _group(conn, answer_of.session_id, conn.ocid)
            data["add_ocid"] = invitee
            return [frame(10, data, at)]
        return [frame(11, {"group_id": str(answer_of.session_id), "ocid": invitee}, at)]
    return []


async def _group(conn: Connection, session_id: int, ocid: str) -> Json:
    session = await directory.session_kind(conn.deps, session_id)
    name = session.name if session is not None else ""
    return {"group_id": str(session_id), "group_name": name, "ocid": ocid}


V2 = Version(
    number=2,
    unwrap=_unwrap,
    error=_error,
    handlers={
        TEXT_MESSAGE: _text,
        4: _register,
        6: _login,
        8: _create_group,
        9: _apply,
        10: _approve,
        11: _refuse,
        12: _rename,
    },
    public_codes=frozenset({4, 6}),
    event_frames=_event_frames,
)
