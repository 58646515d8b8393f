"""Snowflake ids for users and sessions: 41-bit ms time, 10-bit machine id, 12-bit sequence."""

from __future__ import annotations

import secrets
import threading

from ourchat.clock import Clock

EPOCH_MS = 1288834974657


class SnowflakeGenerator:
    """Hands out unique, time-ordered 63-bit ids; one generator per process."""

    def __init__(self, clock: Clock, machine_id: int | None = None) -> None:
        self._clock = clock
        self.machine_id = machine_id if machine_id is not None else secrets.randbelow(1024)
        self._last_ms = -1
        self._seq = 0
        self._lock = threading.Lock()

    def next_id(self) -> int:
        """A new id, never smaller than the previous one from this generator."""
        with self._lock:
            ms = max(self._clock.now_us() // 1000 - EPOCH_MS, self._last_ms)
            if ms == self._last_ms:
                self._seq = (self._seq + 1) & 0xFFF
                if self._seq == 0:
                    ms += 1
            else:
                self._seq = 0
            self._last_ms = ms
            return (ms << 22) | (self.machine_id << 12) | self._seq
