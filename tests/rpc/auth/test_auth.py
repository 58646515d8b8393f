"""AuthService.Auth: login by email or ocid, the lock counter in the database, verification."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import grpc
import jwt

from ourchat import details
from ourchat._pb.service.auth.authorize.v1.authorize_pb2 import AuthRequest
from ourchat._pb.service.ourchat.unregister.v1.unregister_pb2 import UnregisterRequest
from ourchat.client import OurChatClient
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.server.app import OurChatServer
from tests.helpers import PASSWORD, User, expect_error, public_key
from tests.rpc.auth.common import (
    FIVE_DAYS_S,
    deps_of,
    outcome,
    set_user_fields,
    token_claims,
    user_row,
)

Connect = Callable[[], OurChatClient]
NewUser = Callable[..., Awaitable[User]]
WRONG = "not the password at all"


def login(client: OurChatClient, user: User, password: str = PASSWORD) -> Awaitable[object]:
    """Auth by e-mail."""
    return client.login(password, email=user.email)


async def failure_columns(server: OurChatServer, user: User) -> tuple[int, int | None]:
    """``(failed_logins, failed_login_since)`` of one user."""
    row = await user_row(server, user.id)
    assert row is not None
    return row["failed_logins"], row["failed_login_since"]


def lock_after(server: OurChatServer, attempts: int, seconds: int) -> None:
    """Change the lock settings of the running server."""
    settings = deps_of(server).settings
    settings.lock_account_after_failed_logins = attempts
    settings.lock_account_duration_seconds = seconds


async def test_login_by_email_and_by_ocid(
    server: OurChatServer, connect: Connect, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    clock.advance(60)
    for response in (
        await connect().login(PASSWORD, email=alice.email),
        await connect().login(PASSWORD, ocid=alice.ocid),
    ):
        assert (response.id, response.ocid) == (alice.id, alice.ocid)
        assert jwt.get_unverified_header(response.token) == {"alg": "HS256", "typ": "JWT"}
        assert token_claims(server, response.token) == {
            "id": alice.id,
            "exp": clock.now_us() // US_PER_SECOND + FIVE_DAYS_S,
        }


async def test_the_login_token_is_accepted_by_authenticated_calls(
    connect: Connect, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    client = connect()
    await client.login(PASSWORD, ocid=alice.ocid)
    await client.call("Unregister", UnregisterRequest())
    await expect_error(
        client.call("Unregister", UnregisterRequest()),
        grpc.StatusCode.UNAUTHENTICATED,
        details.ACCOUNT_DELETED,
    )


async def test_missing_auth_type(connect: Connect) -> None:
    await expect_error(
        connect().call("Auth", AuthRequest(password=PASSWORD)),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.MISSING_AUTH_TYPE,
    )


async def test_unknown_account_is_not_found(connect: Connect, new_user: NewUser) -> None:
    alice = await new_user("alice")
    client = connect()
    for kwargs in (
        {"email": "nobody@example.com"},
        {"ocid": "nobody0000"},
        {"email": alice.email.upper()},  # e-mail match is exact
        {"ocid": alice.ocid + "0"},
        {"email": ""},
        {"ocid": ""},
    ):
        await expect_error(
            client.login(PASSWORD, **kwargs),
            grpc.StatusCode.NOT_FOUND,
            details.USER_NOT_FOUND,
        )


async def test_wrong_password_is_counted_in_the_database(
    server: OurChatServer, connect: Connect, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    bob = await new_user("bob")
    client = connect()
    first_failure = clock.now_us()
    await expect_error(
        login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
    )
    assert await failure_columns(server, alice) == (1, first_failure)
    clock.advance(30)
    await expect_error(
        client.login(WRONG, ocid=alice.ocid),
        grpc.StatusCode.UNAUTHENTICATED,
        details.WRONG_PASSWORD,
    )
    # The window is measured from the first failure.
    assert await failure_columns(server, alice) == (2, first_failure)
    assert await failure_columns(server, bob) == (0, None)


async def test_account_locks_after_the_limit_even_for_the_right_password(
    server: OurChatServer, connect: Connect, new_user: NewUser, clock: ManualClock
) -> None:
    lock_after(server, 3, 600)
    alice = await new_user("alice")
    bob = await new_user("bob")
    client = connect()
    start = clock.now_us()
    for _ in range(3):
        await expect_error(
            login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
        )
        clock.advance(10)
    for password in (WRONG, PASSWORD):
        await expect_error(
            login(client, alice, password),
            grpc.StatusCode.UNAUTHENTICATED,
            details.ACCOUNT_LOCKED,
        )
        await expect_error(
            client.login(password, ocid=alice.ocid),
            grpc.StatusCode.UNAUTHENTICATED,
            details.ACCOUNT_LOCKED,
        )
    # Locked attempts are not counted; other accounts are unaffected.
    assert await failure_columns(server, alice) == (3, start)
    await login(client, bob)


async def test_lock_ends_when_the_window_since_the_first_failure_passes(
    server: OurChatServer, connect: Connect, new_user: NewUser, clock: ManualClock
) -> None:
    lock_after(server, 3, 600)
    alice = await new_user("alice")
    client = connect()
    await expect_error(
        login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
    )
    clock.advance(300)
    for _ in range(2):
        await expect_error(
            login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
        )
    clock.advance(299)  # 599 s after the first failure
    await expect_error(
        login(client, alice), grpc.StatusCode.UNAUTHENTICATED, details.ACCOUNT_LOCKED
    )
    clock.advance(1)  # 600 s: the window is over
    await login(client, alice)
    assert await failure_columns(server, alice) == (0, None)


async def test_a_failure_after_the_window_starts_a_new_count(
    server: OurChatServer, connect: Connect, new_user: NewUser, clock: ManualClock
) -> None:
    lock_after(server, 3, 600)
    alice = await new_user("alice")
    client = connect()
    for _ in range(3):
        await expect_error(
            login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
        )
    clock.advance(600)
    await expect_error(
        login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
    )
    assert await failure_columns(server, alice) == (1, clock.now_us())
    await login(client, alice)


async def test_success_clears_the_counter(
    server: OurChatServer, connect: Connect, new_user: NewUser
) -> None:
    lock_after(server, 3, 600)
    alice = await new_user("alice")
    client = connect()
    for _ in range(2):
        await expect_error(
            login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
        )
    await login(client, alice)
    assert await failure_columns(server, alice) == (0, None)
    for _ in range(2):
        await expect_error(
            login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
        )
    await login(client, alice)  # not locked: only 2 failures since the last success


async def test_zero_disables_locking(
    server: OurChatServer, connect: Connect, new_user: NewUser
) -> None:
    lock_after(server, 0, 600)
    alice = await new_user("alice")
    client = connect()
    for _ in range(8):
        await expect_error(
            login(client, alice, WRONG), grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD
        )
    await login(client, alice)


async def test_concurrent_guesses_cannot_pass_the_limit(
    server: OurChatServer, connect: Connect, new_user: NewUser
) -> None:
    lock_after(server, 3, 600)
    alice = await new_user("alice")
    client = connect()
    outcomes = await asyncio.gather(*(outcome(login(client, alice, WRONG)) for _ in range(12)))
    wrong = (grpc.StatusCode.UNAUTHENTICATED, details.WRONG_PASSWORD)
    locked = (grpc.StatusCode.UNAUTHENTICATED, details.ACCOUNT_LOCKED)
    assert sorted(outcomes, key=str) == sorted([wrong] * 3 + [locked] * 9, key=str)
    failed_logins, _ = await failure_columns(server, alice)
    assert failed_logins == 3


async def test_an_account_without_password_cannot_log_in(
    server: OurChatServer, connect: Connect, new_user: NewUser
) -> None:
    alice = await new_user("alice")
    await set_user_fields(server, alice.id, passwd=None)
    for password in (PASSWORD, ""):
        await expect_error(
            login(connect(), alice, password),
            grpc.StatusCode.UNAUTHENTICATED,
            details.WRONG_PASSWORD,
        )


async def test_email_verification_gates_auth_before_password_and_lock(
    server: OurChatServer, connect: Connect, clock: ManualClock
) -> None:
    settings = deps_of(server).settings
    settings.require_email_verification = True
    lock_after(server, 1, 600)
    client = connect()
    registered = await client.register("alice@example.com", PASSWORD, "alice", public_key())
    assert registered.token == ""
    for password in (PASSWORD, WRONG, WRONG):
        await expect_error(
            client.login(password, email="alice@example.com"),
            grpc.StatusCode.UNAUTHENTICATED,
            details.EMAIL_NOT_VERIFIED,
        )
        await expect_error(
            client.login(password, ocid=registered.ocid),
            grpc.StatusCode.UNAUTHENTICATED,
            details.EMAIL_NOT_VERIFIED,
        )
    row = await user_row(server, registered.id)
    assert row is not None
    assert (row["failed_logins"], row["email_verified"]) == (0, False)

    await set_user_fields(server, registered.id, email_verified=True)
    response = await client.login(PASSWORD, email="alice@example.com")
    assert token_claims(server, response.token)["id"] == registered.id

    # Without the requirement an unverified address is no obstacle.
    await set_user_fields(server, registered.id, email_verified=False)
    settings.require_email_verification = False
    await client.login(PASSWORD, email="alice@example.com")


async def test_unregistered_account_is_not_found_under_both_policies(
    server: OurChatServer, connect: Connect, new_user: NewUser
) -> None:
    settings = deps_of(server).settings
    for policy in ("disable", "delete"):
        settings.unregister_policy = policy  # type: ignore[assignment]
        user = await new_user(policy)
        await user.client.call("Unregister", UnregisterRequest())
        for kwargs in ({"email": user.email}, {"ocid": user.ocid}):
            await expect_error(
                connect().login(PASSWORD, **kwargs),
                grpc.StatusCode.NOT_FOUND,
                details.USER_NOT_FOUND,
            )
