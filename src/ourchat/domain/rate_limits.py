"""Per-user and per-address rate limits: token buckets kept in this process's memory.

Each limit is a sustained rate (per minute) and a burst: a key (a user id, a client address)
may make ``burst`` calls at once and then one more every ``60 / per_minute`` seconds. A rate of 0
turns the limit off. With several processes each keeps its own buckets, so a client spread over
N processes gets up to N times the limit; the defaults are far above what a person does, and the
limits are there to keep one account or one address from taking the server for itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from ourchat import details
from ourchat.config import Settings
from ourchat.errors import ResourceExhausted

#: Buckets kept before the full (idle) ones are forgotten.
MAX_KEYS = 100_000


class TokenBucket:
    """``burst`` calls at once per key, refilled at ``per_minute`` calls per minute."""

    def __init__(
        self,
        per_minute: float,
        burst: int,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_minute / 60.0
        self.burst = max(1, burst)
        self._now = now
        self._buckets: dict[Hashable, tuple[float, float]] = {}

    @property
    def enabled(self) -> bool:
        """Whether the limit applies at all."""
        return self.per_second > 0

    def allow(self, key: Hashable) -> bool:
        """Take one call for ``key``; False when its bucket is empty."""
        if not self.enabled:
            return True
        now = self._now()
        tokens, since = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - since) * self.per_second)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        if len(self._buckets) >= MAX_KEYS and key not in self._buckets:
            self._forget_full(now)
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled (they hold nothing worth keeping)."""
        full = [
            k
            for k, (tokens, since) in self._buckets.items()
            if tokens + (now - since) * self.per_second >= self.burst
        ]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= MAX_KEYS:  # nobody is full: start over rather than grow
            self._buckets.clear()


@dataclass
class RateLimits:
    """The limits one server process enforces."""

    sends: TokenBucket = field(default_factory=lambda: TokenBucket(0, 1))
    auth_calls: TokenBucket = field(default_factory=lambda: TokenBucket(0, 1))

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        """The limits configured by ``settings``."""
        return cls(
            sends=TokenBucket(
                settings.send_msgs_per_user_per_minute, settings.send_msgs_per_user_burst
            ),
            auth_calls=TokenBucket(
                settings.auth_calls_per_address_per_minute, settings.auth_calls_per_address_burst
            ),
        )

    def check_send(self, user_id: int) -> None:
        """One SendMsg by ``user_id``.

        Raises:
            ResourceExhausted: "Too Many Requests" past the per-user send limit.
        """
        if not self.sends.allow(user_id):
            raise ResourceExhausted(details.TOO_MANY_REQUESTS)

    def check_auth_call(self, address: str) -> None:
        """One Register, Auth or Verify from ``address`` ("" when unknown: not limited).

        Raises:
            ResourceExhausted: "Too Many Requests" past the per-address limit.
        """
        if address and not self.auth_calls.allow(address):
            raise ResourceExhausted(details.TOO_MANY_REQUESTS)
