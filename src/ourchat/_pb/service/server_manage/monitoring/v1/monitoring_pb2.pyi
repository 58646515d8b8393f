import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TokioTaskMetrics(_message.Message):
    __slots__ = ("instrumented_count", "dropped_count", "first_poll_count", "total_first_poll_delay", "total_idled_count", "total_idle_duration", "max_idle_duration", "total_scheduled_count", "total_scheduled_duration", "total_poll_count", "total_poll_duration", "total_fast_poll_count", "total_fast_poll_duration", "total_slow_poll_count", "total_slow_poll_duration", "total_short_delay_count", "total_short_delay_duration", "total_long_delay_count", "total_long_delay_duration", "mean_first_poll_delay", "mean_idle_duration", "mean_scheduled_duration", "mean_poll_duration", "slow_poll_ratio", "long_delay_ratio", "mean_fast_poll_duration", "mean_slow_poll_duration", "mean_short_delay_duration", "mean_long_delay_duration")
    INSTRUMENTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DROPPED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FIRST_POLL_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIRST_POLL_DELAY_FIELD_NUMBER: _ClassVar[int]
    TOTAL_IDLED_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_IDLE_DURATION_FIELD_NUMBER: _ClassVar[int]
    MAX_IDLE_DURATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SCHEDULED_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SCHEDULED_DURATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_POLL_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_POLL_DURATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FAST_POLL_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FAST_POLL_DURATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SLOW_POLL_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SLOW_POLL_DURATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SHORT_DELAY_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SHORT_DELAY_DURATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_LONG_DELAY_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_LONG_DELAY_DURATION_FIELD_NUMBER: _ClassVar[int]
    MEAN_FIRST_POLL_DELAY_FIELD_NUMBER: _ClassVar[int]
    MEAN_IDLE_DURATION_FIELD_NUMBER: _ClassVar[int]
    MEAN_SCHEDULED_DURATION_FIELD_NUMBER: _ClassVar[int]
    MEAN_POLL_DURATION_FIELD_NUMBER: _ClassVar[int]
    SLOW_POLL_RATIO_FIELD_NUMBER: _ClassVar[int]
    LONG_DELAY_RATIO_FIELD_NUMBER: _ClassVar[int]
    MEAN_FAST_POLL_DURATION_FIELD_NUMBER: _ClassVar[int]
    MEAN_SLOW_POLL_DURATION_FIELD_NUMBER: _ClassVar[int]
    MEAN_SHORT_DELAY_DURATION_FIELD_NUMBER: _ClassVar[int]
    MEAN_LONG_DELAY_DURATION_FIELD_NUMBER: _ClassVar[int]
    instrumented_count: int
    dropped_count: int
    first_poll_count: int
    total_first_poll_delay: int
    total_idled_count: int
    total_idle_duration: int
    max_idle_duration: int
    total_scheduled_count: int
    total_scheduled_duration: int
    total_poll_count: int
    total_poll_duration: int
    total_fast_poll_count: int
    total_fast_poll_duration: int
    total_slow_poll_count: int
    total_slow_poll_duration: int
    total_short_delay_count: int
    total_short_delay_duration: int
    total_long_delay_count: int
    total_long_delay_duration: int
    mean_first_poll_delay: int
    mean_idle_duration: int
    mean_scheduled_duration: int
    mean_poll_duration: int
    slow_poll_ratio: float
    long_delay_ratio: float
    mean_fast_poll_duration: int
    mean_slow_poll_duration: int
    mean_short_delay_duration: int
    mean_long_delay_duration: int
    def __init__(self, instrumented_count: _Optional[int] = ..., dropped_count: _Optional[int] = ..., first_poll_count: _Optional[int] = ..., total_first_poll_delay: _Optional[int] = ..., total_idled_count: _Optional[int] = ..., total_idle_duration: _Optional[int] = ..., max_idle_duration: _Optional[int] = ..., total_scheduled_count: _Optional[int] = ..., total_scheduled_duration: _Optional[int] = ..., total_poll_count: _Optional[int] = ..., total_poll_duration: _Optional[int] = ..., total_fast_poll_count: _Optional[int] = ..., total_fast_poll_duration: _Optional[int] = ..., total_slow_poll_count: _Optional[int] = ..., total_slow_poll_duration: _Optional[int] = ..., total_short_delay_count: _Optional[int] = ..., total_short_delay_duration: _Optional[int] = ..., total_long_delay_count: _Optional[int] = ..., total_long_delay_duration: _Optional[int] = ..., mean_first_poll_delay: _Optional[int] = ..., mean_idle_duration: _Optional[int] = ..., mean_scheduled_duration: _Optional[int] = ..., mean_poll_duration: _Optional[int] = ..., slow_poll_ratio: _Optional[float] = ..., long_delay_ratio: _Optional[float] = ..., mean_fast_poll_duration: _Optional[int] = ..., mean_slow_poll_duration: _Optional[int] = ..., mean_short_delay_duration: _Optional[int] = ..., mean_long_delay_duration: _Optional[int] = ...) -> None: ...

class TokioRuntimeMetrics(_message.Message):
    __slots__ = ("workers_count", "total_park_count", "max_park_count", "min_park_count", "total_busy_duration", "max_busy_duration", "min_busy_duration", "global_queue_depth", "elapsed", "live_tasks_count", "mean_poll_duration", "mean_poll_duration_worker_min", "mean_poll_duration_worker_max", "total_noop_count", "max_noop_count", "min_noop_count", "total_steal_count", "max_steal_count", "min_steal_count", "total_steal_operations", "max_steal_operations", "min_steal_operations", "num_remote_schedules", "total_local_schedule_count", "max_local_schedule_count", "min_local_schedule_count", "total_overflow_count", "max_overflow_count", "min_overflow_count", "total_polls_count", "max_polls_count", "min_polls_count", "total_local_queue_depth", "max_local_queue_depth", "min_local_queue_depth", "blocking_queue_depth", "blocking_threads_count", "idle_blocking_threads_count", "budget_forced_yield_count", "io_driver_ready_count", "busy_ratio", "mean_polls_per_park")
    WORKERS_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PARK_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_PARK_COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_PARK_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BUSY_DURATION_FIELD_NUMBER: _ClassVar[int]
    MAX_BUSY_DURATION_FIELD_NUMBER: _ClassVar[int]
    MIN_BUSY_DURATION_FIELD_NUMBER: _ClassVar[int]
    GLOBAL_QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_FIELD_NUMBER: _ClassVar[int]
    LIVE_TASKS_COUNT_FIELD_NUMBER: _ClassVar[int]
    MEAN_POLL_DURATION_FIELD_NUMBER: _ClassVar[int]
    MEAN_POLL_DURATION_WORKER_MIN_FIELD_NUMBER: _ClassVar[int]
    MEAN_POLL_DURATION_WORKER_MAX_FIELD_NUMBER: _ClassVar[int]
    TOTAL_NOOP_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_NOOP_COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_NOOP_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_STEAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_STEAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_STEAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_STEAL_OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    MAX_STEAL_OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    MIN_STEAL_OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    NUM_REMOTE_SCHEDULES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_LOCAL_SCHEDULE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_LOCAL_SCHEDULE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_LOCAL_SCHEDULE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OVERFLOW_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_OVERFLOW_COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_OVERFLOW_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_POLLS_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_POLLS_COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_POLLS_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_LOCAL_QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    MAX_LOCAL_QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    MIN_LOCAL_QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    BLOCKING_QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    BLOCKING_THREADS_COUNT_FIELD_NUMBER: _ClassVar[int]
    IDLE_BLOCKING_THREADS_COUNT_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FORCED_YIELD_COUNT_FIELD_NUMBER: _ClassVar[int]
    IO_DRIVER_READY_COUNT_FIELD_NUMBER: _ClassVar[int]
    BUSY_RATIO_FIELD_NUMBER: _ClassVar[int]
    MEAN_POLLS_PER_PARK_FIELD_NUMBER: _ClassVar[int]
    workers_count: int
    total_park_count: int
    max_park_count: int
    min_park_count: int
    total_busy_duration: int
    max_busy_duration: int
    min_busy_duration: int
    global_queue_depth: int
    elapsed: int
    live_tasks_count: int
    mean_poll_duration: int
    mean_poll_duration_worker_min: int
    mean_poll_duration_worker_max: int
    total_noop_count: int
    max_noop_count: int
    min_noop_count: int
    total_steal_count: int
    max_steal_count: int
    min_steal_count: int
    total_steal_operations: int
    max_steal_operations: int
    min_steal_operations: int
    num_remote_schedules: int
    total_local_schedule_count: int
    max_local_schedule_count: int
    min_local_schedule_count: int
    total_overflow_count: int
    max_overflow_count: int
    min_overflow_count: int
    total_polls_count: int
    max_polls_count: int
    min_polls_count: int
    total_local_queue_depth: int
    max_local_queue_depth: int
    min_local_queue_depth: int
    blocking_queue_depth: int
    blocking_threads_count: int
    idle_blocking_threads_count: int
    budget_forced_yield_count: int
    io_driver_ready_count: int
    busy_ratio: float
    mean_polls_per_park: float
    def __init__(self, workers_count: _Optional[int] = ..., total_park_count: _Optional[int] = ..., max_park_count: _Optional[int] = ..., min_park_count: _Optional[int] = ..., total_busy_duration: _Optional[int] = ..., max_busy_duration: _Optional[int] = ..., min_busy_duration: _Optional[int] = ..., global_queue_depth: _Optional[int] = ..., elapsed: _Optional[int] = ..., live_tasks_count: _Optional[int] = ..., mean_poll_duration: _Optional[int] = ..., mean_poll_duration_worker_min: _Optional[int] = ..., mean_poll_duration_worker_max: _Optional[int] = ..., total_noop_count: _Optional[int] = ..., max_noop_count: _Optional[int] = ..., min_noop_count: _Optional[int] = ..., total_steal_count: _Optional[int] = ..., max_steal_count: _Optional[int] = ..., min_steal_count: _Optional[int] = ..., total_steal_operations: _Optional[int] = ..., max_steal_operations: _Optional[int] = ..., min_steal_operations: _Optional[int] = ..., num_remote_schedules: _Optional[int] = ..., total_local_schedule_count: _Optional[int] = ..., max_local_schedule_count: _Optional[int] = ..., min_local_schedule_count: _Optional[int] = ..., total_overflow_count: _Optional[int] = ..., max_overflow_count: _Optional[int] = ..., min_overflow_count: _Optional[int] = ..., total_polls_count: _Optional[int] = ..., max_polls_count: _Optional[int] = ..., min_polls_count: _Optional[int] = ..., total_local_queue_depth: _Optional[int] = ..., max_local_queue_depth: _Optional[int] = ..., min_local_queue_depth: _Optional[int] = ..., blocking_queue_depth: _Optional[int] = ..., blocking_threads_count: _Optional[int] = ..., idle_blocking_threads_count: _Optional[int] = ..., budget_forced_yield_count: _Optional[int] = ..., io_driver_ready_count: _Optional[int] = ..., busy_ratio: _Optional[float] = ..., mean_polls_per_park: _Optional[float] = ...) -> None: ...

class TokioMetrics(_message.Message):
    __slots__ = ("runtime", "task")
    RUNTIME_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    runtime: TokioRuntimeMetrics
    task: TokioTaskMetrics
    def __init__(self, runtime: _Optional[_Union[TokioRuntimeMetrics, _Mapping]] = ..., task: _Optional[_Union[TokioTaskMetrics, _Mapping]] = ...) -> None: ...

class MonitoringMetrics(_message.Message):
    __slots__ = ("active_connections", "total_users", "messages_per_second", "uptime_seconds", "timestamp", "cpu_usage_percent", "memory_usage_percent", "disk_usage_percent", "total_sessions", "active_sessions", "database_connections", "rabbitmq_connections", "tokio")
    ACTIVE_CONNECTIONS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_USERS_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    CPU_USAGE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    MEMORY_USAGE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    DISK_USAGE_PERCENT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    DATABASE_CONNECTIONS_FIELD_NUMBER: _ClassVar[int]
    RABBITMQ_CONNECTIONS_FIELD_NUMBER: _ClassVar[int]
    TOKIO_FIELD_NUMBER: _ClassVar[int]
    active_connections: int
    total_users: int
    messages_per_second: float
    uptime_seconds: int
    timestamp: int
    cpu_usage_percent: float
    memory_usage_percent: float
    disk_usage_percent: float
    total_sessions: int
    active_sessions: int
    database_connections: int
    rabbitmq_connections: int
    tokio: TokioMetrics
    def __init__(self, active_connections: _Optional[int] = ..., total_users: _Optional[int] = ..., messages_per_second: _Optional[float] = ..., uptime_seconds: _Optional[int] = ..., timestamp: _Optional[int] = ..., cpu_usage_percent: _Optional[float] = ..., memory_usage_percent: _Optional[float] = ..., disk_usage_percent: _Optional[float] = ..., total_sessions: _Optional[int] = ..., active_sessions: _Optional[int] = ..., database_connections: _Optional[int] = ..., rabbitmq_connections: _Optional[int] = ..., tokio: _Optional[_Union[TokioMetrics, _Mapping]] = ...) -> None: ...

class GetMonitoringMetricsRequest(_message.Message):
    __slots__ = ("include_system_metrics", "include_tokio_metrics")
    INCLUDE_SYSTEM_METRICS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TOKIO_METRICS_FIELD_NUMBER: _ClassVar[int]
    include_system_metrics: bool
    include_tokio_metrics: bool
    def __init__(self, include_system_metrics: _Optional[bool] = ..., include_tokio_metrics: _Optional[bool] = ...) -> None: ...

class GetMonitoringMetricsResponse(_message.Message):
    __slots__ = ("metrics",)
    METRICS_FIELD_NUMBER: _ClassVar[int]
    metrics: MonitoringMetrics
    def __init__(self, metrics: _Optional[_Union[MonitoringMetrics, _Mapping]] = ...) -> None: ...

class GetHistoricalMetricsRequest(_message.Message):
    __slots__ = ("start_time", "end_time", "interval")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    interval: _duration_pb2.Duration
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., interval: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class MetricDataPoint(_message.Message):
    __slots__ = ("timestamp", "metrics")
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    timestamp: _timestamp_pb2.Timestamp
    metrics: MonitoringMetrics
    def __init__(self, timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., metrics: _Optional[_Union[MonitoringMetrics, _Mapping]] = ...) -> None: ...

class GetHistoricalMetricsResponse(_message.Message):
    __slots__ = ("data_points",)
    DATA_POINTS_FIELD_NUMBER: _ClassVar[int]
    data_points: _containers.RepeatedCompositeFieldContainer[MetricDataPoint]
    def __init__(self, data_points: _Optional[_Iterable[_Union[MetricDataPoint, _Mapping]]] = ...) -> None: ...
