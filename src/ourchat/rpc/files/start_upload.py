"""OurChatService.StartUpload: open a chunked upload."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import (
    StartUploadRequest,
    StartUploadResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import uploads
from ourchat.rpc.files.upload import file_header


async def handle(deps: Deps, request: StartUploadRequest, context: Any) -> StartUploadResponse:
    """Check the declared file against the quota and answer an upload id."""
    session_id = request.session_id if request.HasField("session_id") else None
    started = await uploads.start(
        deps,
        current_user_id(),
        file_header(request.hash, request.size, request.auto_clean, session_id),
    )
    return StartUploadResponse(
        upload_id=started.upload_id,
        chunk_size=started.chunk_size,
        timeout_seconds=started.timeout_seconds,
    )
