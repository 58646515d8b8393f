"""AuthService.Verify: mail a verification link and report when it is followed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ourchat import details
from ourchat._pb.service.auth.email_verify.v1.email_verify_pb2 import (
    VerifyRequest,
    VerifyResponse,
)
from ourchat.caller import client_address
from ourchat.deps import Deps
from ourchat.domain import validation, verification
from ourchat.errors import InvalidArgument


async def handle(deps: Deps, request: VerifyRequest, context: Any) -> AsyncIterator[VerifyResponse]:
    """Mail a link to ``request.email``; yield one response once it is followed, then end.

    Raises:
        InvalidArgument: "Email Address Is Invalid".
        FailedPrecondition: "Email Not Configured" (no SMTP server set).
        Unavailable: "Email Could Not Be Sent".
        DeadlineExceeded: "Verification Failed" when the link expires unused.
    """
    deps.limits.check_auth_call(client_address())
    if not validation.is_valid_email(request.email):
        raise InvalidArgument(details.EMAIL_INVALID)
    link = await verification.send_link(deps, request.email)
    await verification.wait_for_confirmation(deps, link)
    yield VerifyResponse()
