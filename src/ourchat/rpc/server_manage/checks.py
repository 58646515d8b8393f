"""Shape checks of ServerManageService requests shared by several methods."""

from __future__ import annotations

from ourchat import details
from ourchat.errors import InvalidArgument
from ourchat.storage.tables import INT64_MAX


def text(value: str, limit: int) -> str:
    """``value`` if it has at most ``limit`` UTF-8 bytes and no NUL character.

    Raises:
        InvalidArgument: "Request Invalid Value".
    """
    if "\x00" in value or len(value.encode()) > limit:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    return value


def storable_id(value: int) -> int | None:
    """An id from the wire, or None when it cannot name anything stored (2^63 or more)."""
    return value if value <= INT64_MAX else None
