"""OurChatService.Download: stream a file's content to someone allowed to read it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ourchat._pb.service.ourchat.download.v1.download_pb2 import (
    DownloadRequest,
    DownloadResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import files


async def handle(
    deps: Deps, request: DownloadRequest, context: Any
) -> AsyncIterator[DownloadResponse]:
    """Yield the content in blocks of ``download_chunk_size`` bytes (none for an empty file)."""
    blocks = await files.open_for_download(deps, request.key, current_user_id())
    try:
        async for block in blocks:
            yield DownloadResponse(data=block)
    finally:
        await blocks.aclose()
