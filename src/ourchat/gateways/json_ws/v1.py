"""JSON protocol v1 (seed 002): ``{"code", "data": {...}}`` plus binary packages.

Codes: 0 text ``{cid, sender_id, msg}`` (``cid`` is the chat: the session id), 1 emoji
``{cid, sender_id, emojiId}`` (stored as the text ``:emoji-<id>:``), 2 image and 3 file
``{cid, sender_id, packages_num, size}`` followed by ``packages_num`` binary frames (stored as
a file of the sender, quota applies, then sent as a message), 4 → 5 register ``{mail,
password}``, 6 → 7 login ``{ocId, password}``. Pushes use the same codes; an image or file
push is followed by its content in binary frames (``packages_num`` 0 and only ``key`` past
:data:`MAX_FILE_BYTES`). Pushes also carry ``msg_id`` and ``time`` for catch-up.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import Header, UploadRequest
from ourchat.domain import files
from ourchat.errors import OurChatError
from ourchat.gateways import calls, directory
from ourchat.gateways.json_ws import frames
from ourchat.gateways.json_ws.common import CREDENTIAL_DETAILS, log_in, register, send
from ourchat.gateways.json_ws.connection import Connection
from ourchat.gateways.json_ws.frames import FrameError, Json
from ourchat.gateways.json_ws.versions import Version
from ourchat.gateways.markdown import FILE, IMAGE, TEXT, Item, to_items
from ourchat.rpc.files import upload

TEXT_MESSAGE, EMOJI, IMAGE_MESSAGE, FILE_MESSAGE = 0, 1, 2, 3
REPLY_CODES = {4: 5, 6: 7}
UNREADABLE = -1
#: Largest image or file sent or pushed as binary packages.
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Size of each binary package the server pushes.
PACKAGE_BYTES = 64 * 1024
MAX_PACKAGES = 100_000
_EMOJI = re.compile(r":emoji-(\d{1,9}):")
UPLOAD = calls.OURCHAT + "Upload"


def frame(code: int, data: Json) -> Json:
    """A v1 frame."""
    return {"code": code, "data": data}


def _unwrap(raw: Json) -> tuple[int, Json]:
    return frames.integer(raw, "code"), frames.obj(raw, "data")


def _error(code: int | None, detail: str) -> Json:
    reply = UNREADABLE if code is None else REPLY_CODES.get(code, code)
    return frame(reply, {"state": 1, "details": detail})


def _chat(conn: Connection, data: Json) -> int:
    if data.get("sender_id") is not None and frames.text(data, "sender_id") != conn.ocid:
        raise FrameError(details.PERMISSION_DENIED)
    return frames.identifier(data, "cid")


async def _text(conn: Connection, data: Json) -> None:
    await send(conn, _chat(conn, data), [Item(TEXT, frames.text(data, "msg"))])


async def _emoji(conn: Connection, data: Json) -> None:
    emoji = frames.integer(data, "emojiId")
    if not 0 <= emoji < 10**9:
        raise FrameError()
    await send(conn, _chat(conn, data), [Item(TEXT, f":emoji-{emoji}:")])


async def _binary(conn: Connection, data: Json, kind: int) -> None:
    session_id = _chat(conn, data)
    count, size = frames.integer(data, "packages_num"), frames.integer(data, "size")
    if not 1 <= count <= MAX_PACKAGES or not 0 < size <= MAX_FILE_BYTES:
        raise FrameError()
    received: list[bytes] = []
    total = 0

    async def package(content: bytes) -> None:
        nonlocal total
        total += len(content)
        if total > size:
            raise FrameError(details.FILE_SIZE_ERROR)
        received.append(content)
        if len(received) < count:
            return
        conn.binary_receiver = None
        if total != size:
            raise FrameError(details.FILE_SIZE_ERROR)
        await _store_and_send(conn, session_id, kind, b"".join(received))

    conn.binary_receiver = package


async def _store_and_send(conn: Connection, session_id: int, kind: int, content: bytes) -> None:
    header = Header(
        hash=hashlib.sha3_256(content).digest(),
        size=len(content),
        auto_clean=True,
        session_id=session_id,
    )

    async def requests() -> AsyncIterator[UploadRequest]:
        yield UploadRequest(metadata=header)
        for start in range(0, len(content), PACKAGE_BYTES):
            yield UploadRequest(content=content[start : start + PACKAGE_BYTES])

    stored = await conn.call(UPLOAD, upload.handle, requests())
    await send(conn, session_id, [Item(IMAGE if kind == IMAGE_MESSAGE else FILE, stored.key)])


async def _image(conn: Connection, data: Json) -> None:
    await _binary(conn, data, IMAGE_MESSAGE)


async def _file(conn: Connection, data: Json) -> None:
    await _binary(conn, data, FILE_MESSAGE)


async def _register(conn: Connection, data: Json) -> None:
    mail, password = frames.text(data, "mail"), frames.text(data, "password")
    name = frames.text(data, "name", default=mail.partition("@")[0][:32] or "user")
    try:
        created = await register(conn, email=mail, password=password, name=name)
    except OurChatError as exc:
        state = 2 if exc.detail == details.USER_ALREADY_EXISTS else 1
        await conn.send(frame(5, {"state": state, "ocId": "", "details": exc.detail}))
        return
    await conn.send(frame(5, {"state": 0, "ocId": created.ocid}))


async def _login(conn: Connection, data: Json) -> None:
    account, password = frames.text(data, "ocId"), frames.text(data, "password")
    is_email = "@" in account
    try:
        await log_in(
            conn,
            email=account if is_email else None,
            ocid=None if is_email else account,
            password=password,
            since=frames.optional_since(data),
        )
    except OurChatError as exc:
        state = 1 if exc.detail in CREDENTIAL_DETAILS else 2
        await conn.send(frame(7, {"state": state, "details": exc.detail}))
        return
    await conn.send(frame(7, {"state": 0}))


async def _event_frames(conn: Connection, event: FetchMsgsResponse) -> list[Json]:
    if event.WhichOneof("respond_event_type") != "msg":
        return []
    msg = event.msg
    base: Json = {
        "cid": str(msg.session_id),
        "sender_id": await directory.ocid_of(conn.deps, msg.sender_id),
        "msg_id": str(event.msg_id),
        "time": event.time.seconds,
    }
    items = to_items(msg.markdown_text, list(msg.involved_files))
    if len(items) == 1 and items[0].kind in (IMAGE, FILE):
        await _push_content(conn, base, items[0])
        return []
    emoji = _EMOJI.fullmatch(msg.markdown_text)
    if emoji is not None:
        return [frame(EMOJI, {**base, "emojiId": int(emoji.group(1))})]
    return [frame(TEXT_MESSAGE, {**base, "msg": msg.markdown_text})]


async def _push_content(conn: Connection, base: Json, item: Item) -> None:
    code = IMAGE_MESSAGE if item.kind == IMAGE else FILE_MESSAGE
    blocks: list[bytes] = []
    size = 0
    assert conn.user_id is not None
    try:
        content = await files.open_for_download(conn.deps, item.value, conn.user_id)
        async for block in content:
            size += len(block)
            if size > MAX_FILE_BYTES:
                blocks = []
                break
            blocks.append(block)
    except (OurChatError, FileNotFoundError):
        blocks, size = [], 0
    whole = b"".join(blocks)
    packages = [whole[i : i + PACKAGE_BYTES] for i in range(0, len(whole), PACKAGE_BYTES)]
    await conn.send_with_packages(
        frame(code, {**base, "key": item.value, "packages_num": len(packages), "size": size}),
        packages,
    )


V1 = Version(
    number=1,
    unwrap=_unwrap,
    error=_error,
    handlers={
        TEXT_MESSAGE: _text,
        EMOJI: _emoji,
        IMAGE_MESSAGE: _image,
        FILE_MESSAGE: _file,
        4: _register,
        6: _login,
    },
    public_codes=frozenset({4, 6}),
    event_frames=_event_frames,
)
