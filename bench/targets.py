"""The targets of the benchmark issue, judged from a run's figures."""

from __future__ import annotations

from bench.modes import Mode
from bench.results import RunResult
from bench.stats import Target, at_least, at_most, below


def evaluate(result: RunResult, mode: Mode) -> list[Target]:
    """Each target of the issue, met or not, from the main figures."""

    def ratio_of(key: str) -> float:
        fig = result.figure(key)
        return fig.ratio if fig else float("nan")

    targets = [
        at_least("send", ratio_of("send_throughput"), 0.5, "Send throughput >= 50% of bare echo"),
    ]
    for size in mode.fanout_sizes:
        targets.append(
            at_least(
                f"fanout_{size}",
                ratio_of(f"fanout_{size}"),
                0.5,
                f"Fan-out to {size} members >= 50% of bare fan-out",
            )
        )
    for label in ("low", "half"):
        fig = result.figure(f"latency_{label}_p50")
        rate = f"{fig.extra.get('rate', 0):g} msg/s" if fig else label
        targets.append(
            at_most(
                f"latency_{label}_p50",
                ratio_of(f"latency_{label}_p50"),
                2.0,
                f"Latency p50 <= 2x bare at {rate}",
            )
        )
        targets.append(
            at_most(
                f"latency_{label}_p99",
                ratio_of(f"latency_{label}_p99"),
                3.0,
                f"Latency p99 <= 3x bare at {rate}",
            )
        )
    targets.append(at_most("rss", ratio_of("stream_rss"), 2.0, "Per-stream RSS <= 2x bare"))
    rss = result.figure("stream_rss")
    if rss is None:
        held = Target("streams", "10,000 streams held with no error", None, "no figure")
    else:
        streams = int(rss.extra.get("streams", 0))
        live = min(rss.extra.get("ourchat_live", [0]))
        failed = max(rss.extra.get("ourchat_failed", [0]))
        clean = live == streams and failed == 0
        enough = streams >= 10_000
        held = Target(
            "streams",
            "10,000 streams held with no error",
            (clean and enough) if enough else (None if clean else False),
            f"{streams:,} opened, {live:,} live, {streams - live:,} hung, {failed} failed "
            "(worst repetition)" + ("" if enough else "; quick mode: fewer than 10,000"),
        )
    targets.append(held)
    fig = result.figure("replay")
    targets.append(
        at_least(
            "replay",
            fig.ourchat_median if fig else float("nan"),
            50_000,
            "Replay >= 50,000 events/s",
            " events/s",
        )
    )
    targets.append(
        below("auth_burst", ratio_of("auth_burst_p99"), 2.0, "Auth burst raises SendMsg p99 < 2x")
    )
    for kind, name in (("send", "SendMsg"), ("ping", "Ping")):
        targets.append(
            at_most(
                f"abuse_{kind}",
                ratio_of(f"abuse_{kind}_p99"),
                2.0,
                f"One hostile account raises another's {name} p99 <= 2x",
            )
        )
    return targets
