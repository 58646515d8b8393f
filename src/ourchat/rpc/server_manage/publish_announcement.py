"""ServerManageService.PublishAnnouncement: a message to every account (permission 1)."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.msg_delivery.announcement.v1.announcement_pb2 import (
    Announcement,
    AnnouncementResponse,
)
from ourchat._pb.service.server_manage.publish_announcement.v1.publish_announcement_pb2 import (
    PublishAnnouncementRequest,
    PublishAnnouncementResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import announcements, server_roles
from ourchat.ids import ServerPermission
from ourchat.rpc.convert import timestamp
from ourchat.rpc.server_manage import checks


async def handle(
    deps: Deps, request: PublishAnnouncementRequest, context: Any
) -> PublishAnnouncementResponse:
    """Store and push the announcement; the publisher is the caller, whatever the request says."""
    caller = current_user_id()
    await server_roles.require(deps, caller, ServerPermission.PUBLISH_ANNOUNCEMENT)
    given = request.announcement
    limit = deps.settings.max_message_bytes
    published = await announcements.publish(
        deps,
        caller_id=caller,
        title=checks.text(given.title, limit),
        content=checks.text(given.content, limit),
    )
    return PublishAnnouncementResponse(
        announcement=AnnouncementResponse(
            announcement=Announcement(
                title=published.title,
                content=published.content,
                publisher_id=published.publisher_id,
            ),
            created_at=timestamp(published.time_us),
            id=published.msg_id,
        )
    )
