"""Where file content lives: the :class:`FileStore` protocol and :class:`LocalFileStore`.

Content is first written to a temp file; the caller checks its size and hash and only then
publishes it under its key, so a reader never sees a partial or unchecked file. Chunks of a
chunked upload are kept apart, by upload id, until the upload is completed or dropped.

A :class:`LocalFileStore` rooted at ``<root>`` (``<data_dir>/files`` by default) lays out::

    data/<first 2 chars of key>/<key>      published content, one file per key
    uploads/<upload_id>/<chunk_id>         chunks of an unfinished chunked upload
    tmp/<instance>/                        temp files of one running process
    tmp/<instance>.lock                    locked (flock) by that process while it runs

Several processes may share one root. Each keeps its temp files in its own directory; at
start-up (and on every :meth:`FileStore.clean_temp`) a process removes the temp directories
whose owner no longer holds its lock, that is, the leftovers of a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import secrets
import shutil
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"[A-Za-z0-9]{1,128}")
_UPLOAD_ID = re.compile(r"[A-Za-z0-9_]{1,80}")
_LOCK_SUFFIX = ".lock"


class TempFile(Protocol):
    """Content being written; discarded when its context ends unless it was published."""

    @property
    def size(self) -> int:
        """Bytes written so far."""
        ...

    async def write(self, data: bytes) -> None:
        """Append ``data``."""
        ...

    async def seal(self) -> None:
        """Make the written content durable; no writes may follow."""
        ...


class FileStore(Protocol):
    """Storage of file content by key, plus the chunks of unfinished uploads.

    Keys and upload ids are checked by the caller's rules; a store only refuses names that
    could escape its namespace (``ValueError``).
    """

    async def start(self) -> None:
        """Prepare the store and remove temp data left by processes that are gone."""
        ...

    async def close(self) -> None:
        """Release this process's temp area."""
        ...

    def temp(self) -> AbstractAsyncContextManager[TempFile]:
        """A new temp file, removed when the context ends unless it was published."""
        ...

    async def publish(self, temp: TempFile, key: str) -> None:
        """Make a sealed temp file's content readable under ``key``.

        Raises:
            FileExistsError: ``key`` already holds content.
        """
        ...

    def read(self, key: str, block_size: int) -> AsyncGenerator[bytes, None]:
        """The content of ``key`` in blocks of at most ``block_size`` bytes.

        Raises:
            FileNotFoundError: no content under ``key``.
        """
        ...

    async def delete(self, key: str) -> None:
        """Remove the content of ``key`` (nothing happens if there is none)."""
        ...

    def keys_modified_before(self, time_us: int) -> AsyncIterator[list[str]]:
        """Batches of the keys whose content was last written before ``time_us``."""
        ...

    async def put_chunk(self, upload_id: str, chunk_id: int, data: bytes) -> None:
        """Store (or replace) one chunk of an upload."""
        ...

    def read_chunk(
        self, upload_id: str, chunk_id: int, block_size: int
    ) -> AsyncGenerator[bytes, None]:
        """One stored chunk in blocks of at most ``block_size`` bytes.

        Raises:
            FileNotFoundError: the chunk is not stored.
        """
        ...

    async def delete_upload(self, upload_id: str) -> None:
        """Remove every chunk of an upload (nothing happens if there is none)."""
        ...

    async def upload_ids(self) -> list[str]:
        """Ids of the uploads that have chunks stored."""
        ...

    async def clean_temp(self) -> int:
        """Remove the temp data of processes that are gone; returns how many areas went."""
        ...


def _check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a file key: {key!r}")
    return key


def _check_upload_id(upload_id: str) -> str:
    if not _UPLOAD_ID.fullmatch(upload_id):
        raise ValueError(f"not an upload id: {upload_id!r}")
    return upload_id


class _LocalTemp:
    """A temp file in this process's temp directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: BinaryIO | None = path.open("xb")
        self._size = 0
        self.published = False

    @property
    def size(self) -> int:
        return self._size

    async def write(self, data: bytes) -> None:
        if self._fh is None:
            raise ValueError("temp file is sealed")
        await asyncio.to_thread(self._fh.write, data)
        self._size += len(data)

    async def seal(self) -> None:
        fh = self._fh
        if fh is None:
            return
        self._fh = None
        await asyncio.to_thread(_flush_and_close, fh)

    def discard(self) -> None:
        """Close and remove the file (synchronous, so it also runs while being cancelled)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if not self.published:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def _flush_and_close(fh: BinaryIO) -> None:
    try:
        fh.flush()
        os.fsync(fh.fileno())
    finally:
        fh.close()


async def _read_blocks(path: Path, block_size: int) -> AsyncGenerator[bytes, None]:
    fh = await asyncio.to_thread(path.open, "rb")
    try:
        while True:
            block = await asyncio.to_thread(fh.read, block_size)
            if not block:
                return
            yield block
    finally:
        fh.close()


class LocalFileStore:
    """A :class:`FileStore` on a local (or shared network) directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.uploads_dir = root / "uploads"
        self.tmp_root = root / "tmp"
        self.instance = uuid.uuid4().hex
        self._lock_fd: int | None = None

    @property
    def temp_dir(self) -> Path:
        """This process's temp directory."""
        return self.tmp_root / self.instance

    # Lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await asyncio.to_thread(self._start)
        await self.clean_temp()

    def _start(self) -> None:
        for path in (self.data_dir, self.uploads_dir, self.tmp_root):
            path.mkdir(parents=True, exist_ok=True)
        while True:
            lock_path = self.tmp_root / f"{self.instance}{_LOCK_SUFFIX}"
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
            except OSError:
                same = False
            if same:
                break
            # Another process's sweep took the new lock file for a dead one's: pick again.
            os.close(fd)
            self.instance = uuid.uuid4().hex
        self._lock_fd = fd
        self.temp_dir.mkdir()

    async def close(self) -> None:
        await asyncio.to_thread(self._close)

    def _close(self) -> None:
        if self._lock_fd is None:
            return
        shutil.rmtree(self.temp_dir, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            (self.tmp_root / f"{self.instance}{_LOCK_SUFFIX}").unlink()
        os.close(self._lock_fd)
        self._lock_fd = None

    async def clean_temp(self) -> int:
        return await asyncio.to_thread(self._clean_temp)

    def _clean_temp(self) -> int:
        removed = 0
        try:
            entries = list(os.scandir(self.tmp_root))
        except FileNotFoundError:
            return 0
        owners: set[str] = set()
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                owners.add(entry.name)
            elif entry.name.endswith(_LOCK_SUFFIX):
                owners.add(entry.name.removesuffix(_LOCK_SUFFIX))
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                removed += 1
        for owner in owners - {self.instance}:
            if self._remove_if_dead(owner):
                removed += 1
        return removed

    def _remove_if_dead(self, owner: str) -> bool:
        lock_path = self.tmp_root / f"{owner}{_LOCK_SUFFIX}"
        try:
            fd = os.open(lock_path, os.O_RDWR)
        except FileNotFoundError:
            # A process creates its lock before its directory: no lock means no owner.
            shutil.rmtree(self.tmp_root / owner, ignore_errors=True)
            return True
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            shutil.rmtree(self.tmp_root / owner, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                lock_path.unlink()
            return True
        finally:
            os.close(fd)

    # Content -----------------------------------------------------------------------------

    def _content_path(self, key: str) -> Path:
        return self.data_dir / _check_key(key)[:2] / key

    def _new_temp_path(self) -> Path:
        if self._lock_fd is None:
            raise RuntimeError("the file store is not started")
        return self.temp_dir / f"{secrets.token_hex(12)}.part"

    @contextlib.asynccontextmanager
    async def _temp(self) -> AsyncIterator[_LocalTemp]:
        temp = _LocalTemp(self._new_temp_path())
        try:
            yield temp
        finally:
            temp.discard()

    def temp(self) -> AbstractAsyncContextManager[TempFile]:
        return self._temp()

    async def publish(self, temp: TempFile, key: str) -> None:
        if not isinstance(temp, _LocalTemp):
            raise TypeError("not a temp file of this store")
        await temp.seal()
        final = self._content_path(key)
        await asyncio.to_thread(self._link, temp.path, final)
        temp.published = True

    @staticmethod
    def _link(source: Path, final: Path) -> None:
        final.parent.mkdir(exist_ok=True)
        os.link(source, final)
        with contextlib.suppress(FileNotFoundError):
            source.unlink()

    def read(self, key: str, block_size: int) -> AsyncGenerator[bytes, None]:
        return _read_blocks(self._content_path(key), block_size)

    async def delete(self, key: str) -> None:
        path = self._content_path(key)
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(path.unlink)

    async def keys_modified_before(self, time_us: int) -> AsyncIterator[list[str]]:
        limit_ns = time_us * 1000
        try:
            groups = await asyncio.to_thread(lambda: sorted(os.listdir(self.data_dir)))
        except FileNotFoundError:
            return
        for group in groups:
            keys = await asyncio.to_thread(self._old_keys, self.data_dir / group, limit_ns)
            if keys:
                yield keys

    @staticmethod
    def _old_keys(directory: Path, limit_ns: int) -> list[str]:
        keys = []
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            return []
        for entry in entries:
            try:
                if entry.is_file() and entry.stat().st_mtime_ns < limit_ns:
                    keys.append(entry.name)
            except FileNotFoundError:
                continue
        return keys

    # Chunks of unfinished uploads --------------------------------------------------------

    def _chunk_path(self, upload_id: str, chunk_id: int) -> Path:
        if chunk_id < 0:
            raise ValueError("negative chunk id")
        return self.uploads_dir / _check_upload_id(upload_id) / str(chunk_id)

    async def put_chunk(self, upload_id: str, chunk_id: int, data: bytes) -> None:
        final = self._chunk_path(upload_id, chunk_id)
        await asyncio.to_thread(self._put_chunk, self._new_temp_path(), final, data)

    @staticmethod
    def _put_chunk(temp: Path, final: Path, data: bytes) -> None:
        try:
            temp.write_bytes(data)
            final.parent.mkdir(exist_ok=True)
            os.replace(temp, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()

    def read_chunk(
        self, upload_id: str, chunk_id: int, block_size: int
    ) -> AsyncGenerator[bytes, None]:
        return _read_blocks(self._chunk_path(upload_id, chunk_id), block_size)

    async def delete_upload(self, upload_id: str) -> None:
        path = self.uploads_dir / _check_upload_id(upload_id)
        await asyncio.to_thread(shutil.rmtree, path, True)

    async def upload_ids(self) -> list[str]:
        try:
            names = await asyncio.to_thread(os.listdir, self.uploads_dir)
        except FileNotFoundError:
            return []
        return sorted(n for n in names if _UPLOAD_ID.fullmatch(n))
