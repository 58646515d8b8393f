"""SDK file helpers: streamed upload with progress, download to a path, nothing half-written."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc

from ourchat import details
from ourchat.client import file_hash
from tests.helpers import User, expect_error

NewUser = Callable[..., Awaitable[User]]


async def test_upload_reports_progress_and_download_returns_the_same_bytes(
    new_user: NewUser, tmp_path: Path
) -> None:
    alice = await new_user("alice")
    source = tmp_path / "data.bin"
    content = os.urandom(300_001)
    source.write_bytes(content)
    assert file_hash(source, chunk_size=1000) == hashlib.sha3_256(content).digest()

    sent: list[tuple[int, int | None]] = []
    key = await alice.client.upload_file(
        source, chunk_size=64 * 1024, progress=lambda done, total: sent.append((done, total))
    )
    assert sent[0] == (0, 300_001)
    assert sent[-1] == (300_001, 300_001)
    assert [d for d, _ in sent] == sorted(d for d, _ in sent)
    assert len(sent) == 1 + 5  # 64 KiB chunks of 300,001 bytes

    received: list[int] = []
    target = tmp_path / "back.bin"
    size = await alice.client.download_file(
        key, target, progress=lambda done, total: received.append(done)
    )
    assert size == 300_001
    assert target.read_bytes() == content
    assert received[-1] == 300_001
    assert await alice.client.download_bytes(key) == content


async def test_a_refused_download_leaves_no_file(new_user: NewUser, tmp_path: Path) -> None:
    alice = await new_user("alice")
    target = tmp_path / "never.bin"
    await expect_error(
        alice.client.download_file("missing", target),
        grpc.StatusCode.NOT_FOUND,
        details.FILE_NOT_FOUND,
    )
    assert not target.exists()
    assert not target.with_name("never.bin.part").exists()
