"""Reading the fields of a JSON frame: typed getters that raise :class:`FrameError`."""

from __future__ import annotations

from typing import Any

from ourchat import details

#: Ids travel as strings (64-bit values do not fit a JavaScript number); integers are accepted.
Json = dict[str, Any]


class FrameError(Exception):
    """A frame that is not JSON, misses a field or has a value of the wrong type."""

    def __init__(self, detail: str = details.REQUEST_INVALID_VALUE) -> None:
        super().__init__(detail)
        self.detail = detail


def text(data: Json, key: str, *, default: str | None = None) -> str:
    """A string field."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise FrameError()
    return value


def integer(data: Json, key: str, *, default: int | None = None) -> int:
    """An integer field (not a boolean)."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FrameError()
    return value


def identifier(data: Json, key: str) -> int:
    """An id (a session, a message, a user id): a decimal string or a non-negative integer."""
    value = data.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**64:
        raise FrameError()
    return value


def obj(data: Json, key: str) -> Json:
    """An object field."""
    value = data.get(key)
    if not isinstance(value, dict):
        raise FrameError()
    return value


def strings(data: Json, key: str, *, limit: int = 1000) -> list[str]:
    """A list of strings (at most ``limit``)."""
    value = data.get(key)
    if not isinstance(value, list) or len(value) > limit:
        raise FrameError()
    if not all(isinstance(v, str) for v in value):
        raise FrameError()
    return list(value)


def optional_since(data: Json) -> tuple[int, int] | None:
    """A login's catch-up point: ``since`` (Unix seconds) and ``since_id`` (an event id)."""
    if data.get("since") is None:
        return None
    seconds = integer(data, "since")
    if not 0 <= seconds < 2**40:
        raise FrameError()
    after_id = identifier(data, "since_id") if data.get("since_id") is not None else 0
    return seconds, after_id
