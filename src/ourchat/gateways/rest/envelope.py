"""The REST API's response envelope and the seed's status codes, with the error mapping."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from fastapi.responses import JSONResponse

from ourchat import details
from ourchat.errors import (
    AlreadyExists,
    Internal,
    NotFound,
    OurChatError,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)


class Status(enum.IntEnum):
    """The ``status`` of every response (seed 003's common status codes)."""

    FAILURE = 0
    SUCCESS = 1
    NULL_PASSWORD = 6000
    NULL_USERNAME = 6001
    NULL_AVATAR = 6002
    NULL_PHONE = 6003
    NULL_USER = 6004
    SAME_USERNAME = 7000
    SAME_PHONE = 7001
    FORMAT_ERROR_PHONE = 8000
    FORMAT_ERROR_PHONE_LENGTH = 8001
    FORMAT_ERROR_PASSWORD = 8002
    FORMAT_ERROR_PASSWORD_LENGTH = 8003
    FORMAT_ERROR_USER_LENGTH = 8004
    FORMAT_ERROR_FILE = 8005
    ILLEGAL_USERNAME = 9000
    ERROR_PASSWORD = 10000
    ERROR_REPEAT_LOGIN = 11000
    ERROR_NET = 11001


NOT_LOGGED_IN = "Not Logged In"


class RestError(Exception):
    """A refusal in the REST API's own form: a status, a message and an HTTP code."""

    def __init__(self, status: Status, message: str, http_status: int = 200) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.http_status = http_status


def envelope(
    result: Any = None, *, status: Status = Status.SUCCESS, message: str = "ok", http: int = 200
) -> JSONResponse:
    """``{"status", "result", "message", "date"}`` as a response."""
    body = {
        "status": int(status),
        "result": result,
        "message": message,
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    return JSONResponse(body, status_code=http)


_DETAIL_STATUS: dict[str, Status] = {
    details.USER_NOT_FOUND: Status.NULL_USER,
    details.WRONG_PASSWORD: Status.ERROR_PASSWORD,
    details.PASSWORD_NOT_STRONG: Status.FORMAT_ERROR_PASSWORD,
    details.USERNAME_INVALID: Status.ILLEGAL_USERNAME,
}


def from_error(exc: OurChatError) -> RestError:
    """The REST form of a refusal of the shared handlers (seed status, HTTP code by kind)."""
    status = _DETAIL_STATUS.get(exc.detail, Status.FAILURE)
    if isinstance(exc, Unavailable | Internal):
        return RestError(Status.ERROR_NET, exc.detail, 503)
    http = next((code for kind, code in _HTTP if isinstance(exc, kind)), 400)
    return RestError(status, exc.detail, http)


_HTTP: tuple[tuple[type[OurChatError], int], ...] = (
    (ResourceExhausted, 429),
    (Unauthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (AlreadyExists, 409),
)
