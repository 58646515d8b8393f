"""Turning the ``authorization`` metadata into an authenticated, active user id (BEHAVIOR §1.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ourchat import details
from ourchat.deps import Deps
from ourchat.errors import InvalidArgument, Unauthenticated
from ourchat.ids import UserId
from ourchat.storage import server_bans

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
    """The caller's id, once the token is valid and the account exists, is active and not banned.

    The account is read at most once per :class:`ActiveAccounts` period; calls of one user that
    arrive while it is being read wait for that one read.

    Raises:
        Unauthenticated: with the exact detail of §1.2 ("Token Missing", "Token Expired", ...),
            or "User Banned" while a server ban is in force (§18).
        InvalidArgument: "Token Invalid" for a header that is not visible ASCII.
    """
    user_id = deps.tokens.verify(bearer_token(metadata))
    now = deps.clock.now_us()
    if not deps.active_accounts.is_fresh(user_id):
        refusal = await deps.active_accounts.check_once(
            user_id, lambda: _account_refusal(deps, user_id, now)
        )
        if refusal is not None:
            raise Unauthenticated(refusal)
    deps.last_seen.saw(user_id, now)
    return UserId(user_id)


async def _account_refusal(deps: Deps, user_id: int, now: int) -> str | None:
    """Why ``user_id`` may not call now ("User Not Found", ...), or None."""
    async with deps.db.read() as conn:
        status, banned = await server_bans.account_check(conn, user_id, now)
    if status is None:
        return details.USER_NOT_FOUND
    if status != ACCOUNT_ACTIVE:
        return details.ACCOUNT_DELETED
    if banned:
        return details.USER_BANNED
    return None


async def authenticate_if_present(deps: Deps, metadata: Sequence[Any] | None) -> UserId | None:
    """The caller's id when the call carries a token that :func:`authenticate` accepts, else None.

    For public methods that give a logged-in caller more (GetVoipConfig's TURN credentials):
    a missing or refused token is not an error there, it only means "anonymous".
    """
    try:
        return await authenticate(deps, metadata)
    except (Unauthenticated, InvalidArgument):
        return None
