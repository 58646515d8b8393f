"""SDK methods for files: streaming upload from a path, download to a path, the chunked API."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import cast

from ourchat._pb.service.ourchat.delete.v1.delete_pb2 import DeleteFileRequest, DeleteFileResponse
from ourchat._pb.service.ourchat.download.v1.download_pb2 import DownloadRequest
from ourchat._pb.service.ourchat.upload.v1 import upload_pb2
from ourchat.client._base import BaseClient

#: Told ``(bytes_done, bytes_total)`` as a transfer advances; the total is None when unknown
#: (downloads: the protocol does not announce a file's size).
ProgressCallback = Callable[[int, int | None], None]

#: Bytes per upload message by default (the server accepts messages up to 4 MiB).
DEFAULT_CHUNK_SIZE = 256 * 1024


def file_hash(path: str | os.PathLike[str], chunk_size: int = DEFAULT_CHUNK_SIZE) -> bytes:
    """The SHA3-256 digest of a file, as OurChat servers check it, read in chunks."""
    digest = hashlib.sha3_256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.digest()


class FilesMixin(BaseClient):
    """Uploading, downloading and deleting files."""

    async def upload_file(
        self,
        path: str | os.PathLike[str],
        *,
        session_id: int | None = None,
        auto_clean: bool = False,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: ProgressCallback | None = None,
    ) -> str:
        """Upload a file, streaming it from disk in chunks (never whole in memory).

        The file is read twice: once for its SHA3-256 digest, which the server checks, then
        to send it.

        Args:
            path: the file to upload.
            session_id: make the file readable by that session's members.
            auto_clean: let the server delete it after its retention time.
            chunk_size: bytes per message.
            progress: told the bytes sent so far and the file size.

        Returns:
            The file's key, for :meth:`download_file` and ``involved_files``.

        Raises:
            ResourceExhaustedError: "Storage Full" beyond the account's quota.
        """
        source = Path(path)
        size = (await asyncio.to_thread(source.stat)).st_size
        digest = await asyncio.to_thread(file_hash, source, chunk_size)
        header = upload_pb2.Header(
            hash=digest, size=size, auto_clean=auto_clean, session_id=session_id
        )

        async def requests() -> AsyncIterator[upload_pb2.UploadRequest]:
            yield upload_pb2.UploadRequest(metadata=header)
            done = 0
            if progress is not None:
                progress(0, size)
            fh = await asyncio.to_thread(source.open, "rb")
            try:
                while chunk := await asyncio.to_thread(fh.read, chunk_size):
                    yield upload_pb2.UploadRequest(content=chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, size)
            finally:
                fh.close()

        response: upload_pb2.UploadResponse = await self.call_streaming("Upload", requests())
        return response.key

    def download(self, key: str) -> AsyncIterator[bytes]:
        """The content of a file, chunk by chunk."""

        async def chunks() -> AsyncIterator[bytes]:
            stream = self.stream("Download", DownloadRequest(key=key))
            async with contextlib.aclosing(stream):  # type: ignore[type-var]
                async for item in stream:
                    yield item.data

        return chunks()

    async def download_file(
        self,
        key: str,
        path: str | os.PathLike[str],
        *,
        progress: ProgressCallback | None = None,
    ) -> int:
        """Download a file to ``path``, written as it arrives.

        The content goes to ``<path>.part`` first and is renamed to ``path`` only when
        complete, so a failed download never leaves a truncated file under the final name.

        Returns:
            The number of bytes written.

        Raises:
            NotFoundError: "File Not Found".
            PermissionDeniedError: the caller may not read the file.
        """
        target = Path(path)
        partial = target.with_name(target.name + ".part")
        done = 0
        try:
            fh = await asyncio.to_thread(partial.open, "wb")
            try:
                async for data in self.download(key):
                    await asyncio.to_thread(fh.write, data)
                    done += len(data)
                    if progress is not None:
                        progress(done, None)
            finally:
                fh.close()
            await asyncio.to_thread(partial.replace, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return done

    async def download_bytes(self, key: str) -> bytes:
        """The whole content of a (small) file, in memory."""
        return b"".join([data async for data in self.download(key)])

    async def delete_file(self, *, key: str) -> DeleteFileResponse:
        """Delete one of one's own files."""
        return cast("DeleteFileResponse", await self.call("DeleteFile", DeleteFileRequest(key=key)))

    # Chunked upload (unary calls, for environments without client streaming) -----------

    async def start_upload(
        self, *, hash: bytes, size: int, auto_clean: bool = False, session_id: int | None = None
    ) -> upload_pb2.StartUploadResponse:
        """Begin a chunked upload; returns its ``upload_id`` and the server's ``chunk_size``."""
        request = upload_pb2.StartUploadRequest(
            hash=hash, size=size, auto_clean=auto_clean, session_id=session_id
        )
        return cast("upload_pb2.StartUploadResponse", await self.call("StartUpload", request))

    async def upload_chunk(self, *, upload_id: str, chunk_id: int, data: bytes) -> int:
        """Send one chunk; returns the bytes the server holds for this upload so far."""
        request = upload_pb2.UploadChunkRequest(
            upload_id=upload_id, chunk_id=chunk_id, chunk_data=data
        )
        response: upload_pb2.UploadChunkResponse = await self.call("UploadChunk", request)
        return response.bytes_received

    async def complete_upload(self, *, upload_id: str) -> str:
        """Finish a chunked upload; returns the file's key."""
        request = upload_pb2.CompleteUploadRequest(upload_id=upload_id)
        response: upload_pb2.CompleteUploadResponse = await self.call("CompleteUpload", request)
        return response.key

    async def cancel_upload(self, *, upload_id: str) -> None:
        """Abandon a chunked upload."""
        await self.call("CancelUpload", upload_pb2.CancelUploadRequest(upload_id=upload_id))
