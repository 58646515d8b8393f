"""Server health figures across every process, their periodic snapshots and the history.

Each process reports its own figures (open FetchMsgs streams, database and bus connections in
use, live asyncio tasks, event-loop lag) to ``server_processes`` every
``process_report_interval_seconds``; the server-wide figures add up the reports of the live
processes (those heard from within three intervals) with this process's own, current ones.
Counts of accounts, sessions and messages come from the database.

Every ``metrics_snapshot_interval_seconds`` each process offers a snapshot keyed by the start of
the current interval; the first to commit it wins, so exactly one process stores each one.
Snapshots older than ``metrics_retention_days`` are removed then too.

The ``tokio`` block of the protocol is Rust-specific; ourchat fills the asyncio equivalents and
leaves every other field 0: ``runtime.workers_count`` = server processes,
``runtime.live_tasks_count`` = live asyncio tasks (all processes), ``runtime.elapsed`` =
uptime in microseconds, ``task.mean_scheduled_duration`` = the largest event-loop lag of any
process over its last report interval, in microseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import psutil

from ourchat.clock import US_PER_SECOND
from ourchat.deps import Deps
from ourchat.storage import server_metrics as metrics_store
from ourchat.storage.server_metrics import ProcessRow

log = logging.getLogger(__name__)

LIVE_REPORTS = 3  # a process silent for this many report intervals is not counted
FORGET_REPORTS = 20  # ... and its report is removed after this many
MESSAGE_WINDOW_SECONDS = 60
ACTIVE_SESSION_WINDOW_SECONDS = 3600
LAG_PROBE_SECONDS = 0.25
DAY_US = 86_400 * US_PER_SECOND


@dataclass(frozen=True)
class Figures:
    """One set of server-wide figures (a live answer or a stored snapshot)."""

    timestamp_us: int
    active_connections: int
    total_users: int
    messages_per_second: float
    uptime_seconds: int
    total_sessions: int
    active_sessions: int
    database_connections: int
    bus_connections: int
    processes: int
    live_tasks: int
    loop_lag_us: int
    cpu_usage_percent: float | None = None
    memory_usage_percent: float | None = None
    disk_usage_percent: float | None = None


_INTEGER_FIELDS = {
    f.name
    for f in fields(Figures)
    if f.type in ("int", int) and f.name not in ("timestamp_us", "uptime_seconds")
}
_FLOAT_FIELDS = {"messages_per_second"}
_OPTIONAL_FIELDS = {"cpu_usage_percent", "memory_usage_percent", "disk_usage_percent"}


def _pool_in_use(deps: Deps) -> int:
    pool: Any = deps.db.engine.pool
    checkedout = getattr(pool, "checkedout", None)
    return int(checkedout()) if callable(checkedout) else 0


def own_report(deps: Deps) -> ProcessRow:
    """This process's figures right now."""
    count = getattr(deps.bus, "connection_count", 0)
    return ProcessRow(
        id=deps.process.id,
        started_at=deps.process.started_us,
        heartbeat_at=deps.clock.now_us(),
        open_streams=deps.bus.fanout.open_count,
        db_connections=_pool_in_use(deps),
        bus_connections=int(count),
        live_tasks=len(asyncio.all_tasks()),
        loop_lag_us=deps.process.loop_lag_us,
    )


def system_figures(deps: Deps) -> tuple[float, float, float]:
    """Host CPU %, memory % and the disk % of the data dir's file system."""
    disk = 0.0
    with contextlib.suppress(OSError):
        disk = float(psutil.disk_usage(str(deps.settings.data_dir)).percent)
    return float(psutil.cpu_percent(interval=None)), float(psutil.virtual_memory().percent), disk


async def current(deps: Deps, *, with_system: bool) -> Figures:
    """The server-wide figures now."""
    now = deps.clock.now_us()
    mine = own_report(deps)
    interval_us = int(deps.settings.process_report_interval_seconds * US_PER_SECOND)
    async with deps.db.read() as conn:
        others = [
            p
            for p in await metrics_store.processes_since(conn, now - LIVE_REPORTS * interval_us)
            if p.id != mine.id
        ]
        total_users = await metrics_store.active_users(conn)
        total_sessions = await metrics_store.session_count(conn)
        recent = await metrics_store.messages_since(
            conn, now - MESSAGE_WINDOW_SECONDS * US_PER_SECOND
        )
        active_sessions = await metrics_store.sessions_with_messages_since(
            conn, now - ACTIVE_SESSION_WINDOW_SECONDS * US_PER_SECOND
        )
    reports = [mine, *others]
    started = min(p.started_at for p in reports)
    cpu = memory = disk = None
    if with_system:
        cpu, memory, disk = system_figures(deps)
    return Figures(
        timestamp_us=now,
        active_connections=sum(p.open_streams for p in reports),
        total_users=total_users,
        messages_per_second=recent / MESSAGE_WINDOW_SECONDS,
        uptime_seconds=max(0, (now - started) // US_PER_SECOND),
        total_sessions=total_sessions,
        active_sessions=active_sessions,
        database_connections=sum(p.db_connections for p in reports),
        bus_connections=sum(p.bus_connections for p in reports),
        processes=len(reports),
        live_tasks=sum(p.live_tasks for p in reports),
        loop_lag_us=max(p.loop_lag_us for p in reports),
        cpu_usage_percent=cpu,
        memory_usage_percent=memory,
        disk_usage_percent=disk,
    )


def _values(figures: Figures) -> dict[str, Any]:
    return {
        "active_connections": figures.active_connections,
        "total_users": figures.total_users,
        "messages_per_second": figures.messages_per_second,
        "uptime_seconds": figures.uptime_seconds,
        "total_sessions": figures.total_sessions,
        "active_sessions": figures.active_sessions,
        "database_connections": figures.database_connections,
        "bus_connections": figures.bus_connections,
        "cpu_usage_percent": figures.cpu_usage_percent,
        "memory_usage_percent": figures.memory_usage_percent,
        "disk_usage_percent": figures.disk_usage_percent,
        "processes": figures.processes,
        "live_tasks": figures.live_tasks,
        "loop_lag_us": figures.loop_lag_us,
    }


def _from_row(row: Mapping[str, Any]) -> Figures:
    values = {k: row[k] for k in metrics_store.HISTORY_FIELDS}
    return Figures(timestamp_us=int(row["ts"]), **values)


async def take_snapshot(deps: Deps) -> bool:
    """Offer the snapshot of the current interval, and purge old ones; True if stored here."""
    settings = deps.settings
    if not settings.enable_metrics:
        return False
    interval_us = max(1, int(settings.metrics_snapshot_interval_seconds * US_PER_SECOND))
    figures = await current(deps, with_system=True)
    slot = figures.timestamp_us - figures.timestamp_us % interval_us
    keep_after = figures.timestamp_us - int(settings.metrics_retention_days * DAY_US)
    async with deps.db.write() as conn:
        stored = await metrics_store.add_snapshot(conn, slot, _values(figures))
        await metrics_store.purge_snapshots(conn, keep_after)
    return stored


async def history(deps: Deps, start_us: int, end_us: int, interval_us: int) -> list[Figures]:
    """Snapshots between the bounds (inclusive), one point each or averaged per interval.

    With ``interval_us`` of at least one second, snapshots are grouped into buckets
    ``floor(ts / n) * n`` (n = whole seconds of the interval); a bucket's point sits at its
    start, integer figures are integer averages, fractional ones averages, uptime the largest.
    """
    async with deps.db.read() as conn:
        rows = [_from_row(r) for r in await metrics_store.snapshots(conn, start_us, end_us)]
    seconds = interval_us // US_PER_SECOND
    if seconds < 1:
        return [
            replace(r, timestamp_us=r.timestamp_us - r.timestamp_us % US_PER_SECOND) for r in rows
        ]
    width = seconds * US_PER_SECOND
    buckets: dict[int, list[Figures]] = {}
    for r in rows:
        buckets.setdefault(r.timestamp_us - r.timestamp_us % width, []).append(r)
    return [_average(start, group) for start, group in buckets.items()]


def _average(start: int, group: Sequence[Figures]) -> Figures:
    values: dict[str, Any] = {"timestamp_us": start}
    for f in fields(Figures):
        name = f.name
        if name == "timestamp_us":
            continue
        present = [getattr(g, name) for g in group if getattr(g, name) is not None]
        if name == "uptime_seconds":
            values[name] = max(present)
        elif name in _OPTIONAL_FIELDS:
            values[name] = sum(present) / len(present) if present else None
        elif name in _FLOAT_FIELDS:
            values[name] = sum(present) / len(present)
        else:
            values[name] = sum(present) // len(present)
    return Figures(**values)


class MetricsJobs:
    """The background work of one process: reports, the loop-lag probe and snapshots."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._tasks: list[asyncio.Task[None]] = []
        self._lag_max_us = 0

    async def start(self) -> None:
        """Report once at once, then keep reporting, probing and snapshotting."""
        psutil.cpu_percent(interval=None)  # the first reading only starts the measurement
        await self.report()
        self._tasks = [
            asyncio.create_task(self._every("report", self._report_interval, self.report)),
            asyncio.create_task(self._every("snapshot", self._snapshot_interval, self._snapshot)),
            asyncio.create_task(self._probe_lag(), name="ourchat-loop-lag"),
        ]

    async def stop(self) -> None:
        """Stop, and withdraw this process's report."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        with contextlib.suppress(Exception):
            async with self._deps.db.write() as conn:
                await metrics_store.forget_process(conn, self._deps.process.id)

    def _report_interval(self) -> float:
        return self._deps.settings.process_report_interval_seconds

    def _snapshot_interval(self) -> float:
        return self._deps.settings.metrics_snapshot_interval_seconds

    async def report(self) -> None:
        """Store this process's figures, and forget processes that went silent."""
        deps = self._deps
        deps.process.loop_lag_us = self._lag_max_us
        self._lag_max_us = 0
        row = own_report(deps)
        silent_us = int(FORGET_REPORTS * self._report_interval() * US_PER_SECOND)
        async with deps.db.write() as conn:
            await metrics_store.report(conn, row)
            await metrics_store.forget_silent(conn, row.heartbeat_at - silent_us)

    async def _snapshot(self) -> None:
        await take_snapshot(self._deps)

    async def _every(self, name: str, interval: Any, job: Any) -> None:
        while True:
            await asyncio.sleep(interval())
            try:
                await job()
            except Exception:
                log.exception("metrics %s failed; trying again next time", name)

    async def _probe_lag(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(LAG_PROBE_SECONDS)
            lag = int((loop.time() - before - LAG_PROBE_SECONDS) * US_PER_SECOND)
            self._lag_max_us = max(self._lag_max_us, lag, 0)
