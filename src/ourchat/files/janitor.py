"""A background task that runs one clean-up job every few seconds inside the server process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class PeriodicJob:
    """Runs ``job`` every ``interval`` seconds until stopped; a failing run is logged and retried
    at the next tick. ``interval`` may be a function, asked before each wait (a live setting)."""

    def __init__(
        self,
        name: str,
        job: Callable[[], Awaitable[object]],
        interval: float | Callable[[], float],
    ) -> None:
        self.name = name
        self._job = job
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin running (the first run comes after one interval)."""
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        """Stop, cancelling a run in progress."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _loop(self) -> None:
        while True:
            interval = self._interval() if callable(self._interval) else self._interval
            await asyncio.sleep(interval)
            try:
                await self._job()
            except Exception:
                log.exception("periodic job %s failed", self.name)
