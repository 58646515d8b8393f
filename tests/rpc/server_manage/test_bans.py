"""Server bans: enforced on Auth, on existing tokens and on open streams; lifted by UnbanUser
or at expiry (the server's injected clock)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
from google.protobuf.duration_pb2 import Duration

from ourchat import details
from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as um
from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from tests.helpers import PASSWORD, Stream, User, expect_error
from tests.rpc.server_manage.common import SM, grant

NewUser = Callable[..., Awaitable[User]]


async def _admin(server: OurChatServer, new_user: NewUser) -> User:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    return admin


async def test_ban_ends_streams_refuses_tokens_and_auth_until_unbanned(
    server: OurChatServer, new_user: NewUser, connect: Callable[[], OurChatClient]
) -> None:
    admin = await _admin(server, new_user)
    bob = await new_user("bob")
    stream = Stream(bob.client)
    await stream.settle(0.1)

    await admin.client.server_ban(bob.id, reason="spam")

    await stream.wait_for(1)
    assert stream.error is not None
    assert (stream.error.code, stream.error.detail) == (
        grpc.StatusCode.UNAUTHENTICATED,
        details.USER_BANNED,
    )
    await expect_error(
        bob.client.get_account_info(), grpc.StatusCode.UNAUTHENTICATED, details.USER_BANNED
    )
    again = connect()
    await expect_error(
        again.login(PASSWORD, email=bob.email), grpc.StatusCode.UNAUTHENTICATED, details.USER_BANNED
    )
    # A wrong password is still just a wrong password: the ban is not revealed.
    await expect_error(
        again.login("not the password", email=bob.email),
        grpc.StatusCode.UNAUTHENTICATED,
        details.WRONG_PASSWORD,
    )

    await admin.client.server_unban(bob.id)
    await bob.client.get_account_info()
    await again.login(PASSWORD, email=bob.email)
    await expect_error(
        admin.client.server_unban(bob.id), grpc.StatusCode.NOT_FOUND, details.USER_NOT_BANNED
    )
    await stream.close()


async def test_a_timed_ban_lifts_itself_at_expiry(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    admin = await _admin(server, new_user)
    bob = await new_user("bob")
    await admin.client.server_ban(bob.id, duration_seconds=3600)
    clock.advance(3599)
    await expect_error(
        bob.client.get_account_info(), grpc.StatusCode.UNAUTHENTICATED, details.USER_BANNED
    )
    clock.advance(1)
    await bob.client.get_account_info()
    # An expired ban is no ban: UnbanUser has nothing to lift.
    await expect_error(
        admin.client.server_unban(bob.id), grpc.StatusCode.NOT_FOUND, details.USER_NOT_BANNED
    )


async def test_ban_refusals(server: OurChatServer, new_user: NewUser) -> None:
    admin = await _admin(server, new_user)
    bob = await new_user("bob")
    invalid = (grpc.StatusCode.INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE)
    for duration in (Duration(seconds=0), Duration(seconds=-5)):
        await expect_error(
            admin.client.call(SM + "BanUser", um.BanUserRequest(user_id=bob.id, duration=duration)),
            *invalid,
        )
    await expect_error(admin.client.server_ban(admin.id), *invalid)
    await expect_error(
        admin.client.server_ban(2**63 + 5), grpc.StatusCode.NOT_FOUND, details.USER_NOT_FOUND
    )
    await expect_error(
        admin.client.server_ban(123456), grpc.StatusCode.NOT_FOUND, details.USER_NOT_FOUND
    )
    # Nothing was banned by the refused calls.
    await bob.client.get_account_info()


async def test_rebanning_replaces_the_expiry(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    admin = await _admin(server, new_user)
    bob = await new_user("bob")
    await admin.client.server_ban(bob.id, duration_seconds=60)
    await admin.client.server_ban(bob.id)  # now until lifted
    clock.advance(120)
    await expect_error(
        bob.client.get_account_info(), grpc.StatusCode.UNAUTHENTICATED, details.USER_BANNED
    )
