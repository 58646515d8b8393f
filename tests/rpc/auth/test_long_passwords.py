"""Passwords of any length up to ``max_password_length`` (default 1,024 characters)."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable

import grpc

from ourchat import details
from ourchat.client import OurChatClient
from ourchat.config import Settings
from ourchat.domain.passwords import strength
from ourchat.server.app import OurChatServer
from tests.helpers import expect_error, public_key
from tests.rpc.auth.common import deps_of

Connect = Callable[[], OurChatClient]
WORDS = "correct horse battery staple orbit lantern meadow quiet "


def passphrase(length: int) -> str:
    """A passphrase of exactly ``length`` characters: words, then random characters."""
    tail = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))
    return (WORDS * (length // len(WORDS) + 1) + tail)[:length]


def random_text(length: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


async def register(client: OurChatClient, email: str, password: str) -> object:
    return await client.register(email, password, email.split("@")[0], public_key())


def test_the_default_limit_is_1024() -> None:
    assert Settings().max_password_length == 1024


async def test_long_passwords_register_and_log_in(server: OurChatServer, connect: Connect) -> None:
    client = connect()
    for n, length in enumerate((72, 73, 100, 500, 1024)):
        password = random_text(8) + passphrase(length - 8)
        await register(client, f"long{n}@example.com", password)
        await client.login(password, email=f"long{n}@example.com")
        await expect_error(
            client.login(password[:-1], email=f"long{n}@example.com"),
            grpc.StatusCode.UNAUTHENTICATED,
            details.WRONG_PASSWORD,
        )


async def test_past_the_limit_is_refused_plainly(server: OurChatServer, connect: Connect) -> None:
    client = connect()
    too_long = random_text(1025)
    await expect_error(
        register(client, "toolong@example.com", too_long),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.PASSWORD_TOO_LONG,
    )
    password = random_text(40)
    await register(client, "owner@example.com", password)
    # Not a failed attempt: the account is never locked by too-long passwords.
    for _ in range(8):
        await expect_error(
            client.login(too_long, email="owner@example.com"),
            grpc.StatusCode.INVALID_ARGUMENT,
            details.PASSWORD_TOO_LONG,
        )
    await client.login(password, email="owner@example.com")


async def test_the_limit_is_a_setting(server: OurChatServer, connect: Connect) -> None:
    deps_of(server).settings.max_password_length = 20
    client = connect()
    await expect_error(
        register(client, "short@example.com", random_text(21)),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.PASSWORD_TOO_LONG,
    )
    await register(client, "short@example.com", random_text(20))


async def test_strength_of_long_passwords_is_that_of_their_strongest_piece() -> None:
    assert await strength("a" * 1000, []) == 0
    assert await strength("abcde" * 200, []) <= 1
    assert await strength("a" * 300 + random_text(30), []) >= 3
    assert await strength(random_text(1024), []) == 4


async def test_a_long_weak_password_is_not_strong_enough(
    server: OurChatServer, connect: Connect
) -> None:
    await expect_error(
        register(connect(), "weak@example.com", "password" * 100),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.PASSWORD_NOT_STRONG,
    )
