"""How long and how hard a run measures: the quick and the full mode."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    """How long and how hard a run measures."""

    name: str
    reps: int
    window_s: float
    warmup_s: float
    latency_window_s: float
    idle_streams: int
    replay_events: int
    health_window_s: float
    extended: bool
    live_timeout_s: float
    storm_streams: int = 0
    storm_per_s: float = 1000.0
    send_sessions: int = 8
    send_in_flight: int = 6
    fanout_sizes: tuple[int, ...] = (10, 100)
    fanout_senders: int = 4
    fanout_in_flight: int = 4
    fanout_backlog_msgs: int = 50
    latency_low_rate: float = 20.0
    idle_users: int = 100
    auth_burst: int = 8
    health_rate: float = 50.0
    abuse_streams: int = 2000
    abuse_uploads: int = 10
    max_count: int = 200_000
    #: Repetitions of figure 4 (fresh servers holding ``idle_streams`` each time).
    idle_reps: int = 1


QUICK = Mode(
    name="quick",
    reps=1,
    window_s=1.5,
    warmup_s=0.3,
    latency_window_s=1.5,
    idle_streams=2000,
    replay_events=30_000,
    health_window_s=1.5,
    extended=False,
    live_timeout_s=4.0,
    idle_users=50,
)
FULL = Mode(
    name="full",
    reps=3,
    window_s=4.0,
    warmup_s=0.5,
    latency_window_s=5.0,
    idle_streams=50_000,
    replay_events=100_000,
    health_window_s=4.0,
    extended=True,
    live_timeout_s=15.0,
    storm_streams=5000,
)
