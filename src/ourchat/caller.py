"""The authenticated caller of the current request, set by the transport that authenticated it."""

from __future__ import annotations

from contextvars import ContextVar

from ourchat import details
from ourchat.errors import Unauthenticated
from ourchat.ids import UserId

_caller: ContextVar[UserId | None] = ContextVar("ourchat_caller", default=None)
_client_address: ContextVar[str] = ContextVar("ourchat_client_address", default="")


def current_user_id() -> UserId:
    """The id of the user making this call.

    Raises:
        Unauthenticated: the method was reached without a token (a public method).
    """
    uid = _caller.get()
    if uid is None:
        raise Unauthenticated(details.TOKEN_MISSING)
    return uid


def optional_user_id() -> UserId | None:
    """The caller of a public method that accepts an optional token (None: anonymous)."""
    return _caller.get()


def set_caller(user_id: UserId | None) -> None:
    """Record the caller for the rest of this task (interceptor only)."""
    _caller.set(user_id)


def client_address() -> str:
    """The network address (IP, no port) of the client making this call; "" when unknown."""
    return _client_address.get()


def set_client_address(address: str) -> None:
    """Record the client's address for the rest of this task (transports only)."""
    _client_address.set(address)


def address_of_peer(peer: str) -> str:
    """The IP in a gRPC peer string (``ipv4:1.2.3.4:5``, ``ipv6:[::1]:5``); "" for others."""
    kind, _, rest = peer.partition(":")
    if kind == "ipv4":
        return rest.rpartition(":")[0]
    if kind == "ipv6":
        return rest.rpartition(":")[0].strip("[]")
    return ""
