"""Per-user SendMsg limits and per-address Register/Auth/Verify limits, end to end.

Past its burst a caller gets ``RESOURCE_EXHAUSTED "Too Many Requests"`` and nothing happens;
another user (or another address) is not affected.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
import pytest

from ourchat import details
from ourchat._pb.service.auth.email_verify.v1.email_verify_pb2 import VerifyRequest
from ourchat.client import OurChatClient
from ourchat.config import Settings
from ourchat.domain.rate_limits import TokenBucket
from ourchat.server.app import OurChatServer
from tests.helpers import PASSWORD, Stream, User, expect_error, public_key, register_user

NewUser = Callable[..., Awaitable[User]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small bursts that refill once a minute, so a test can reach them quickly."""
    settings.send_msgs_per_user_per_minute = 1
    settings.send_msgs_per_user_burst = 3
    settings.auth_calls_per_address_per_minute = 1
    settings.auth_calls_per_address_burst = 4
    return settings


def test_defaults_are_far_above_what_a_person_does() -> None:
    defaults = Settings()
    assert defaults.send_msgs_per_user_per_minute == 600
    assert defaults.send_msgs_per_user_burst == 120
    assert defaults.auth_calls_per_address_per_minute == 120
    assert defaults.auth_calls_per_address_burst == 60


async def test_a_user_past_the_send_limit_is_refused_others_are_not(
    server: OurChatServer, connect: Callable[[], OurChatClient]
) -> None:
    alice = await register_user(connect(), "alice")
    bob = await register_user(connect(), "bob")
    await alice.client.add_friend(friend_id=bob.id)
    session_id = (await bob.client.accept_friend_invitation(friend_id=alice.id)).session_id
    for n in range(3):
        await alice.client.send_msg(session_id, f"message {n}")
    await expect_error(
        alice.client.send_msg(session_id, "one too many"),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.TOO_MANY_REQUESTS,
    )
    await bob.client.send_msg(session_id, "bob still may")
    stream = Stream(bob.client)
    texts = [e.msg.markdown_text for e in await stream.settle(0.5) if e.HasField("msg")]  # type: ignore[attr-defined]
    await stream.close()
    assert texts == ["message 0", "message 1", "message 2", "bob still may"]


async def test_an_address_past_the_auth_limit_is_refused(
    server: OurChatServer, connect: Callable[[], OurChatClient]
) -> None:
    alice = await register_user(connect(), "alice")  # 1
    await connect().login(PASSWORD, email=alice.email)  # 2
    await register_user(connect(), "bob")  # 3
    await connect().login(PASSWORD, email=alice.email)  # 4
    await expect_error(
        connect().login(PASSWORD, email=alice.email),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.TOO_MANY_REQUESTS,
    )
    await expect_error(
        connect().register("carol@example.com", PASSWORD, "carol", public_key()),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        details.TOO_MANY_REQUESTS,
    )
    verify = connect().stream("Verify", VerifyRequest(email="carol@example.com"))
    await expect_error(
        anext(aiter(verify)), grpc.StatusCode.RESOURCE_EXHAUSTED, details.TOO_MANY_REQUESTS
    )
    # The refused Register created nothing (seen once the limit is lifted).
    assert server.deps is not None
    server.deps.limits.auth_calls = TokenBucket(0, 1)
    await expect_error(
        connect().login(PASSWORD, email="carol@example.com"),
        grpc.StatusCode.NOT_FOUND,
        details.USER_NOT_FOUND,
    )
