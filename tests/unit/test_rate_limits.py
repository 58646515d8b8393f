"""Token buckets: a burst at once, then the sustained rate; keys are independent."""

from __future__ import annotations

from ourchat.domain.rate_limits import TokenBucket


def test_a_burst_then_the_sustained_rate_per_key() -> None:
    now = [100.0]
    bucket = TokenBucket(per_minute=60, burst=3, now=lambda: now[0])
    assert [bucket.allow("a") for _ in range(4)] == [True, True, True, False]
    assert bucket.allow("b")
    now[0] += 0.5
    assert not bucket.allow("a")
    now[0] += 0.5  # one second: one call back
    assert bucket.allow("a")
    assert not bucket.allow("a")
    now[0] += 3600  # never more than the burst
    assert [bucket.allow("a") for _ in range(4)] == [True, True, True, False]


def test_a_rate_of_zero_is_no_limit() -> None:
    bucket = TokenBucket(per_minute=0, burst=1)
    assert not bucket.enabled
    assert all(bucket.allow("a") for _ in range(1000))
