"""Conversions between protobuf well-known types and our integer-microsecond times."""

from __future__ import annotations

from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from ourchat import details
from ourchat.errors import InvalidArgument


def timestamp(us: int) -> Timestamp:
    """A Timestamp for ``us`` microseconds since the epoch."""
    ts = Timestamp()
    ts.FromMicroseconds(us)
    return ts


def timestamp_us(ts: Timestamp) -> int:
    """Microseconds since the epoch of a Timestamp (nanoseconds below a microsecond dropped).

    Raises:
        InvalidArgument: "Time Format Error" when seconds or nanos are out of range.
    """
    if not (-62135596800 <= ts.seconds <= 253402300799) or not (0 <= ts.nanos <= 999_999_999):
        raise InvalidArgument(details.TIME_FORMAT_ERROR)
    return ts.seconds * 1_000_000 + ts.nanos // 1000


def positive_duration_seconds(duration: Duration) -> int:
    """Whole seconds of a duration that must be positive.

    Raises:
        InvalidArgument: "Request Invalid Value" for a zero or negative duration.
    """
    if duration.seconds <= 0 or duration.nanos < 0:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    return int(duration.seconds)
