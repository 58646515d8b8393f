"""The targets of the benchmark, judged from a run's figures.

Most are ratios to the bare server in the same run. The PostgreSQL and ``--workers 2`` targets
compare those runs with the one-process SQLite (and PostgreSQL) figures; as they are measured
minutes apart on a shared machine, each side is first divided by its own bare counterpart of
the same moment, so what is compared is the ratio to bare, not drifting absolute rates.
"""

from __future__ import annotations

import math

from bench.modes import Mode
from bench.results import Figure, RunResult
from bench.stats import Target, at_least, at_most, below

SEND_RATIO = 0.6
FANOUT_RATIO = 0.7
#: (p50, p99) ceilings, as multiples of bare, at the low rate and at half the maximum.
LATENCY_LIMITS = {"low": (2.0, 3.0), "half": (3.0, 4.0)}
REPLAY_RATIO = 0.9
OPENS_RATIO = 0.7
IDLE_STREAMS = 50_000
RSS_RATIO = 1.25
POSTGRES_OF_SQLITE = 0.8
WORKERS_OF_ONE = 1.0
ONE_PORT_RATIO = 0.9
AUTH_BURST_RATIO = 2.0
ABUSE_RATIO = 2.0
#: Throughput figures a PostgreSQL or two-worker run is compared on.
COMPARED = ("send_throughput", "fanout_10", "fanout_100")


def _ratio(fig: Figure | None) -> float:
    return fig.ratio if fig else math.nan


def _compare(name: str, rule: str, run: Figure | None, base: Figure | None, limit: float) -> Target:
    """``run``'s ratio to bare over ``base``'s, at least ``limit``."""
    if run is None or base is None or math.isnan(run.ratio) or math.isnan(base.ratio):
        return Target(name, rule, None, "no figure")
    value = run.ratio / base.ratio if base.ratio else math.nan
    detail = (
        f"{value:.3g} (needs >= {limit:.3g}): {run.ourchat_median:,.0f} {run.unit} at "
        f"{run.ratio:.2f}x bare vs {base.ourchat_median:,.0f} at {base.ratio:.2f}x bare"
    )
    return Target(name, rule, None if math.isnan(value) else value >= limit, detail)


def _held(result: RunResult) -> list[Target]:
    rss = result.figure("stream_rss")
    rule = f"{IDLE_STREAMS:,} idle streams held in one process, RSS/stream <= {RSS_RATIO}x bare"
    if rss is None:
        return [Target("streams", rule, None, "no figure")]
    streams = int(rss.extra.get("streams", 0))
    live = min(rss.extra.get("ourchat_live", [0]))
    failed = max(rss.extra.get("ourchat_failed", [0]))
    clean = live == streams and failed == 0
    enough = streams >= IDLE_STREAMS
    ratio = rss.ratio
    small = not math.isnan(ratio) and ratio <= RSS_RATIO
    met = (clean and small) if enough else (None if clean and small else False)
    detail = (
        f"{streams:,} opened, {live:,} live, {streams - live:,} hung, {failed} failed "
        f"(worst repetition); {ratio:.3g}x bare per stream (needs <= {RSS_RATIO})"
        + ("" if enough else f"; fewer than {IDLE_STREAMS:,} streams in this mode")
    )
    return [Target("streams", rule, met, detail)]


def _storm(result: RunResult) -> Target:
    rule = "Reconnect storm: 0 % of the streams hung"
    fig = result.figure("stream_storm")
    if fig is None or not fig.ourchat:
        return Target("storm", rule, None, "no figure (full runs only)")
    hung = fig.ourchat_median
    opened, held = (fig.extra.get("ourchat") or [0, 0])[:2]
    return Target("storm", rule, hung == 0, f"{hung:.3g} % hung ({held:,} of {opened:,} held)")


def evaluate(result: RunResult, mode: Mode) -> list[Target]:
    """Each target, met or not, from the figures of ``result``."""

    def fig(key: str) -> Figure | None:
        return result.figure(key)

    targets = [
        at_least(
            "send",
            _ratio(fig("send_throughput")),
            SEND_RATIO,
            f"SendMsg/s >= {SEND_RATIO} of bare echo",
        ),
    ]
    for size in mode.fanout_sizes:
        targets.append(
            at_least(
                f"fanout_{size}",
                _ratio(fig(f"fanout_{size}")),
                FANOUT_RATIO,
                f"Fan-out to {size} members >= {FANOUT_RATIO} of bare fan-out",
            )
        )
    for label, (p50_limit, p99_limit) in LATENCY_LIMITS.items():
        p50 = fig(f"latency_{label}_p50")
        rate = f"{p50.extra.get('rate', 0):g} msg/s" if p50 else label
        for q, limit in (("p50", p50_limit), ("p99", p99_limit)):
            targets.append(
                at_most(
                    f"latency_{label}_{q}",
                    _ratio(fig(f"latency_{label}_{q}")),
                    limit,
                    f"Latency {q} <= {limit:g}x bare at {rate}",
                )
            )
    targets.append(
        at_least("replay", _ratio(fig("replay")), REPLAY_RATIO, f"Replay >= {REPLAY_RATIO} of bare")
    )
    targets.append(
        at_least(
            "stream_opens",
            _ratio(fig("stream_opens")),
            OPENS_RATIO,
            f"New FetchMsgs streams/s >= {OPENS_RATIO} of bare",
        )
    )
    targets.append(_storm(result))
    targets += _held(result)
    targets.append(
        below(
            "auth_burst",
            _ratio(fig("auth_burst_p99")),
            AUTH_BURST_RATIO,
            f"Auth burst raises SendMsg p99 < {AUTH_BURST_RATIO:g}x",
        )
    )
    for kind, name in (("send", "SendMsg"), ("ping", "Ping")):
        targets.append(
            at_most(
                f"abuse_{kind}",
                _ratio(fig(f"abuse_{kind}_p99")),
                ABUSE_RATIO,
                f"One hostile account raises another's {name} p99 <= {ABUSE_RATIO:g}x",
            )
        )
    targets.append(
        at_least(
            "one_port",
            _ratio(fig("oneport_send")),
            ONE_PORT_RATIO,
            f"One-port native SendMsg/s within {1 - ONE_PORT_RATIO:.0%} of grpcio direct",
        )
    )
    web = fig("grpc_web_unary")
    targets.append(
        Target(
            "grpc_web_unary",
            "gRPC-Web unary calls/s reported beside native",
            None if web is None or math.isnan(web.ratio) else True,
            "no figure"
            if web is None
            else f"{web.ourchat_median:,.0f} calls/s gRPC-Web, {web.bare_median:,.0f} native "
            f"({web.ratio:.2f}x)",
        )
    )
    if mode.extended:
        info = {f.key: f for f in result.informational}
        for key in COMPARED:
            targets.append(
                _compare(
                    f"pg_{key}",
                    f"PostgreSQL {key} >= {POSTGRES_OF_SQLITE} of SQLite (ratios to bare)",
                    info.get(f"pg_{key}"),
                    fig(key),
                    POSTGRES_OF_SQLITE,
                )
            )
        for key in COMPARED:
            targets.append(
                _compare(
                    f"w2_{key}",
                    f"--workers 2 + Redis {key} >= one worker on PostgreSQL (ratios to bare)",
                    info.get(f"w2_{key}"),
                    info.get(f"pg_{key}"),
                    WORKERS_OF_ONE,
                )
            )
    return targets
