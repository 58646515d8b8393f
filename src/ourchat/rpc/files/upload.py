"""OurChatService.Upload: a client stream of one header followed by the file's content."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import (
    Header,
    UploadRequest,
    UploadResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import uploads
from ourchat.domain.files import FileHeader
from ourchat.errors import InvalidArgument


def file_header(
    content_hash: bytes, size: int, auto_clean: bool, session_id: int | None
) -> FileHeader:
    """The domain's view of an upload header (a session id of 0 means none)."""
    return FileHeader(
        content_hash=content_hash, size=size, auto_clean=auto_clean, session_id=session_id or None
    )


def _header(metadata: Header) -> FileHeader:
    session_id = metadata.session_id if metadata.HasField("session_id") else None
    return file_header(metadata.hash, metadata.size, metadata.auto_clean, session_id)


async def _contents(requests: AsyncIterator[UploadRequest]) -> AsyncIterator[bytes]:
    async for request in requests:
        if request.WhichOneof("data") != "content":
            raise InvalidArgument(details.INCORRECT_ORDER)
        yield request.content


async def handle(
    deps: Deps, request_iterator: AsyncIterator[UploadRequest], context: Any
) -> UploadResponse:
    """Store the streamed file and answer its key.

    The first message must be the header ("Metadata Error" otherwise); every later one must
    be content ("Incorrect Order Of Uploading").
    """
    user_id = current_user_id()
    requests = aiter(request_iterator)
    first = await anext(requests, None)
    if first is None or first.WhichOneof("data") != "metadata":
        raise InvalidArgument(details.METADATA_ERROR)
    key = await uploads.receive(deps, user_id, _header(first.metadata), _contents(requests))
    return UploadResponse(key=key)
