"""Time source. All stored times are integer microseconds since the Unix epoch (UTC)."""

from __future__ import annotations

import time
from typing import Protocol

US_PER_SECOND = 1_000_000


class Clock(Protocol):
    """Something that tells the current time; tests inject a manual one."""

    def now_us(self) -> int:
        """Current time in microseconds since the epoch."""
        ...


class SystemClock:
    """The real wall clock."""

    def now_us(self) -> int:
        return time.time_ns() // 1000


class ManualClock:
    """A clock that only moves when told to (for tests of expiry)."""

    def __init__(self, start_us: int | None = None) -> None:
        self._now = start_us if start_us is not None else time.time_ns() // 1000

    def now_us(self) -> int:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self._now += int(seconds * US_PER_SECOND)
