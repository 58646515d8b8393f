"""The REST API's routes (mounted at ``/api/v1``); every answer is the seed's envelope.

Accounts: ``POST register`` / ``login`` / ``logout`` (a signed session cookie holds the
account's token), ``GET``/``POST account``, ``GET users/{id}``; ``POST files`` and
``GET files/{key}``; ``GET search/users``, ``search/groups``, ``friends/{field}/{page}/``;
``POST messages``; ``GET push`` (WebSocket, :mod:`.push`). The rules are those of the gRPC
handlers, which every route runs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC
from typing import Annotated, Any

from fastapi import Cookie, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from ourchat import details
from ourchat._pb.service.auth.authorize.v1.authorize_pb2 import AuthRequest
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import SendMsgRequest
from ourchat._pb.service.ourchat.set_account_info.v1.set_account_info_pb2 import (
    SetSelfInfoRequest,
)
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import Header, UploadRequest
from ourchat.deps import Deps
from ourchat.domain import files, maintenance
from ourchat.errors import AlreadyExists, NotFound, OurChatError
from ourchat.gateways import accounts, calls, directory
from ourchat.gateways.markdown import FILE, IMAGE, TEXT, Item, to_markdown
from ourchat.gateways.rest import push
from ourchat.gateways.rest.envelope import (
    NOT_LOGGED_IN,
    RestError,
    Status,
    envelope,
    from_error,
)
from ourchat.gateways.rest.profiles import file_key, file_path, user_objects
from ourchat.rpc.account import set_self_info
from ourchat.rpc.auth import auth
from ourchat.rpc.files import upload
from ourchat.rpc.msg_delivery import send_msg
from ourchat.storage import friends, rest_profiles

log = logging.getLogger(__name__)

COOKIE = "sessionid"
PAGE_SIZE = 20
SEARCH_LIMIT = 50
MAX_FILE_BYTES = 16 * 1024 * 1024
PHONE_DOMAIN = "phone.ourchat"
_PHONE = re.compile(r"\+?[0-9]+")
_FRIEND_ORDER = {"id", "username", "modifyAt"}

SessionCookie = Annotated[str | None, Cookie(alias=COOKIE)]
PhoneValue = Annotated[str | int | None, Field(default=None, union_mode="left_to_right")]


class Credentials(BaseModel):
    """``register`` and ``login``: a phone number and a password."""

    phone: PhoneValue = None
    password: str | None = None


class Completion(BaseModel):
    """``POST account``: the profile fields to change (absent ones stay)."""

    avatar: str | None = None
    username: str | None = None
    desc: str | None = Field(default=None, max_length=500)
    sex: int | None = Field(default=None, ge=0, le=2)


class FileUpload(BaseModel):
    """``POST files``: a file's name, its content in base64, and the chat it is for.

    A file sent in a message is readable by the chat's members only when it was stored for
    that chat (``chatId``); without one only its owner reads it (avatars).
    """

    name: str = Field(default="", max_length=255)
    chatId: str | int | None = None
    content: str = Field(max_length=MAX_FILE_BYTES * 4 // 3 + 4)


class InfoItem(BaseModel):
    """One part of a message: 0 text, 1 image, 2 voice, 3 file (``content`` a file path)."""

    category: int = Field(ge=0, le=3)
    content: str = Field(max_length=16 * 1024)


class NewMessage(BaseModel):
    """``POST messages``: to a chat (``chatId``) or, privately, to a friend (``toId``)."""

    chatId: str | int | None = None
    toId: str | int | None = None
    type: int = Field(default=1, ge=0, le=7)
    info: list[InfoItem] = Field(min_length=1, max_length=100)


def _id(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 20 or int(text) >= 2**64:
        raise RestError(Status.FAILURE, details.REQUEST_INVALID_VALUE, 400)
    return int(text)


def _phone(value: str | int | None) -> str:
    phone = "" if value is None else str(value).strip()
    if not phone:
        raise RestError(Status.NULL_PHONE, "phone is empty")
    if not _PHONE.fullmatch(phone):
        raise RestError(Status.FORMAT_ERROR_PHONE, "phone must be digits")
    if not 5 <= len(phone.lstrip("+")) <= 15:
        raise RestError(Status.FORMAT_ERROR_PHONE_LENGTH, "phone must have 5 to 15 digits")
    return phone


def _password(value: str | None) -> str:
    if not value:
        raise RestError(Status.NULL_PASSWORD, "password is empty")
    if not 6 <= len(value) <= 128:
        raise RestError(
            Status.FORMAT_ERROR_PASSWORD_LENGTH, "password must have 6 to 128 characters"
        )
    return value


def _account(user: dict[str, Any]) -> dict[str, Any]:
    return {"user": user, "account": user["ocid"], "isBind": bool(user["phone"])}


def build(deps: Deps) -> ASGIApp:
    """The REST API application."""
    api = FastAPI(
        title="OurChat REST API",
        version="1",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )

    @api.exception_handler(RestError)
    async def rest_error(request: Request, exc: RestError) -> JSONResponse:
        return envelope(None, status=exc.status, message=exc.message, http=exc.http_status)

    @api.exception_handler(OurChatError)
    async def shared_error(request: Request, exc: OurChatError) -> JSONResponse:
        refused = from_error(exc)
        return envelope(
            None, status=refused.status, message=refused.message, http=refused.http_status
        )

    @api.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return envelope(
            None, status=Status.FAILURE, message=details.REQUEST_INVALID_VALUE, http=400
        )

    @api.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return envelope(None, status=Status.FAILURE, message=str(exc.detail), http=exc.status_code)

    def address(request: Request) -> str:
        return request.client.host if request.client is not None else ""

    async def caller(request: Request, token: str | None) -> tuple[int, str]:
        if not token:
            raise RestError(Status.FAILURE, NOT_LOGGED_IN, 401)
        user_id = await calls.enter(
            deps, calls.OURCHAT + "GetAccountInfo", token=token, address=address(request)
        )
        assert user_id is not None
        return user_id, token

    @api.post("/register")
    async def register(request: Request, body: Credentials) -> JSONResponse:
        """Create an account with a phone number and a password."""
        phone, password = _phone(body.phone), _password(body.password)
        async with deps.db.read() as conn:
            if await rest_profiles.user_by_phone(conn, phone) is not None:
                raise RestError(Status.SAME_PHONE, "phone already registered")
        digits = phone.lstrip("+")
        try:
            created = await accounts.register(
                deps,
                email=f"{digits}@{PHONE_DOMAIN}",
                password=password,
                name=f"user{digits[-4:]}",
                address=address(request),
            )
        except AlreadyExists:
            raise RestError(Status.SAME_PHONE, "phone already registered") from None
        async with deps.db.write() as conn:
            await rest_profiles.put(conn, created.user_id, phone=phone)
        return envelope({"id": str(created.user_id), "ocid": created.ocid})

    @api.post("/login")
    async def login(
        request: Request, body: Credentials, sessionid: SessionCookie = None
    ) -> JSONResponse:
        """Check the password of the account with this phone; the answer sets the session cookie."""
        phone, password = _phone(body.phone), _password(body.password)
        async with deps.db.read() as conn:
            user_id = await rest_profiles.user_by_phone(conn, phone)
        if user_id is None:
            raise RestError(Status.NULL_USER, details.USER_NOT_FOUND)
        if sessionid:
            try:
                if deps.tokens.verify(sessionid) == user_id:
                    raise RestError(Status.ERROR_REPEAT_LOGIN, "already logged in")
            except OurChatError:
                pass
        ocid = (await directory.ocids_of(deps, [user_id])).get(user_id, "")
        done = await calls.call(
            deps,
            calls.AUTH + "Auth",
            auth.handle,
            AuthRequest(ocid=ocid, password=password),
            token=None,
            address=address(request),
        )
        response = envelope({"id": str(done.id), "ocid": done.ocid})
        response.set_cookie(
            COOKIE,
            done.token,
            max_age=deps.settings.token_lifetime_seconds,
            httponly=True,
            samesite="lax",
        )
        return response

    @api.post("/logout")
    async def logout() -> JSONResponse:
        """Forget the session cookie."""
        response = envelope(None)
        response.delete_cookie(COOKIE)
        return response

    @api.get("/account")
    async def account(request: Request, sessionid: SessionCookie = None) -> JSONResponse:
        """The caller's account."""
        user_id, _ = await caller(request, sessionid)
        found = await user_objects(deps, user_id, [user_id])
        if not found:
            raise RestError(Status.NULL_USER, details.USER_NOT_FOUND, 404)
        return envelope(_account(found[0]))

    @api.get("/users/{user_id}")
    async def user(request: Request, user_id: str, sessionid: SessionCookie = None) -> JSONResponse:
        """Another account, as the caller sees it (``alias``: the caller's name for them)."""
        viewer, _ = await caller(request, sessionid)
        target = _id(user_id)
        found = await user_objects(deps, viewer, [target] if target is not None else [])
        if not found:
            raise RestError(Status.NULL_USER, details.USER_NOT_FOUND, 404)
        return envelope(_account(found[0]))

    @api.post("/account")
    async def complete(
        request: Request, body: Completion, sessionid: SessionCookie = None
    ) -> JSONResponse:
        """Complete the caller's profile: avatar (a file path), username, desc, sex."""
        user_id, token = await caller(request, sessionid)
        change = SetSelfInfoRequest()
        if body.username is not None:
            name = body.username
            if not name:
                raise RestError(Status.NULL_USERNAME, "username is empty")
            if len(name.encode()) > 60:
                raise RestError(Status.FORMAT_ERROR_USER_LENGTH, "username is too long")
            if not name.strip() or any(not ch.isprintable() for ch in name):
                raise RestError(Status.ILLEGAL_USERNAME, details.USERNAME_INVALID)
            async with deps.db.read() as conn:
                if await rest_profiles.name_taken(conn, name, user_id):
                    raise RestError(Status.SAME_USERNAME, "username already taken")
            change.user_name = name
        if body.avatar is not None:
            if not body.avatar:
                raise RestError(Status.NULL_AVATAR, "avatar is empty")
            change.avatar_key = file_key(body.avatar)
        try:
            await calls.call(
                deps,
                calls.OURCHAT + "SetSelfInfo",
                set_self_info.handle,
                change,
                token=token,
                address=address(request),
            )
        except OurChatError as exc:
            if body.avatar is not None and exc.detail != details.USERNAME_INVALID:
                raise RestError(Status.FORMAT_ERROR_FILE, exc.detail) from None
            raise
        values: dict[str, Any] = {}
        if body.desc is not None:
            values["description"] = body.desc
        if body.sex is not None:
            values["sex"] = body.sex
        if values:
            async with deps.db.write() as conn:
                await rest_profiles.put(conn, user_id, **values)
        (user,) = await user_objects(deps, user_id, [user_id])
        return envelope(_account(user))

    @api.post("/files")
    async def store_file(
        request: Request, body: FileUpload, sessionid: SessionCookie = None
    ) -> JSONResponse:
        """Store a file of the caller (content in base64; the quota applies)."""
        _, token = await caller(request, sessionid)
        try:
            content = base64.b64decode(body.content, validate=True)
        except (binascii.Error, ValueError):
            raise RestError(Status.FORMAT_ERROR_FILE, "content is not base64") from None
        if not content or len(content) > MAX_FILE_BYTES:
            raise RestError(Status.FORMAT_ERROR_FILE, "content is empty or too large")
        header = Header(
            hash=hashlib.sha3_256(content).digest(), size=len(content), auto_clean=False
        )
        chat = _id(body.chatId)
        if chat is not None:
            header.session_id = chat

        async def requests() -> AsyncIterator[UploadRequest]:
            yield UploadRequest(metadata=header)
            for start in range(0, len(content), 256 * 1024):
                yield UploadRequest(content=content[start : start + 256 * 1024])

        try:
            stored = await calls.call(
                deps,
                calls.OURCHAT + "Upload",
                upload.handle,
                requests(),
                token=token,
                address=address(request),
            )
        except OurChatError as exc:
            if isinstance(exc, NotFound):
                raise
            raise RestError(
                Status.FORMAT_ERROR_FILE, exc.detail, from_error(exc).http_status
            ) from None
        return envelope({"path": file_path(stored.key)})

    @api.get("/files/{key}", response_model=None)
    async def read_file(request: Request, key: str, sessionid: SessionCookie = None) -> Response:
        """A stored file, to those allowed to read it."""
        user_id, _ = await caller(request, sessionid)
        blocks = await files.open_for_download(deps, key, user_id)
        try:
            first = await anext(blocks, b"")
        except FileNotFoundError:
            raise NotFound(details.FILE_NOT_FOUND) from None

        async def body() -> AsyncIterator[bytes]:
            try:
                yield first
                async for block in blocks:
                    yield block
            finally:
                await blocks.aclose()

        return StreamingResponse(body(), media_type="application/octet-stream")

    @api.get("/search/users")
    async def search_users(
        request: Request,
        username: str | None = None,
        phone: str | None = None,
        sessionid: SessionCookie = None,
    ) -> JSONResponse:
        """Accounts by name (part of it, any case) or by phone number."""
        viewer, _ = await caller(request, sessionid)
        if not username and not phone:
            return envelope([], status=Status.FAILURE)
        async with deps.db.read() as conn:
            ids = await rest_profiles.search_users(
                conn, name=username or None, phone=phone or None, limit=SEARCH_LIMIT
            )
        found = await user_objects(deps, viewer, ids)
        return envelope(found, status=Status.SUCCESS if found else Status.FAILURE)

    @api.get("/search/groups")
    async def search_groups(
        request: Request, name: str | None = None, sessionid: SessionCookie = None
    ) -> JSONResponse:
        """Groups by name (part of it, any case)."""
        await caller(request, sessionid)
        if not name:
            return envelope([], status=Status.FAILURE)
        async with deps.db.read() as conn:
            rows = await rest_profiles.search_groups(conn, name, SEARCH_LIMIT)
        groups = [
            {"id": str(r["id"]), "name": r["name"], "members": int(r["members"])} for r in rows
        ]
        return envelope(groups, status=Status.SUCCESS if groups else Status.FAILURE)

    @api.get("/friends/{field}/{page}/")
    async def friend_page(
        request: Request, field: str, page: int, sessionid: SessionCookie = None
    ) -> JSONResponse:
        """A page (from 1, :data:`PAGE_SIZE` each) of the caller's friends, by ``field``."""
        viewer, _ = await caller(request, sessionid)
        if field not in _FRIEND_ORDER or not 1 <= page <= 1_000_000:
            raise RestError(Status.FAILURE, details.REQUEST_INVALID_VALUE, 400)
        async with deps.db.read() as conn:
            ids = await friends.friend_ids(conn, viewer)
        people = await user_objects(deps, viewer, ids)
        key = {
            "id": lambda u: int(u["id"]),
            "username": lambda u: u["username"].lower(),
            "modifyAt": lambda u: u["modifyAt"],
        }[field]
        people.sort(key=key)
        chunk = people[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return envelope(chunk, status=Status.SUCCESS if chunk else Status.FAILURE)

    @api.post("/messages")
    async def send_message(
        request: Request, body: NewMessage, sessionid: SessionCookie = None
    ) -> JSONResponse:
        """Send a message to a chat, or privately to a friend."""
        viewer, token = await caller(request, sessionid)
        session_id = _id(body.chatId)
        if session_id is None:
            friend_id = _id(body.toId)
            if friend_id is None:
                raise RestError(Status.FAILURE, details.REQUEST_INVALID_VALUE, 400)
            async with deps.db.read() as conn:
                session_id = await friends.friend_session(conn, viewer, friend_id)
            if session_id is None:
                raise NotFound(details.FRIEND_NOT_FOUND)
        items = [
            Item(TEXT, i.content)
            if i.category == 0
            else Item(IMAGE if i.category == 1 else FILE, file_key(i.content))
            for i in body.info
        ]
        markdown_text, keys = to_markdown(items)
        sent = await calls.call(
            deps,
            calls.OURCHAT + "SendMsg",
            send_msg.handle,
            SendMsgRequest(session_id=session_id, markdown_text=markdown_text, involved_files=keys),
            token=token,
            address=address(request),
        )
        return envelope(
            {
                "msgId": str(sent.msg_id),
                "chatId": str(session_id),
                "createTime": sent.time.ToDatetime(UTC).isoformat(),
            }
        )

    api.add_api_websocket_route("/push", push.endpoint(deps, COOKIE))
    return MaintenanceEnvelope(api, deps)


class MaintenanceEnvelope:
    """During maintenance every route answers 503 in the envelope (the OpenAPI document stays)."""

    def __init__(self, app: FastAPI, deps: Deps) -> None:
        self.app = app
        self.deps = deps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if maintenance.is_on(self.deps) and not scope.get("path", "").endswith("/openapi.json"):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1013})
                return
            if scope["type"] == "http":
                response = envelope(
                    None, status=Status.ERROR_NET, message=details.SERVER_MAINTAINING, http=503
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
