"""OurChatService.CancelUpload: drop a chunked upload."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import (
    CancelUploadRequest,
    CancelUploadResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import uploads


async def handle(deps: Deps, request: CancelUploadRequest, context: Any) -> CancelUploadResponse:
    """Remove the upload and everything it stored."""
    await uploads.cancel(deps, current_user_id(), request.upload_id)
    return CancelUploadResponse()
