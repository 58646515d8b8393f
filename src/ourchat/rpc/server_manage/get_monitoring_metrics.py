"""ServerManageService.GetMonitoringMetrics: server health now, across processes (permission 6)."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.server_manage.monitoring.v1 import monitoring_pb2 as pb
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import server_metrics, server_roles
from ourchat.errors import Unimplemented
from ourchat.ids import ServerPermission
from ourchat.rpc.server_manage.figures import monitoring_metrics


async def handle(
    deps: Deps, request: pb.GetMonitoringMetricsRequest, context: Any
) -> pb.GetMonitoringMetricsResponse:
    """Current figures; host CPU/memory/disk and the asyncio block only when asked."""
    await server_roles.require(deps, current_user_id(), ServerPermission.VIEW_MONITORING)
    if not deps.settings.enable_metrics:
        raise Unimplemented(details.METRICS_DISABLED_IN_CONFIG)
    figures = await server_metrics.current(deps, with_system=request.include_system_metrics)
    return pb.GetMonitoringMetricsResponse(
        metrics=monitoring_metrics(figures, with_tokio=request.include_tokio_metrics)
    )
