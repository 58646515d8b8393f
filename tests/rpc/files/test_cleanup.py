"""Auto-clean expiry, the background janitor, and the leftovers of a crash removed at start-up."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc
from sqlalchemy import update

from ourchat import details
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import StartUploadRequest
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.config import Settings
from ourchat.domain import files as file_rules
from ourchat.files.store import LocalFileStore
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import uploads
from tests.helpers import PASSWORD, User, expect_error
from tests.rpc.files.support import (
    deps_of,
    download,
    leftovers,
    random_bytes,
    resource_used,
    sha3,
    store_of,
    stored_keys,
    upload,
    upload_row_counts,
)

NewUser = Callable[..., Awaitable[User]]
DAY = 24 * 3600


async def relogin(*users: User) -> None:
    """Fresh tokens after the clock jumped past their lifetime."""
    for user in users:
        await user.client.login(PASSWORD, email=user.email)


async def test_only_auto_clean_files_expire_after_the_save_time(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    old_clean = await upload(alice.client, random_bytes(1000), auto_clean=True)
    kept = await upload(alice.client, random_bytes(300), auto_clean=False)
    clock.advance(5 * DAY)
    await relogin(alice, bob)
    young_clean = await upload(bob.client, random_bytes(200), auto_clean=True)
    clock.advance(5 * DAY - 1)
    await relogin(alice, bob)
    deps = deps_of(server)

    # One second before its tenth day nothing is old enough.
    assert (await file_rules.clean_up(deps)).files == 0
    clock.advance(1)
    assert (await file_rules.clean_up(deps)).files == 1

    assert sorted(stored_keys(server)) == sorted([kept, young_clean])
    assert await resource_used(server, alice.id) == 300
    assert await resource_used(server, bob.id) == 200
    await expect_error(
        download(alice.client, old_clean), grpc.StatusCode.NOT_FOUND, details.FILE_NOT_FOUND
    )
    clock.advance(5 * DAY)
    assert (await file_rules.clean_up(deps)).files == 1
    assert stored_keys(server) == [kept]
    assert await resource_used(server, bob.id) == 0
    clock.advance(365 * DAY)
    assert (await file_rules.clean_up(deps)).files == 0
    await relogin(alice)
    assert len(await download(alice.client, kept)) == 300


def _age(path: Path, seconds_before_us: int) -> None:
    seconds = seconds_before_us / US_PER_SECOND
    os.utime(path, (seconds, seconds))


async def test_start_up_removes_what_a_crash_left(
    settings: Settings, clock: ManualClock, new_user: NewUser, server: OurChatServer
) -> None:
    alice = await new_user("alice")
    kept_key = await upload(alice.client, b"a real file")
    live_upload = (
        await alice.client.call("StartUpload", StartUploadRequest(hash=sha3(b"x"), size=1))
    ).upload_id
    stale_upload = (
        await alice.client.call("StartUpload", StartUploadRequest(hash=sha3(b"y"), size=1))
    ).upload_id
    store = store_of(server)
    root = store.root

    # What a crash leaves: a dead process's temp area, stored chunks of an upload whose row
    # is gone, content published without its row (old, and just now), an expired upload.
    dead_tmp = root / "tmp" / "deadbeef"
    dead_tmp.mkdir()
    (dead_tmp / "half.part").write_bytes(b"half a file")
    (root / "tmp" / "deadbeef.lock").write_bytes(b"")
    (root / "tmp" / "stray.part").write_bytes(b"stray")
    orphan_chunks = root / "uploads" / "upload_1_orphan"
    orphan_chunks.mkdir()
    (orphan_chunks / "0").write_bytes(b"chunk")
    await store.put_chunk(stale_upload, 0, b"y")
    await store.put_chunk(live_upload, 0, b"x")
    orphan = root / "data" / "zz" / ("zz" + "0" * 82)
    orphan.parent.mkdir()
    orphan.write_bytes(b"orphan")
    fresh_orphan = root / "data" / "zz" / ("zy" + "0" * 82)
    fresh_orphan.write_bytes(b"being committed by another process")

    await server.stop(grace=0.5)
    clock.advance(3600 - 1)  # the live upload still has a second left
    now = clock.now_us()
    _age(orphan, now - 3601 * US_PER_SECOND)
    _age(fresh_orphan, now - 60 * US_PER_SECOND)
    _age(store.data_dir / kept_key[:2] / kept_key, now - 3601 * US_PER_SECOND)
    async with deps_of(server).db.write() as conn:
        await conn.execute(
            update(uploads).where(uploads.c.id == stale_upload).values(expires_at=now)
        )

    restarted = OurChatServer(settings, clock=clock)
    await restarted.start()
    try:
        new_store = store_of(restarted)
        assert not dead_tmp.exists()
        assert not (root / "tmp" / "deadbeef.lock").exists()
        assert not (root / "tmp" / "stray.part").exists()
        assert sorted(p.name for p in (root / "tmp").iterdir()) == sorted(
            [new_store.instance, f"{new_store.instance}.lock"]
        )
        assert not orphan_chunks.exists()
        assert not (root / "uploads" / stale_upload).exists()
        assert (root / "uploads" / live_upload / "0").read_bytes() == b"x"
        assert not orphan.exists()
        assert fresh_orphan.exists()
        assert sorted(stored_keys(restarted)) == sorted([kept_key, fresh_orphan.name])
        assert await upload_row_counts(restarted) == (1, 0)
    finally:
        await restarted.stop(grace=0.5)


async def test_a_live_process_keeps_its_temp_area(tmp_path: Path) -> None:
    first = LocalFileStore(tmp_path / "files")
    await first.start()
    async with first.temp() as temp:
        await temp.write(b"in progress")
        second = LocalFileStore(tmp_path / "files")
        await second.start()
        assert await second.clean_temp() == 0
        assert first.temp_dir.is_dir()
        assert len(list(first.temp_dir.iterdir())) == 1
        await second.close()
    # The temp file went when its context ended without being published.
    assert list(first.temp_dir.iterdir()) == []
    await first.close()
    assert list((tmp_path / "files" / "tmp").iterdir()) == []


async def test_leftover_listing_is_empty_after_failures(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    await expect_error(
        upload(alice.client, random_bytes(10), size=11),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.FILE_SIZE_ERROR,
    )
    assert leftovers(server) == []
