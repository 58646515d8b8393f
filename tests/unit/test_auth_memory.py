"""What authentication remembers: verified tokens (which still expire), one account check."""

from __future__ import annotations

import asyncio

import pytest

from ourchat import details
from ourchat.clock import ManualClock
from ourchat.domain.active_accounts import ActiveAccounts
from ourchat.domain.tokens import TokenIssuer
from ourchat.errors import Unauthenticated


def test_a_remembered_token_still_expires_and_a_bad_one_is_never_remembered() -> None:
    clock = ManualClock()
    issuer = TokenIssuer("s" * 32, 60, clock)
    token = issuer.issue(7)
    assert issuer.verify(token) == 7
    assert issuer.verify(token) == 7
    clock.advance(61)
    with pytest.raises(Unauthenticated) as expired:
        issuer.verify(token)
    assert expired.value.detail == details.TOKEN_EXPIRED
    forged = TokenIssuer("o" * 32, 60, clock).issue(7)
    for _ in range(2):
        with pytest.raises(Unauthenticated) as invalid:
            issuer.verify(forged)
        assert invalid.value.detail == details.TOKEN_INVALID


async def test_callers_of_one_account_share_one_check_and_an_active_answer_is_kept() -> None:
    accounts = ActiveAccounts(ttl=60)
    release = asyncio.Event()
    calls = 0

    async def check() -> str | None:
        nonlocal calls
        calls += 1
        await release.wait()
        return None

    waiting = [asyncio.create_task(accounts.check_once(1, check)) for _ in range(5)]
    await asyncio.sleep(0)
    waiting[0].cancel()  # one caller giving up ends the check for nobody else
    release.set()
    answers = await asyncio.gather(*waiting, return_exceptions=True)
    assert calls == 1
    assert isinstance(answers[0], asyncio.CancelledError)
    assert answers[1:] == [None] * 4
    assert accounts.is_fresh(1)


async def test_a_refusal_is_shared_but_not_kept_and_forgetting_starts_a_new_check() -> None:
    accounts = ActiveAccounts(ttl=60)
    release = asyncio.Event()
    answers = iter(["User Banned", None, None])
    calls = 0

    async def check() -> str | None:
        nonlocal calls
        calls += 1
        await release.wait()
        return next(answers)

    first = [asyncio.create_task(accounts.check_once(2, check)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*first) == ["User Banned"] * 3
    assert not accounts.is_fresh(2)
    release.clear()
    before = asyncio.create_task(accounts.check_once(2, check))
    await asyncio.sleep(0)
    accounts.forget(2)  # the account changed while it was being read
    after = asyncio.create_task(accounts.check_once(2, check))
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(before, after) == [None, None]
    assert calls == 3
    assert accounts.is_fresh(2)  # from the check that began after forgetting
