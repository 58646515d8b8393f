"""Small statistics for the benchmark: percentiles, medians of repetitions, ratios, targets."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``samples``, linearly interpolated.

    Returns NaN for no samples.
    """
    if not samples:
        return math.nan
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(samples_s: Sequence[float]) -> dict[str, float]:
    """p50, p90, p99, max and count of latencies given in seconds, reported in milliseconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "p50_ms": percentile(ms, 50),
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else math.nan,
        "count": float(len(ms)),
    }


def median(values: Sequence[float]) -> float:
    """The median of repetitions, ignoring NaN; NaN when nothing is left."""
    kept = [v for v in values if not math.isnan(v)]
    return statistics.median(kept) if kept else math.nan


def ratio(value: float, bare: float) -> float:
    """``value / bare``, NaN when either is missing or ``bare`` is zero."""
    if math.isnan(value) or math.isnan(bare) or bare == 0:
        return math.nan
    return value / bare


@dataclass(frozen=True)
class Target:
    """One target of the issue, checked against measured figures."""

    name: str
    rule: str
    met: bool | None
    detail: str

    def verdict(self) -> str:
        """``met``, ``not met`` or ``not measured``."""
        if self.met is None:
            return "not measured"
        return "met" if self.met else "not met"


def at_least(name: str, value: float, limit: float, rule: str, unit: str = "") -> Target:
    """A target met when ``value >= limit``."""
    if math.isnan(value):
        return Target(name, rule, None, "no figure")
    return Target(name, rule, value >= limit, f"{value:.3g}{unit} (needs >= {limit:.3g}{unit})")


def at_most(name: str, value: float, limit: float, rule: str, unit: str = "") -> Target:
    """A target met when ``value <= limit``."""
    if math.isnan(value):
        return Target(name, rule, None, "no figure")
    return Target(name, rule, value <= limit, f"{value:.3g}{unit} (needs <= {limit:.3g}{unit})")


def below(name: str, value: float, limit: float, rule: str, unit: str = "") -> Target:
    """A target met when ``value < limit``."""
    if math.isnan(value):
        return Target(name, rule, None, "no figure")
    return Target(name, rule, value < limit, f"{value:.3g}{unit} (needs < {limit:.3g}{unit})")
