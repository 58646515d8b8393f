"""BasicService.Support: whom to contact about this server."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.basic.support.v1.support_pb2 import (
    CONTACT_ROLE_ADMIN,
    CONTACT_ROLE_SECURITY,
    Contact,
    SupportRequest,
    SupportResponse,
)
from ourchat.deps import Deps


async def handle(deps: Deps, request: SupportRequest, context: Any) -> SupportResponse:
    """The configured contacts, in order, and the support page if set."""
    contacts = [
        Contact(
            email_address=c.email_address,
            ocid=c.ocid,
            phone_number=c.phone_number,
            role=CONTACT_ROLE_SECURITY if c.role == "security" else CONTACT_ROLE_ADMIN,
        )
        for c in deps.settings.contacts
    ]
    return SupportResponse(contacts=contacts, support_page=deps.settings.support_page)
