"""JSON protocol v3 (seed 000, the default): flat frames ``{"code": N, ...}``.

Codes: 0 user message (both ways), 1 → 2 session info, 4 → 5 register, 6 → 7 login,
8 → 9 new session, 10 → 11 account info, 12 server status (both ways), 13 the server asks
for verification, 14 → 15 verification, 16 → 17 unregister, 18 error, 19 → 20 set account
info. Ids (sessions, messages) are decimal strings; integers are accepted on input.
"""

from __future__ import annotations

from ourchat import details
from ourchat._pb.service.auth.email_verify.v1.email_verify_pb2 import VerifyRequest
from ourchat._pb.service.ourchat.get_account_info.v1 import get_account_info_pb2 as account_pb
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as info_pb
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import NewSessionRequest
from ourchat._pb.service.ourchat.set_account_info.v1.set_account_info_pb2 import (
    SetSelfInfoRequest,
)
from ourchat._pb.service.ourchat.unregister.v1.unregister_pb2 import UnregisterRequest
from ourchat.domain import maintenance
from ourchat.errors import DeadlineExceeded, OurChatError, ResourceExhausted
from ourchat.gateways import calls, directory
from ourchat.gateways.json_ws import frames
from ourchat.gateways.json_ws.common import CREDENTIAL_DETAILS, log_in, register, send, user_id_of
from ourchat.gateways.json_ws.connection import Connection
from ourchat.gateways.json_ws.frames import FrameError, Json
from ourchat.gateways.json_ws.versions import Version
from ourchat.gateways.markdown import FILE, IMAGE, TEXT, Item, to_items
from ourchat.ids import PredefinedRole
from ourchat.rpc.account import get_account_info, set_self_info, unregister
from ourchat.rpc.auth import verify
from ourchat.rpc.session import get_session_info, new_session

MESSAGE = 0
ERROR = 18
SERVER_STATUS = 12
ASK_VERIFICATION = 13
VERIFICATION_STATUS = 15

GET_SESSION_INFO = calls.OURCHAT + "GetSessionInfo"
NEW_SESSION = calls.OURCHAT + "NewSession"
GET_ACCOUNT_INFO = calls.OURCHAT + "GetAccountInfo"
SET_SELF_INFO = calls.OURCHAT + "SetSelfInfo"
UNREGISTER = calls.OURCHAT + "Unregister"
VERIFY = calls.AUTH + "Verify"

_SESSION_VALUES: dict[str, info_pb.QueryValues] = {
    "session_id": info_pb.QUERY_VALUES_SESSION_ID,
    "name": info_pb.QUERY_VALUES_NAME,
    "avatar": info_pb.QUERY_VALUES_AVATAR_KEY,
    "avatar_hash": info_pb.QUERY_VALUES_AVATAR_KEY,
    "time": info_pb.QUERY_VALUES_CREATED_TIME,
    "update_time": info_pb.QUERY_VALUES_UPDATED_TIME,
    "members": info_pb.QUERY_VALUES_MEMBERS,
    "owner": info_pb.QUERY_VALUES_ROLES,
}
_ACCOUNT_VALUES: dict[str, account_pb.QueryValues] = {
    "ocid": account_pb.QUERY_VALUES_OCID,
    "nickname": account_pb.QUERY_VALUES_USER_NAME,
    "status": account_pb.QUERY_VALUES_STATUS,
    "avatar": account_pb.QUERY_VALUES_AVATAR_KEY,
    "avatar_hash": account_pb.QUERY_VALUES_AVATAR_KEY,
    "time": account_pb.QUERY_VALUES_REGISTER_TIME,
    "update_time": account_pb.QUERY_VALUES_PUBLIC_UPDATED_TIME,
    "sessions": account_pb.QUERY_VALUES_SESSIONS,
    "friends": account_pb.QUERY_VALUES_FRIENDS,
}
_OWNER_ONLY = frozenset({"sessions", "friends"})


def _unwrap(raw: Json) -> tuple[int, Json]:
    return frames.integer(raw, "code"), raw


def _error(code: int | None, detail: str) -> Json:
    return {"code": ERROR, "details": detail}


def _status(maintaining: bool) -> Json:
    return {"code": SERVER_STATUS, "status": 1 if maintaining else 0}


def _seconds(us: int) -> int:
    return us // 1_000_000


def _items(raw: Json) -> list[Item]:
    entries = raw.get("msg")
    if not isinstance(entries, list) or not entries or len(entries) > 100:
        raise FrameError()
    items = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise FrameError()
        kind = frames.integer(entry, "type")
        if kind == TEXT:
            items.append(Item(TEXT, frames.text(entry, "text")))
        elif kind in (IMAGE, FILE):
            items.append(Item(kind, frames.text(entry, "key")))
        else:
            raise FrameError()
    return items


async def _message(conn: Connection, raw: Json) -> None:
    sender = frames.obj(raw, "sender")
    session_id = frames.identifier(sender, "session_id")
    if sender.get("ocid") is not None and frames.text(sender, "ocid") != conn.ocid:
        raise FrameError(details.PERMISSION_DENIED)
    await send(conn, session_id, _items(raw))


async def _session_info(conn: Connection, raw: Json) -> None:
    session_id = frames.identifier(raw, "session_id")
    wanted = frames.strings(raw, "request_values", limit=len(_SESSION_VALUES))
    if not set(wanted) <= _SESSION_VALUES.keys():
        raise FrameError()
    request = info_pb.GetSessionInfoRequest(
        session_id=session_id, query_values=sorted({_SESSION_VALUES[w] for w in wanted})
    )
    info = await conn.call(GET_SESSION_INFO, get_session_info.handle, request)
    data: Json = {}
    people = [*info.members, *(r.user_id for r in info.roles)]
    ocids = await directory.ocids_of(conn.deps, people)
    for value in wanted:
        if value == "session_id":
            data[value] = str(info.session_id)
        elif value == "name":
            data[value] = info.name
        elif value == "avatar":
            data[value] = ""  # no HTTP route serves session avatars yet
        elif value == "avatar_hash":
            data[value] = info.avatar_key
        elif value == "time":
            data[value] = _seconds(info.created_time.ToMicroseconds())
        elif value == "update_time":
            data[value] = _seconds(info.updated_time.ToMicroseconds())
        elif value == "members":
            data[value] = [ocids.get(m, "") for m in info.members]
        else:
            owner = next((r.user_id for r in info.roles if r.role == PredefinedRole.OWNER), None)
            data[value] = ocids.get(owner, "") if owner is not None else ""
    await conn.send({"code": 2, "data": data})


async def _register(conn: Connection, raw: Json) -> None:
    email, password = frames.text(raw, "email"), frames.text(raw, "password")
    name = frames.text(raw, "name")
    try:
        created = await register(conn, email=email, password=password, name=name)
    except OurChatError as exc:
        status = 2 if exc.detail == details.USER_ALREADY_EXISTS else 1
        await conn.send({"code": 5, "status": status, "ocid": "", "details": exc.detail})
        return
    await conn.send({"code": 5, "status": 0, "ocid": created.ocid})
    if not created.token:
        await conn.send({"code": ASK_VERIFICATION})


async def _login(conn: Connection, raw: Json) -> None:
    account, password = frames.text(raw, "account"), frames.text(raw, "password")
    login_type = frames.integer(raw, "login_type", default=0 if "@" in account else 1)
    if login_type not in (0, 1):
        raise FrameError()
    since = frames.optional_since(raw)
    try:
        ocid = await log_in(
            conn,
            email=account if login_type == 0 else None,
            ocid=account if login_type == 1 else None,
            password=password,
            since=since,
        )
    except OurChatError as exc:
        status = 1 if exc.detail in CREDENTIAL_DETAILS else 2
        await conn.send({"code": 7, "status": status, "ocid": "", "details": exc.detail})
        if exc.detail == details.EMAIL_NOT_VERIFIED:
            await conn.send({"code": ASK_VERIFICATION})
        return
    await conn.send({"code": 7, "status": 0, "ocid": ocid})


async def _new_session(conn: Connection, raw: Json) -> None:
    members = frames.strings(raw, "members")
    try:
        ids = [await user_id_of(conn, ocid) for ocid in members if ocid != conn.ocid]
        request = NewSessionRequest(members=ids)
        created = await conn.call(NEW_SESSION, new_session.handle, request)
    except OurChatError as exc:
        status = 2 if isinstance(exc, ResourceExhausted) else 1
        await conn.send({"code": 9, "status": status, "details": exc.detail})
        return
    await conn.send({"code": 9, "status": 0, "session_id": str(created.session_id)})


async def _account_info(conn: Connection, raw: Json) -> None:
    ocid = frames.text(raw, "ocid", default=conn.ocid)
    wanted = frames.strings(raw, "request_values", limit=len(_ACCOUNT_VALUES))
    if not set(wanted) <= _ACCOUNT_VALUES.keys():
        raise FrameError()
    target = await user_id_of(conn, ocid) if ocid != conn.ocid else conn.user_id
    assert target is not None
    is_self = target == conn.user_id
    asked = {_ACCOUNT_VALUES[w] for w in wanted if is_self or w not in _OWNER_ONLY}
    request = account_pb.GetAccountInfoRequest(id=target, request_values=sorted(asked))
    info = await conn.call(GET_ACCOUNT_INFO, get_account_info.handle, request)
    friend_ocids = await directory.ocids_of(conn.deps, info.friends)
    data: Json = {}
    for value in wanted:
        if value in _OWNER_ONLY and not is_self:
            data[value] = None
        elif value == "ocid":
            data[value] = info.ocid
        elif value == "nickname":
            data[value] = info.user_name
        elif value == "status":
            data[value] = info.status if info.HasField("status") else ""
        elif value == "avatar":
            data[value] = f"{conn.base_url}/v1/avatar?user_id={target}" if info.avatar_key else ""
        elif value == "avatar_hash":
            data[value] = info.avatar_key
        elif value == "time":
            data[value] = _seconds(info.register_time.ToMicroseconds())
        elif value == "update_time":
            data[value] = _seconds(info.public_updated_time.ToMicroseconds())
        elif value == "sessions":
            data[value] = [str(s) for s in info.sessions]
        else:
            data[value] = [friend_ocids.get(f, "") for f in info.friends]
    await conn.send({"code": 11, "data": data})


async def _server_status(conn: Connection, raw: Json) -> None:
    await conn.send(_status(maintenance.is_on(conn.deps)))


async def _verification(conn: Connection, raw: Json) -> None:
    email = conn.verifying_email
    if email is None:
        raise FrameError(details.REQUEST_INVALID_VALUE)

    async def wait_for_click() -> None:
        status: Json = {"code": VERIFICATION_STATUS, "status": 0}
        try:
            async for _ in calls.stream(
                conn.deps,
                VERIFY,
                verify.handle,
                VerifyRequest(email=email),
                token=None,
                address=conn.address,
            ):
                pass
        except DeadlineExceeded as exc:
            status = {"code": VERIFICATION_STATUS, "status": 2, "details": exc.detail}
        except OurChatError as exc:
            status = {"code": VERIFICATION_STATUS, "status": 1, "details": exc.detail}
        await conn.send(status)

    conn.spawn(wait_for_click())


async def _unregister(conn: Connection, raw: Json) -> None:
    try:
        await conn.call(UNREGISTER, unregister.handle, UnregisterRequest())
    except OurChatError as exc:
        await conn.send({"code": 17, "status": 1, "details": exc.detail})
        return
    conn.log_out()
    await conn.send({"code": 17, "status": 0})


async def _set_account_info(conn: Connection, raw: Json) -> None:
    ocid = frames.text(raw, "ocid", default=conn.ocid)
    change = frames.obj(raw, "data")
    if ocid != conn.ocid:
        await conn.send({"code": 20, "status": 1, "details": details.PERMISSION_DENIED})
        return
    if not change.keys() <= {"nickname", "status", "avatar"}:
        raise FrameError()
    request = SetSelfInfoRequest()
    if "nickname" in change:
        request.user_name = frames.text(change, "nickname")
    if "status" in change:
        request.user_defined_status = frames.text(change, "status")
    if "avatar" in change:
        request.avatar_key = frames.text(change, "avatar")
    try:
        await conn.call(SET_SELF_INFO, set_self_info.handle, request)
    except OurChatError as exc:
        await conn.send({"code": 20, "status": 2, "details": exc.detail})
        return
    await conn.send({"code": 20, "status": 0})


async def _event_frames(conn: Connection, event: FetchMsgsResponse) -> list[Json]:
    if event.WhichOneof("respond_event_type") != "msg":
        return []
    msg = event.msg
    return [
        {
            "code": MESSAGE,
            "time": _seconds(event.time.ToMicroseconds()),
            "msg_id": str(event.msg_id),
            "sender": {
                "ocid": await directory.ocid_of(conn.deps, msg.sender_id),
                "session_id": str(msg.session_id),
            },
            "msg": [
                {"type": item.kind, "text": item.value}
                if item.kind == TEXT
                else {"type": item.kind, "key": item.value}
                for item in to_items(msg.markdown_text, list(msg.involved_files))
            ],
        }
    ]


V3 = Version(
    number=3,
    unwrap=_unwrap,
    error=_error,
    handlers={
        MESSAGE: _message,
        1: _session_info,
        4: _register,
        6: _login,
        8: _new_session,
        10: _account_info,
        SERVER_STATUS: _server_status,
        14: _verification,
        16: _unregister,
        19: _set_account_info,
    },
    public_codes=frozenset({4, 6, SERVER_STATUS, 14}),
    event_frames=_event_frames,
    status_frame=_status,
)
