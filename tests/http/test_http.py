"""The HTTP routes on the one port: /v1/status, /v1/logo, /v1/avatar, /metrics, the rate limit."""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from importlib import resources

import grpc
import httpx
import pytest

from ourchat import details
from ourchat._pb.service.ourchat.delete.v1.delete_pb2 import DeleteFileRequest
from ourchat._pb.service.ourchat.set_account_info.v1.set_account_info_pb2 import (
    SetSelfInfoRequest,
)
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.domain.avatars import image_type
from ourchat.http.images import default_avatar_png
from ourchat.server.app import OurChatServer
from ourchat.storage import users
from tests.helpers import User, expect_error
from tests.rpc.files.support import make_session, upload

NewUser = Callable[..., Awaitable[User]]

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(3000)
WEBP = b"RIFF\x00\x10\x00\x00WEBPVP8 " + os.urandom(100)


async def set_avatar(user: User, key: str) -> None:
    await user.client.call("SetSelfInfo", SetSelfInfoRequest(avatar_key=key))


async def test_every_route_answers_on_the_one_port(
    server: OurChatServer, http: httpx.AsyncClient, new_user: NewUser
) -> None:
    assert str(http.base_url) == f"http://127.0.0.1:{server.port}"
    alice = await new_user("alice")  # native gRPC on the same port
    response = await http.get("/v1/status")
    assert (response.status_code, response.content) == (200, b"")
    logo = await http.get("/v1/logo")
    assert (logo.status_code, logo.headers["content-type"]) == (200, "image/png")
    assert logo.content == (resources.files("ourchat.http") / "static/logo.png").read_bytes()
    assert logo.content.startswith(b"\x89PNG\r\n\x1a\nIHDR"[:8])
    # The official client's avatar URL: the key is there only to defeat caches, and may be empty.
    avatar = await http.get(f"/v1/avatar?user_id={alice.id}&avatar_key=")
    assert (avatar.status_code, avatar.content) == (200, default_avatar_png())
    assert (await http.get("/metrics")).status_code == 200
    assert (await http.get("/v1/verify/confirm?token=x")).status_code == 400


async def test_avatar_of_unknown_or_malformed_user(
    server: OurChatServer, http: httpx.AsyncClient
) -> None:
    response = await http.get("/v1/avatar", params={"user_id": "12345"})
    assert (response.status_code, response.text) == (404, "User ID not found")
    for bad in ({"user_id": "abc"}, {}):
        response = await http.get("/v1/avatar", params=bad)
        assert response.status_code == 400


async def test_default_avatar_for_a_user_without_one(
    server: OurChatServer, http: httpx.AsyncClient, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    response = await http.get("/v1/avatar", params={"user_id": alice.id})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == default_avatar_png()
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


async def test_avatar_bytes_with_their_content_type(
    server: OurChatServer, http: httpx.AsyncClient, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    deps = server.deps
    assert deps is not None
    deps.settings.download_chunk_size = 1000  # the body is streamed in several blocks
    jpeg = await upload(alice.client, JPEG)
    await set_avatar(alice, jpeg)
    webp = await upload(bob.client, WEBP)
    await set_avatar(bob, webp)

    response = await http.get("/v1/avatar", params={"user_id": alice.id})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == JPEG
    response = await http.get("/v1/avatar", params={"user_id": bob.id})
    assert (response.headers["content-type"], response.content) == ("image/webp", WEBP)

    # Once the file is gone the default picture is shown again.
    await alice.client.call("DeleteFile", DeleteFileRequest(key=jpeg))
    response = await http.get("/v1/avatar", params={"user_id": alice.id})
    assert (response.status_code, response.content) == (200, default_avatar_png())


def test_avatar_types_come_from_magic_bytes() -> None:
    assert image_type(default_avatar_png()) == "image/png"
    assert image_type(JPEG) == "image/jpeg"
    assert image_type(b"GIF89a....") == "image/gif"
    assert image_type(b"GIF87a....") == "image/gif"
    assert image_type(WEBP) == "image/webp"
    for other in (
        b"\x00\x00\x00\x1cftypavif....",
        b"BM....",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"%PDF-1.7",
        b"",
    ):
        assert image_type(other) is None


async def test_an_avatar_never_publishes_a_file_its_user_does_not_own(
    server: OurChatServer, http: httpx.AsyncClient, new_user: NewUser
) -> None:
    """Before: member B set A's session file as B's avatar, and anyone could download it,
    also after B was kicked."""
    alice, bob = await new_user("alice"), await new_user("bob")
    deps = server.deps
    assert deps is not None
    session_id = await make_session(server, alice.id, [bob.id])
    alices = await upload(alice.client, JPEG, session_id=session_id)
    await expect_error(
        set_avatar(bob, alices), grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED
    )
    # Keys stored before these rules (or written by hand) are not served either.
    async with deps.db.write() as conn:
        await users.set_fields(conn, bob.id, avatar_key=alices)
    response = await http.get("/v1/avatar", params={"user_id": bob.id})
    assert (response.status_code, response.content) == (200, default_avatar_png())
    assert response.headers["content-type"] == "image/png"
    # Nor a file of one's own that is no image.
    text = await upload(bob.client, b"<html><script>alert(1)</script></html>")
    await expect_error(
        set_avatar(bob, text), grpc.StatusCode.INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE
    )
    async with deps.db.write() as conn:
        await users.set_fields(conn, bob.id, avatar_key=text)
    response = await http.get("/v1/avatar", params={"user_id": bob.id})
    assert (response.status_code, response.content) == (200, default_avatar_png())
    # Alice's own image is hers to show.
    await set_avatar(alice, alices)
    response = await http.get("/v1/avatar", params={"user_id": alice.id})
    assert (response.headers["content-type"], response.content) == ("image/jpeg", JPEG)


async def test_metrics_count_rpcs(
    server: OurChatServer, http: httpx.AsyncClient, new_user: NewUser
) -> None:
    await new_user("alice")
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'ourchat_rpcs_total{code="OK",method="/service.auth.v1.AuthService/Register"}' in (
        response.text
    )


async def test_stop_closes_the_port(settings: Settings, clock: ManualClock) -> None:
    server = OurChatServer(settings, clock=clock)
    await server.start()
    port = server.port
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        assert (await client.get("/v1/status")).status_code == 200
    await server.stop(grace=0.5)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("/v1/status")


async def test_plain_http_is_rate_limited_per_address(
    settings: Settings, clock: ManualClock
) -> None:
    settings = settings.model_copy(
        update={"http_requests_per_address_per_minute": 60, "http_requests_per_address_burst": 3}
    )
    server = OurChatServer(settings, clock=clock)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
            codes = [(await http.get("/v1/status")).status_code for _ in range(4)]
            assert codes == [200, 200, 200, 429]
            refused = await http.get("/v1/logo")
            assert (refused.status_code, refused.text) == (429, details.TOO_MANY_REQUESTS)
            assert "grpc-status" not in refused.headers  # a bare 429, as clients expect
            # Another address has its own budget.
            other = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
            async with httpx.AsyncClient(
                transport=other, base_url=f"http://127.0.0.1:{server.port}"
            ) as elsewhere:
                assert (await elsewhere.get("/v1/status")).status_code == 200
    finally:
        await server.stop(grace=0.5)


async def test_the_default_rate_limit_is_the_references_and_can_be_turned_off(
    settings: Settings, clock: ManualClock
) -> None:
    assert Settings().http_requests_per_address_burst == 16
    assert Settings().http_requests_per_address_per_minute == 120  # one per 500 ms
    for rate, expected in ((120, 429), (0, 200)):
        server = OurChatServer(
            settings.model_copy(update={"http_requests_per_address_per_minute": rate}),
            clock=clock,
        )
        await server.start()
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
                started = time.monotonic()
                codes = [(await http.get("/v1/status")).status_code for _ in range(17)]
                # One more request is allowed per 500 ms that these took (a loaded machine).
                while codes[-1] == 200 and expected == 429 and len(codes) < 200:
                    codes.append((await http.get("/v1/status")).status_code)
                refills = int((time.monotonic() - started) / 0.5)
            assert codes[:16] == [200] * 16
            assert codes[-1] == expected
            if expected == 429:
                assert len(codes) <= 17 + refills
        finally:
            await server.stop(grace=0.5)
