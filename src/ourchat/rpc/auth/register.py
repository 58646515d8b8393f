"""AuthService.Register: create an account and hand out its first token."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.auth.register.v1.register_pb2 import RegisterRequest, RegisterResponse
from ourchat.caller import client_address
from ourchat.deps import Deps
from ourchat.domain import accounts


async def handle(deps: Deps, request: RegisterRequest, context: Any) -> RegisterResponse:
    """Register ``request.email`` with a password, a name and a public key."""
    deps.limits.check_auth_call(client_address())
    created = await accounts.register(
        deps,
        email=request.email,
        password=request.password,
        name=request.name,
        public_key=request.public_key,
    )
    return RegisterResponse(ocid=created.ocid, id=created.user_id, token=created.token)
