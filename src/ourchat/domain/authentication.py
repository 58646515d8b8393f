"""Turning the ``authorization`` metadata into an authenticated, active user id (BEHAVIOR §1.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ourchat import details
from ourchat.deps import Deps
from ourchat.errors import InvalidArgument, Unauthenticated
from ourchat.ids import UserId
from ourchat.storage import users

ACCOUNT_ACTIVE = 0


def bearer_token(metadata: Sequence[Any] | None) -> str:
    """The JWT carried by ``authorization: Bearer <jwt>``, checked in the protocol's order."""
    value: str | bytes | None = None
    for item in metadata or ():
        if item[0] == "authorization":
            value = item[1]
            break
    if value is None:
        raise Unauthenticated(details.TOKEN_MISSING)
    if isinstance(value, bytes) or any(not (" " <= ch <= "~" or ch == "\t") for ch in value):
        raise InvalidArgument(details.TOKEN_INVALID)
    parts = value.split()
    if len(parts) != 2:
        raise Unauthenticated(details.TOKEN_FORMAT)
    if parts[0] != "Bearer":
        raise Unauthenticated(details.ONLY_SUPPORT_BEARER)
    return parts[1]


async def authenticate(deps: Deps, metadata: Sequence[Any] | None) -> UserId:
    """The caller's id, once the token is valid and the account exists and is active.

    Raises:
        Unauthenticated: with the exact detail of §1.2 ("Token Missing", "Token Expired", ...).
        InvalidArgument: "Token Invalid" for a header that is not visible ASCII.
    """
    user_id = deps.tokens.verify(bearer_token(metadata))
    if deps.active_accounts.is_fresh(user_id):
        return UserId(user_id)
    async with deps.db.read() as conn:
        status = await users.account_status(conn, user_id)
    if status is None:
        raise Unauthenticated(details.USER_NOT_FOUND)
    if status != ACCOUNT_ACTIVE:
        raise Unauthenticated(details.ACCOUNT_DELETED)
    deps.active_accounts.remember(user_id)
    return UserId(user_id)
