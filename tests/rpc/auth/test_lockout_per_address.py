"""Failed logins lock the (account, client address) pair; many addresses lock the account."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
import pytest

from ourchat import details
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.deps import Deps
from ourchat.domain import accounts
from ourchat.errors import OurChatError
from ourchat.server.app import OurChatServer
from ourchat.storage import login_failures
from tests.helpers import PASSWORD, User, expect_error
from tests.rpc.auth.common import deps_of

NewUser = Callable[..., Awaitable[User]]
WRONG = "not the password at all"
OWNER_ADDRESS = "198.51.100.7"
STRANGER = "203.0.113.9"
LOCKED = ("UNAUTHENTICATED", details.ACCOUNT_LOCKED)
WRONG_ANSWER = ("UNAUTHENTICATED", details.WRONG_PASSWORD)


async def attempt(deps: Deps, user: User, password: str, address: str) -> tuple[str, str]:
    """One login from ``address``: ``("OK", "")`` or the refusal's code name and detail."""
    try:
        await accounts.login(deps, email=user.email, password=password, address=address)
    except OurChatError as exc:
        return exc.code.name, exc.detail
    return "OK", ""


def test_defaults() -> None:
    settings = Settings()
    assert settings.lock_account_after_failed_logins == 5
    assert settings.lock_account_after_failed_logins_per_account == 100


async def test_a_strangers_failures_do_not_lock_the_owner_out(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = deps_of(server)
    alice = await new_user("alice")
    answers = [await attempt(deps, alice, WRONG, STRANGER) for _ in range(8)]
    assert answers == [WRONG_ANSWER] * 5 + [LOCKED] * 3
    # The stranger is locked out even with the right password; the owner is not.
    assert await attempt(deps, alice, PASSWORD, STRANGER) == LOCKED
    assert await attempt(deps, alice, PASSWORD, OWNER_ADDRESS) == ("OK", "")
    # The owner's success does not unlock the stranger.
    assert await attempt(deps, alice, PASSWORD, STRANGER) == LOCKED
    async with deps.db.read() as conn:
        assert (await login_failures.counted(conn, alice.id, STRANGER))[0] == 5
        assert await login_failures.counted(conn, alice.id, OWNER_ADDRESS) == (0, None)


async def test_many_addresses_still_lock_the_account(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    deps = deps_of(server)
    deps.settings.lock_account_after_failed_logins_per_account = 12
    alice, bob = await new_user("alice"), await new_user("bob")
    addresses = [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(20)]
    answers = [await attempt(deps, alice, WRONG, a) for a in addresses]
    assert answers == [WRONG_ANSWER] * 12 + [LOCKED] * 8
    # Now the owner is locked out too (the price of stopping distributed guessing) ...
    assert await attempt(deps, alice, PASSWORD, OWNER_ADDRESS) == LOCKED
    # ... other accounts are not ...
    assert await attempt(deps, bob, PASSWORD, addresses[0]) == ("OK", "")
    # ... and the lock ends with the window.
    clock.advance(deps.settings.lock_account_duration_seconds)
    assert await attempt(deps, alice, PASSWORD, OWNER_ADDRESS) == ("OK", "")


async def test_zero_turns_each_lock_off(server: OurChatServer, new_user: NewUser) -> None:
    deps = deps_of(server)
    deps.settings.lock_account_after_failed_logins = 0
    deps.settings.lock_account_after_failed_logins_per_account = 3
    alice = await new_user("alice")
    assert [await attempt(deps, alice, WRONG, STRANGER) for _ in range(4)] == [WRONG_ANSWER] * 3 + [
        LOCKED
    ]
    deps.settings.lock_account_after_failed_logins_per_account = 0
    assert [await attempt(deps, alice, WRONG, STRANGER) for _ in range(10)] == [WRONG_ANSWER] * 10


async def test_over_the_wire_the_peer_address_is_the_one_locked(
    server: OurChatServer, new_user: NewUser
) -> None:
    """Auth counts the caller's address: locked from 127.0.0.1, open from elsewhere."""
    deps = deps_of(server)
    deps.settings.lock_account_after_failed_logins = 2
    alice = await new_user("alice")
    client = alice.client
    for _ in range(2):
        await expect_error(
            client.login(WRONG, email=alice.email),
            grpc.StatusCode.UNAUTHENTICATED,
            details.WRONG_PASSWORD,
        )
    await expect_error(
        client.login(PASSWORD, email=alice.email),
        grpc.StatusCode.UNAUTHENTICATED,
        details.ACCOUNT_LOCKED,
    )
    async with deps.db.read() as conn:
        assert (await login_failures.counted(conn, alice.id, "127.0.0.1"))[0] == 2
    assert await attempt(deps, alice, PASSWORD, OWNER_ADDRESS) == ("OK", "")


@pytest.mark.parametrize("limit", [1])
async def test_rows_of_past_windows_are_removed(
    server: OurChatServer, new_user: NewUser, clock: ManualClock, limit: int
) -> None:
    deps = deps_of(server)
    alice = await new_user("alice")
    for i in range(5):
        await attempt(deps, alice, WRONG, f"192.0.2.{i + 1}")
    clock.advance(deps.settings.lock_account_duration_seconds)
    await attempt(deps, alice, WRONG, "192.0.2.200")
    async with deps.db.read() as conn:
        assert [
            (await login_failures.counted(conn, alice.id, f"192.0.2.{i + 1}"))[0] for i in range(5)
        ] == [0] * 5
        assert (await login_failures.counted(conn, alice.id, "192.0.2.200"))[0] == limit
