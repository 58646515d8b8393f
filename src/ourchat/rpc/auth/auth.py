"""AuthService.Auth: log in by email or ocid."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.auth.authorize.v1.authorize_pb2 import AuthRequest, AuthResponse
from ourchat.caller import client_address
from ourchat.deps import Deps
from ourchat.domain import accounts
from ourchat.errors import InvalidArgument


async def handle(deps: Deps, request: AuthRequest, context: Any) -> AuthResponse:
    """Check the password of the account named by ``email`` or ``ocid``."""
    deps.limits.check_auth_call(client_address())
    which = request.WhichOneof("account")
    if which is None:
        raise InvalidArgument(details.MISSING_AUTH_TYPE)
    done = await accounts.login(
        deps,
        email=request.email if which == "email" else None,
        ocid=request.ocid if which == "ocid" else None,
        password=request.password,
        address=client_address(),
    )
    return AuthResponse(token=done.token, id=done.user_id, ocid=done.ocid)
