"""The grpcio server's options follow the settings: accept backlog and keepalive."""

from __future__ import annotations

from ourchat.config import Settings
from ourchat.server.app import grpc_options


def test_defaults_let_a_burst_wait_and_notice_dead_connections() -> None:
    options = dict(grpc_options(Settings()))
    # grpcio's defaults start dropping waiting calls past 1,000 and cancel them after 30 s.
    assert options["grpc.server.max_pending_requests"] == 100_000
    assert options["grpc.server.max_pending_requests_hard_limit"] == 100_000
    assert options["grpc.server_max_unrequested_time_in_server"] == 120
    assert options["grpc.keepalive_time_ms"] == 30_000
    assert options["grpc.keepalive_timeout_ms"] == 10_000
    assert options["grpc.keepalive_permit_without_calls"] == 1
    assert options["grpc.http2.min_ping_interval_without_data_ms"] == 10_000


def test_options_follow_the_settings() -> None:
    settings = Settings(
        max_pending_calls=5000,
        pending_call_timeout_seconds=7,
        keepalive_time_seconds=3,
        keepalive_timeout_seconds=2,
        keepalive_min_client_ping_seconds=1,
    )
    options = dict(grpc_options(settings))
    assert options["grpc.server.max_pending_requests"] == 5000
    assert options["grpc.server_max_unrequested_time_in_server"] == 7
    assert (options["grpc.keepalive_time_ms"], options["grpc.keepalive_timeout_ms"]) == (3000, 2000)
    assert options["grpc.http2.min_ping_interval_without_data_ms"] == 1000
