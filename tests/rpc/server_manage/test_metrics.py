"""GetMonitoringMetrics (real figures) and GetHistoricalMetrics (snapshots, injected clock)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
import pytest
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from ourchat import details
from ourchat._pb.service.server_manage.monitoring.v1 import monitoring_pb2 as pb
from ourchat.clock import ManualClock
from ourchat.domain import server_metrics
from ourchat.rpc.convert import timestamp
from ourchat.server.app import OurChatServer
from tests.helpers import PASSWORD, Stream, User, expect_error, make_group
from tests.rpc.server_manage.common import SM, grant

NewUser = Callable[..., Awaitable[User]]
MINUTE = 60_000_000


async def _admin(server: OurChatServer, new_user: NewUser) -> User:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    return admin


async def test_monitoring_metrics_are_real_figures(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin = await _admin(server, new_user)
    bob, carol = await new_user("bob"), await new_user("carol")
    busy = await make_group(server.deps, admin, bob)
    await make_group(server.deps, bob, carol)  # quiet: no message
    streams = [Stream(bob.client), Stream(carol.client), Stream(carol.client)]
    await streams[0].settle(0.2)
    for n in range(6):
        await bob.client.send_msg(busy, f"m{n}")
    await carol.client.unregister()

    m = await admin.client.monitoring_metrics()

    assert m.total_users == 2  # carol is gone
    assert m.total_sessions >= 2
    assert m.active_sessions == 1
    assert m.messages_per_second == pytest.approx(6 / 60)
    # carol's streams were not ended by Unregister but she has 2 open; bob 1.
    assert m.active_connections == 3
    assert m.uptime_seconds >= 0
    assert m.timestamp == server.deps.clock.now_us() // 1_000_000
    assert not m.HasField("cpu_usage_percent")
    assert not m.HasField("tokio")

    full = await admin.client.monitoring_metrics(system=True, runtime=True)
    assert 0 <= full.cpu_usage_percent <= 100
    assert 0 < full.memory_usage_percent <= 100
    assert 0 < full.disk_usage_percent <= 100
    assert full.tokio.runtime.workers_count == 1
    assert full.tokio.runtime.live_tasks_count > 0
    for stream in streams:
        await stream.close()


async def test_history_points_buckets_bounds_and_retention(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    deps = server.deps
    assert deps is not None
    admin = await _admin(server, new_user)
    start = clock.now_us() - clock.now_us() % MINUTE  # the first snapshot's interval
    stored = []
    for n in range(4):
        await new_user(f"u{n}")
        stored.append(await server_metrics.take_snapshot(deps))
        assert not await server_metrics.take_snapshot(deps)  # one per interval, whoever asks
        clock.advance(60)
    assert stored == [True, True, True, True]
    end = start + 3 * MINUTE

    points = await admin.client.historical_metrics(start, end)
    assert [p.timestamp.ToMicroseconds() for p in points] == [start + i * MINUTE for i in range(4)]
    assert [p.metrics.total_users for p in points] == [2, 3, 4, 5]

    buckets = await admin.client.historical_metrics(start + MINUTE, end, interval_seconds=120)
    two_minutes = 2 * MINUTE
    first_bucket = (start + MINUTE) - (start + MINUTE) % two_minutes
    assert buckets[0].timestamp.ToMicroseconds() == first_bucket
    averaged = {p.timestamp.ToMicroseconds(): p.metrics.total_users for p in buckets}
    expected: dict[int, list[int]] = {}
    for i, users in enumerate([2, 3, 4, 5]):
        ts = start + i * MINUTE
        if ts >= start + MINUTE:
            expected.setdefault(ts - ts % two_minutes, []).append(users)
    assert averaged == {k: sum(v) // len(v) for k, v in expected.items()}

    # A missing bound gives nothing.
    missing = await admin.client.call(
        SM + "GetHistoricalMetrics", pb.GetHistoricalMetricsRequest(start_time=timestamp(start))
    )
    assert list(missing.data_points) == []

    # Retention: a month later the old snapshots are purged by the next one.
    clock.advance(31 * 86400)
    assert await server_metrics.take_snapshot(deps)
    await admin.client.login(PASSWORD, email=admin.email)  # the old token expired meanwhile
    later = await admin.client.historical_metrics(start, clock.now_us())
    assert len(later) == 1


@pytest.mark.parametrize(
    ("request_", "detail"),
    [
        (
            pb.GetHistoricalMetricsRequest(
                start_time=Timestamp(seconds=0, nanos=2_000_000_000), end_time=Timestamp()
            ),
            details.INVALID_START_TIME,
        ),
        (
            pb.GetHistoricalMetricsRequest(
                start_time=Timestamp(), end_time=Timestamp(seconds=10**13)
            ),
            details.INVALID_END_TIME,
        ),
        (
            pb.GetHistoricalMetricsRequest(
                start_time=Timestamp(), end_time=Timestamp(), interval=Duration(seconds=-1)
            ),
            details.INVALID_INTERVAL,
        ),
    ],
)
async def test_history_refuses_bad_times(
    server: OurChatServer, new_user: NewUser, request_: pb.GetHistoricalMetricsRequest, detail: str
) -> None:
    admin = await _admin(server, new_user)
    await expect_error(
        admin.client.call(SM + "GetHistoricalMetrics", request_),
        grpc.StatusCode.INVALID_ARGUMENT,
        detail,
    )


async def test_metrics_can_be_switched_off(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    admin = await _admin(server, new_user)
    await admin.client.set_config("enable_metrics = false")
    await expect_error(
        admin.client.monitoring_metrics(),
        grpc.StatusCode.UNIMPLEMENTED,
        details.METRICS_DISABLED_IN_CONFIG,
    )
    await expect_error(
        admin.client.historical_metrics(0, 1),
        grpc.StatusCode.UNIMPLEMENTED,
        details.METRICS_DISABLED,
    )
    assert not await server_metrics.take_snapshot(server.deps)
