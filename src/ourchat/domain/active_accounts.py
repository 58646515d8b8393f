"""A short-lived memory of accounts seen active, sparing a database read on most calls."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

DEFAULT_TTL_SECONDS = 1.0


class ActiveAccounts:
    """Which accounts were active within the last ``ttl`` seconds (this process only).

    Unregistering forgets the account here at once; another process may keep accepting its
    tokens for at most ``ttl`` seconds.
    """

    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        self._ttl = ttl
        self._until: dict[int, float] = {}
        self._checking: dict[int, asyncio.Future[str | None]] = {}

    def is_fresh(self, user_id: int) -> bool:
        """Whether ``user_id`` was seen active recently enough to skip the check."""
        until = self._until.get(user_id)
        if until is None:
            return False
        if until < time.monotonic():
            del self._until[user_id]
            return False
        return True

    async def check_once(
        self, user_id: int, check: Callable[[], Awaitable[str | None]]
    ) -> str | None:
        """``check()``'s answer (None: active); callers for a user being checked share it.

        The check runs as a task of its own, so a caller that gives up does not end it for the
        others. An active answer is remembered unless the account was forgotten meanwhile
        (then the next caller checks again).

        Raises:
            Exception: whatever ``check`` raised, for each caller that waited for it.
        """
        running = self._checking.get(user_id)
        if running is None:
            running = asyncio.ensure_future(check())
            self._checking[user_id] = running
            running.add_done_callback(lambda done: self._checked(user_id, done))
        return await asyncio.shield(running)

    def _checked(self, user_id: int, done: asyncio.Future[str | None]) -> None:
        current = self._checking.get(user_id) is done
        if current:
            del self._checking[user_id]
        if done.cancelled() or done.exception() is not None:
            return  # the exception is retrieved: a check whose callers all left logs nothing
        if current and done.result() is None:
            self.remember(user_id)

    def remember(self, user_id: int) -> None:
        """Record that ``user_id`` was just read as active."""
        if len(self._until) > 100_000:
            self._until.clear()
        self._until[user_id] = time.monotonic() + self._ttl

    def forget(self, user_id: int) -> None:
        """Drop ``user_id`` (its account changed); a check already running is not reused."""
        self._until.pop(user_id, None)
        self._checking.pop(user_id, None)
