"""Keeping this process in step with the shared server state in the database.

One read of the ``server_state`` row tells whether anything changed since this process last
looked; only then are the changes read and applied:

* maintenance turned on ends every open FetchMsgs stream here with
  ``UNAVAILABLE "Server Maintaining"``;
* a stream eviction (a server ban, a deleted account) ends that user's streams here with
  ``UNAUTHENTICATED`` and its detail, and drops the account from the active-account cache;
* stored settings are re-applied (the live ones, see :mod:`ourchat.domain.runtime_config`).

A process runs :func:`refresh` right after each change it makes itself and every
``server_state_poll_seconds`` (:class:`StateWatcher`), so every process agrees within that time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.config import Settings
from ourchat.deps import Deps
from ourchat.domain import runtime_config
from ourchat.errors import Unauthenticated, Unavailable
from ourchat.storage import server_state as state_store

log = logging.getLogger(__name__)

# Evictions older than this are removed: every live process has applied them long before.
EVICTION_KEEP_SECONDS = 3600


async def load_at_start(deps: Deps, base: Settings) -> None:
    """Read the shared state once at start-up: maintenance and stored settings.

    ``base`` is the settings before stored changes. Evictions made before this process started
    concern no stream of it and are skipped.
    """
    shared = deps.shared
    shared.base_settings = base
    async with deps.db.read() as conn:
        row = await state_store.read(conn)
        stored = await state_store.overrides(conn)
    deps.settings = runtime_config.at_start(base, stored)
    runtime_config.apply_side_effects(base, deps.settings)
    shared.stored_overrides = runtime_config.decode_overrides(stored)
    shared.version = row.version
    shared.config_version = row.config_version
    shared.maintenance = row.maintenance
    shared.maintenance_reason = row.maintenance_reason
    shared.maintenance_since_us = row.maintenance_since


async def refresh(deps: Deps) -> None:
    """Apply every change to the shared state made since this process last looked."""
    async with deps.shared.refresh_lock:
        shared = deps.shared
        async with deps.db.read() as conn:
            row = await state_store.read(conn)
            if row.version == shared.version:
                return
            evictions = await state_store.evictions_after(conn, shared.version)
            stored = (
                await state_store.overrides(conn)
                if row.config_version != shared.config_version
                else None
            )
        if stored is not None:
            old = deps.settings
            deps.settings = runtime_config.live_update(old, stored)
            runtime_config.apply_side_effects(old, deps.settings)
            shared.stored_overrides = runtime_config.decode_overrides(stored)
            shared.config_version = row.config_version
        turned_on = row.maintenance and not shared.maintenance
        shared.maintenance = row.maintenance
        shared.maintenance_reason = row.maintenance_reason
        shared.maintenance_since_us = row.maintenance_since
        if turned_on:
            ended = deps.bus.fanout.end_streams(Unavailable(details.SERVER_MAINTAINING))
            log.info("maintenance is on; ended %d open streams", ended)
        for version, user_id, detail in evictions:
            deps.active_accounts.forget(user_id)
            deps.bus.fanout.end_streams(Unauthenticated(detail), user_id)
            shared.version = max(shared.version, version)
        shared.version = max(shared.version, row.version)


async def prune(deps: Deps) -> None:
    """Remove evictions every process has long applied."""
    cutoff = deps.clock.now_us() - EVICTION_KEEP_SECONDS * US_PER_SECOND
    async with deps.db.write() as conn:
        await state_store.prune_evictions(conn, cutoff)


class StateWatcher:
    """Runs :func:`refresh` every ``server_state_poll_seconds`` (read at each round)."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin watching."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="ourchat-state-watcher")

    async def stop(self) -> None:
        """Stop watching."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        rounds = 0
        while True:
            await asyncio.sleep(self._deps.settings.server_state_poll_seconds)
            try:
                await refresh(self._deps)
                rounds += 1
                if rounds % 600 == 0:
                    await prune(self._deps)
            except Exception:
                log.exception("reading the shared server state failed; retrying")
