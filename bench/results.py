"""What a run measured: one :class:`Figure` per number, each beside its bare counterpart."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.stats import median, ratio


@dataclass
class Figure:
    """One measured number for ourchat and the same for the bare server, per repetition.

    Args:
        key: stable name in the JSON result, e.g. ``send_throughput``.
        title: what it is, for people.
        unit: the unit of ``ourchat`` and ``bare``.
        higher_is_better: whether a larger ratio is the better one.
        ourchat: ourchat's value in each repetition.
        bare: the bare server's value in each repetition (empty if it has no counterpart).
        baseline_label: what ``bare`` is, when it is not the bare server (figure 6).
        notes: how it was measured, anything unusual.
        extra: further details (error counts, settings, percentile curves).
    """

    key: str
    title: str
    unit: str
    higher_is_better: bool
    ourchat: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    baseline_label: str = "bare"
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ourchat_median(self) -> float:
        """Median of ourchat's repetitions."""
        return median(self.ourchat)

    @property
    def bare_median(self) -> float:
        """Median of the counterpart's repetitions."""
        return median(self.bare)

    @property
    def ratio(self) -> float:
        """ourchat's median over the counterpart's median."""
        return ratio(self.ourchat_median, self.bare_median)

    def to_json(self) -> dict[str, Any]:
        """The figure with its medians and ratio, NaN as None."""
        data = asdict(self)
        data.update(
            ourchat_median=self.ourchat_median,
            bare_median=self.bare_median,
            ratio=self.ratio,
        )
        cleaned: dict[str, Any] = _clean(data)
        return cleaned


def _clean(value: Any) -> Any:
    """Replace NaN and infinities by None, recursively (JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def clean_json(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None, ready for ``json.dumps``."""
    return _clean(value)


@dataclass
class RunResult:
    """Everything a run produced."""

    mode: str
    environment: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    informational: list[Figure] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def figure(self, key: str) -> Figure | None:
        """The main figure named ``key``, if measured."""
        return next((f for f in self.figures if f.key == key), None)

    def to_json(self) -> dict[str, Any]:
        """The whole result as plain JSON data."""
        data: dict[str, Any] = clean_json(
            {
                "mode": self.mode,
                "environment": self.environment,
                "figures": [f.to_json() for f in self.figures],
                "informational": [f.to_json() for f in self.informational],
                "targets": self.targets,
                "problems": self.problems,
            }
        )
        return data
