"""A short-lived memory of accounts seen active, sparing a database read on most calls."""

from __future__ import annotations

import time

DEFAULT_TTL_SECONDS = 1.0


class ActiveAccounts:
    """Which accounts were active within the last ``ttl`` seconds (this process only).

    Unregistering forgets the account here at once; another process may keep accepting its
    tokens for at most ``ttl`` seconds.
    """

    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        self._ttl = ttl
        self._until: dict[int, float] = {}

    def is_fresh(self, user_id: int) -> bool:
        """Whether ``user_id`` was seen active recently enough to skip the check."""
        until = self._until.get(user_id)
        if until is None:
            return False
        if until < time.monotonic():
            del self._until[user_id]
            return False
        return True

    def remember(self, user_id: int) -> None:
        """Record that ``user_id`` was just read as active."""
        if len(self._until) > 100_000:
            self._until.clear()
        self._until[user_id] = time.monotonic() + self._ttl

    def forget(self, user_id: int) -> None:
        """Drop ``user_id`` (its account changed)."""
        self._until.pop(user_id, None)
