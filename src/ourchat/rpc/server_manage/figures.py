"""Server figures as the protocol's MonitoringMetrics (shared by the two metrics RPCs)."""

from __future__ import annotations

from ourchat._pb.service.server_manage.monitoring.v1 import monitoring_pb2 as pb
from ourchat.clock import US_PER_SECOND
from ourchat.domain.server_metrics import Figures


def monitoring_metrics(figures: Figures, *, with_tokio: bool) -> pb.MonitoringMetrics:
    """The protocol message for ``figures`` (see :mod:`ourchat.domain.server_metrics`)."""
    metrics = pb.MonitoringMetrics(
        active_connections=figures.active_connections,
        total_users=figures.total_users,
        messages_per_second=figures.messages_per_second,
        uptime_seconds=figures.uptime_seconds,
        timestamp=figures.timestamp_us // US_PER_SECOND,
        total_sessions=figures.total_sessions,
        active_sessions=figures.active_sessions,
        database_connections=figures.database_connections,
        rabbitmq_connections=figures.bus_connections,
    )
    if figures.cpu_usage_percent is not None:
        metrics.cpu_usage_percent = figures.cpu_usage_percent
    if figures.memory_usage_percent is not None:
        metrics.memory_usage_percent = figures.memory_usage_percent
    if figures.disk_usage_percent is not None:
        metrics.disk_usage_percent = figures.disk_usage_percent
    if with_tokio:
        metrics.tokio.CopyFrom(
            pb.TokioMetrics(
                runtime=pb.TokioRuntimeMetrics(
                    workers_count=figures.processes,
                    live_tasks_count=figures.live_tasks,
                    elapsed=figures.uptime_seconds * US_PER_SECOND,
                ),
                task=pb.TokioTaskMetrics(mean_scheduled_duration=figures.loop_lag_us),
            )
        )
    return metrics
