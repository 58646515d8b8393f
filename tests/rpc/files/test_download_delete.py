"""Download (server-streaming) and DeleteFile: who may read and delete, and what is left."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from ourchat import details
from ourchat._pb.service.ourchat.delete.v1.delete_pb2 import DeleteFileRequest
from ourchat.server.app import OurChatServer
from ourchat.storage import sessions
from tests.helpers import User, expect_error
from tests.rpc.files.support import (
    deps_of,
    download,
    download_blocks,
    file_row_count,
    make_session,
    random_bytes,
    remove_member,
    resource_used,
    stored_keys,
    upload,
)

NewUser = Callable[..., Awaitable[User]]


async def test_download_streams_blocks_of_the_configured_size(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    data = random_bytes(200_000)
    key = await upload(alice.client, data)
    blocks = [block async for block in download_blocks(alice.client, key)]
    assert [len(b) for b in blocks] == [65536, 65536, 65536, 200_000 - 3 * 65536]
    assert b"".join(blocks) == data
    assert [
        block async for block in download_blocks(alice.client, await upload(alice.client, b""))
    ] == []


async def test_unknown_key_is_not_found(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    for key in ("nothing", "", "x" * 300, "../../etc/passwd"):
        await expect_error(
            download(alice.client, key), grpc.StatusCode.NOT_FOUND, details.FILE_NOT_FOUND
        )


async def test_only_owner_and_current_members_read_a_session_file(
    server: OurChatServer, new_user: NewUser
) -> None:
    owner = await new_user("owner")
    member = await new_user("member")
    leaver = await new_user("leaver")
    outsider = await new_user("outsider")
    session_id = await make_session(server, owner.id, [member.id, leaver.id])
    data = random_bytes(5000)
    key = await upload(member.client, data, session_id=session_id)
    private = await upload(member.client, b"private")

    # The uploader, and anyone in the session now, may read the session's file.
    for reader in (member, owner, leaver):
        assert await download(reader.client, key) == data
    await expect_error(
        download(outsider.client, key),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    # A file without a session is the owner's alone, even for people sharing a session.
    assert await download(member.client, private) == b"private"
    await expect_error(
        download(owner.client, private),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    # A former member is refused; the uploader keeps access after leaving.
    await remove_member(server, session_id, leaver.id)
    await expect_error(
        download(leaver.client, key),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    await remove_member(server, session_id, member.id)
    assert await download(member.client, key) == data
    assert await download(owner.client, key) == data


async def test_a_file_outlives_its_session(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    session_id = await make_session(server, alice.id, [bob.id])
    key = await upload(alice.client, b"kept", session_id=session_id)
    async with deps_of(server).db.write() as conn:
        await sessions.remove(conn, session_id)
    # Still the owner's (and still counted), no longer readable through the session.
    assert await download(alice.client, key) == b"kept"
    await expect_error(
        download(bob.client, key), grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED
    )
    assert await resource_used(server, alice.id) == 4


async def test_delete_file_by_owner(server: OurChatServer, new_user: NewUser) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    session_id = await make_session(server, alice.id, [bob.id])
    gone = await upload(alice.client, random_bytes(3000), session_id=session_id)
    kept = await upload(alice.client, random_bytes(1000))
    assert await resource_used(server, alice.id) == 4000

    # Reading is not enough to delete; unknown keys are refused the same way.
    for key, user in ((gone, bob), ("unknown", alice), ("", alice)):
        await expect_error(
            user.client.call("DeleteFile", DeleteFileRequest(key=key)),
            grpc.StatusCode.PERMISSION_DENIED,
            details.PERMISSION_DENIED,
        )
    await alice.client.call("DeleteFile", DeleteFileRequest(key=gone))

    assert await resource_used(server, alice.id) == 1000
    assert stored_keys(server) == [kept]
    assert await file_row_count(server) == 1
    await expect_error(
        download(alice.client, gone), grpc.StatusCode.NOT_FOUND, details.FILE_NOT_FOUND
    )
    await expect_error(
        alice.client.call("DeleteFile", DeleteFileRequest(key=gone)),
        grpc.StatusCode.PERMISSION_DENIED,
        details.PERMISSION_DENIED,
    )
    # The freed space can be used again.
    deps_of(server).settings.user_files_limit = 4000
    await upload(alice.client, random_bytes(3000))
    assert await resource_used(server, alice.id) == 4000
