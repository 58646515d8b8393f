"""ServerManageService.GetHistoricalMetrics: stored snapshots, bucketed (permission 6)."""

from __future__ import annotations

from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from ourchat import details
from ourchat._pb.service.server_manage.monitoring.v1 import monitoring_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.clock import US_PER_SECOND
from ourchat.deps import Deps
from ourchat.domain import server_metrics, server_roles
from ourchat.errors import InvalidArgument, Unimplemented
from ourchat.ids import ServerPermission
from ourchat.rpc.convert import timestamp, timestamp_us
from ourchat.rpc.server_manage.figures import monitoring_metrics


def _time(ts: Timestamp, detail: str) -> int:
    try:
        return timestamp_us(ts)
    except InvalidArgument:
        raise InvalidArgument(detail) from None


async def handle(
    deps: Deps, request: pb.GetHistoricalMetricsRequest, context: Any
) -> pb.GetHistoricalMetricsResponse:
    """Snapshots with start ≤ time ≤ end; ``interval`` ≥ 1 s averages them per bucket."""
    await server_roles.require(deps, current_user_id(), ServerPermission.VIEW_MONITORING)
    if not deps.settings.enable_metrics:
        raise Unimplemented(details.METRICS_DISABLED)
    start = _time(request.start_time, details.INVALID_START_TIME)
    end = _time(request.end_time, details.INVALID_END_TIME)
    interval = request.interval
    if interval.seconds < 0 or interval.nanos < 0 or abs(interval.nanos) > 999_999_999:
        raise InvalidArgument(details.INVALID_INTERVAL)
    if not (request.HasField("start_time") and request.HasField("end_time")):
        return pb.GetHistoricalMetricsResponse()
    interval_us = interval.seconds * US_PER_SECOND + interval.nanos // 1000
    points = await server_metrics.history(deps, start, end, interval_us)
    return pb.GetHistoricalMetricsResponse(
        data_points=[
            pb.MetricDataPoint(
                timestamp=timestamp(p.timestamp_us),
                metrics=monitoring_metrics(p, with_tokio=True),
            )
            for p in points
        ]
    )
