"""OurChatService.UploadChunk: one chunk of a chunked upload."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import (
    UploadChunkRequest,
    UploadChunkResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import uploads


async def handle(deps: Deps, request: UploadChunkRequest, context: Any) -> UploadChunkResponse:
    """Store the chunk and answer how many bytes the upload holds now."""
    received = await uploads.add_chunk(
        deps, current_user_id(), request.upload_id, request.chunk_id, request.chunk_data
    )
    return UploadChunkResponse(bytes_received=received)
