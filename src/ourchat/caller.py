"""The authenticated caller of the current request, set by the transport that authenticated it."""

from __future__ import annotations

from contextvars import ContextVar

from ourchat import details
from ourchat.errors import Unauthenticated
from ourchat.ids import UserId

_caller: ContextVar[UserId | None] = ContextVar("ourchat_caller", default=None)


def current_user_id() -> UserId:
    """The id of the user making this call.

    Raises:
        Unauthenticated: the method was reached without a token (a public method).
    """
    uid = _caller.get()
    if uid is None:
        raise Unauthenticated(details.TOKEN_MISSING)
    return uid


def set_caller(user_id: UserId | None) -> None:
    """Record the caller for the rest of this task (interceptor only)."""
    _caller.set(user_id)
