"""Accounts made through a gateway: no public key (they are never asked for room keys)."""

from __future__ import annotations

from ourchat.caller import client_address
from ourchat.deps import Deps
from ourchat.domain import accounts
from ourchat.gateways import calls

REGISTER = calls.AUTH + "Register"


async def register(
    deps: Deps, *, email: str, password: str, name: str, address: str
) -> accounts.Registered:
    """AuthService.Register's rules and limits for an account without a public key.

    Raises:
        OurChatError: as Register (taken email, weak password, invalid name, limits, maintenance).
    """
    await calls.enter(deps, REGISTER, token=None, address=address)
    deps.limits.check_auth_call(client_address())
    return await accounts.register(deps, email=email, password=password, name=name, public_key=None)
