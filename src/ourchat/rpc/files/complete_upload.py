"""OurChatService.CompleteUpload: join a chunked upload's chunks into a stored file."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import (
    CompleteUploadRequest,
    CompleteUploadResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import uploads


async def handle(
    deps: Deps, request: CompleteUploadRequest, context: Any
) -> CompleteUploadResponse:
    """Check size and hash, store the file and answer its key."""
    key = await uploads.complete(deps, current_user_id(), request.upload_id)
    return CompleteUploadResponse(key=key)
