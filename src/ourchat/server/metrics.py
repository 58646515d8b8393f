"""Prometheus metrics of this process (served on the HTTP port at ``/metrics``)."""

from __future__ import annotations

import grpc
from prometheus_client import Counter, Gauge, Histogram

RPCS = Counter("ourchat_rpcs_total", "RPCs finished, by method and status code", ["method", "code"])
RPC_SECONDS = Histogram(
    "ourchat_rpc_duration_seconds", "Time to answer successful RPCs", ["method"]
)
OPEN_STREAMS = Gauge("ourchat_open_streams", "Open FetchMsgs streams in this process")
EVENTS_DELIVERED = Counter("ourchat_events_delivered_total", "Events written to FetchMsgs streams")


def observe_ok(method: str, seconds: float) -> None:
    """Count a successful RPC and its latency."""
    RPCS.labels(method, "OK").inc()
    RPC_SECONDS.labels(method).observe(seconds)


def observe_error(method: str, code: grpc.StatusCode) -> None:
    """Count a failed RPC."""
    RPCS.labels(method, code.name).inc()
