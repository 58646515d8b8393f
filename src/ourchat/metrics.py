"""Prometheus metrics of this process (served at ``/metrics``).

Under ``ourchat serve --workers N`` every worker writes its samples to the directory named by
``PROMETHEUS_MULTIPROC_DIR`` (set by the parent), and :func:`exposition` on any worker reports
the sum over all live workers.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

RPCS = Counter("ourchat_rpcs_total", "RPCs finished, by method and status code", ["method", "code"])
RPC_SECONDS = Histogram(
    "ourchat_rpc_duration_seconds",
    "Time to answer RPCs, by method and status code",
    ["method", "code"],
)
OPEN_STREAMS = Gauge("ourchat_open_streams", "Open FetchMsgs streams", multiprocess_mode="livesum")
EVENTS_DELIVERED = Counter("ourchat_events_delivered_total", "Events written to FetchMsgs streams")
BUS_LAG_SECONDS = Histogram(
    "ourchat_bus_lag_seconds",
    "Time from PUBLISH on any process to delivery to this process's streams (Redis bus)",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
BUS_EVENTS = Counter(
    "ourchat_bus_events_received_total", "Events received from the Redis bus by this process"
)
BUS_CONNECTED = Gauge(
    "ourchat_bus_connected",
    "1 while the Redis bus subscriber is confirmed, else 0 (lowest over workers)",
    multiprocess_mode="livemin",
)
BUS_DISCONNECTS = Counter(
    "ourchat_bus_disconnects_total", "Times the Redis bus subscriber lost its connection"
)


def observe_ok(method: str, seconds: float) -> None:
    """Count a successful RPC and its latency."""
    RPCS.labels(method, "OK").inc()
    RPC_SECONDS.labels(method, "OK").observe(seconds)


def observe_error(method: str, code: str, seconds: float | None = None) -> None:
    """Count a failed RPC by its status code name (``"NOT_FOUND"``), and its latency when known."""
    RPCS.labels(method, code).inc()
    if seconds is not None:
        RPC_SECONDS.labels(method, code).observe(seconds)


def observe_bus_event(lag_seconds: float) -> None:
    """Count an event received from the bus and how long it travelled."""
    BUS_EVENTS.inc()
    BUS_LAG_SECONDS.observe(lag_seconds)


def observe_bus_connection(connected: bool) -> None:
    """Record the bus subscriber's state."""
    BUS_CONNECTED.set(1 if connected else 0)
    if not connected:
        BUS_DISCONNECTS.inc()


def exposition_registry() -> CollectorRegistry:
    """The registry ``/metrics`` should expose: this process's, or all workers' when several."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def exposition() -> tuple[bytes, str]:
    """The text exposition for ``/metrics`` and its content type (all workers when several)."""
    return generate_latest(exposition_registry()), CONTENT_TYPE_LATEST
