"""OurChatService.DeleteFile: the owner removes a file."""

from __future__ import annotations

from typing import Any

from ourchat._pb.service.ourchat.delete.v1.delete_pb2 import DeleteFileRequest, DeleteFileResponse
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import files


async def handle(deps: Deps, request: DeleteFileRequest, context: Any) -> DeleteFileResponse:
    """Delete the file and give its size back to the owner's quota."""
    await files.delete_file(deps, request.key, current_user_id())
    return DeleteFileResponse()
