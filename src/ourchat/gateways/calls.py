"""Running one ``rpc/`` handler for a gateway request, as the gRPC interceptor runs it.

The same order as on gRPC: the client's address, the maintenance gate, the token check (bans,
deleted accounts, expiry), then the handler. An :class:`OurChatError` comes out unchanged for
the gateway to encode; anything else is logged and becomes ``Internal("Server Error")``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from ourchat import details
from ourchat.caller import set_caller, set_client_address
from ourchat.deps import Deps
from ourchat.domain import maintenance
from ourchat.domain.authentication import authenticate
from ourchat.errors import Internal, OurChatError
from ourchat.ids import UserId

log = logging.getLogger(__name__)

R = TypeVar("R")

AUTH = "/service.auth.v1.AuthService/"
BASIC = "/service.basic.v1.BasicService/"
OURCHAT = "/service.ourchat.v1.OurChatService/"


async def enter(deps: Deps, method: str, *, token: str | None, address: str) -> UserId | None:
    """Check maintenance and the token for ``method``; set the caller for this task.

    Raises:
        Unavailable: "Server Maintaining".
        Unauthenticated: the token's account is gone, banned, or the token expired.
    """
    set_client_address(address)
    maintenance.check_call(deps, method)
    if token is None:
        set_caller(None)
        return None
    user_id = await authenticate(deps, [("authorization", f"Bearer {token}")])
    set_caller(user_id)
    return user_id


async def call(
    deps: Deps,
    method: str,
    handle: Callable[[Deps, Any, Any], Awaitable[R]],
    request: Any,
    *,
    token: str | None,
    address: str,
) -> R:
    """Run a unary handler for ``method`` (a full gRPC path) as the caller of ``token``.

    Raises:
        OurChatError: the handler's refusal (or the gate's, or the token check's).
    """
    await enter(deps, method, token=token, address=address)
    try:
        return await handle(deps, request, None)
    except OurChatError:
        raise
    except Exception as exc:
        log.exception("unhandled error in %s (gateway)", method, exc_info=exc)
        raise Internal(details.SERVER_ERROR) from None


async def stream(
    deps: Deps,
    method: str,
    handle: Callable[[Deps, Any, Any], AsyncIterator[R]],
    request: Any,
    *,
    token: str | None,
    address: str,
) -> AsyncIterator[R]:
    """Run a server-streaming handler as :func:`call` runs a unary one."""
    await enter(deps, method, token=token, address=address)
    try:
        async for item in handle(deps, request, None):
            yield item
    except OurChatError:
        raise
    except Exception as exc:
        log.exception("unhandled error in %s (gateway)", method, exc_info=exc)
        raise Internal(details.SERVER_ERROR) from None
