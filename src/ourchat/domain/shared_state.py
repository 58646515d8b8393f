"""This process's copy of what all processes of the server agree on (kept by state_sync)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from ourchat.config import Settings


@dataclass
class SharedState:
    """Maintenance, stored setting changes and the state version this process has applied.

    Read on every request without touching the database; :mod:`ourchat.domain.state_sync`
    refreshes it after each local change and every ``server_state_poll_seconds``.
    """

    version: int = -1
    config_version: int = -1
    maintenance: bool = False
    maintenance_reason: str = ""
    maintenance_since_us: int | None = None
    #: Settings as loaded at start, before stored changes (None until the server starts).
    base_settings: Settings | None = None
    #: Stored SetConfig values, decoded.
    stored_overrides: dict[str, Any] = field(default_factory=dict)
    #: One refresh at a time.
    refresh_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
