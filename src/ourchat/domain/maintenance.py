"""Maintenance mode: stored in the database, the same on every process, and the gate it sets.

While maintenance is on, only what lets clients see why (GetServerInfo with status 2,
Timestamp, Ping), SetServerStatus for holders of permission 5, gRPC health and reflection,
and the HTTP routes ``/v1/status`` and ``/metrics`` stay open. Every other call answers
``UNAVAILABLE "Server Maintaining"`` (HTTP: 503), and open FetchMsgs streams end with it.
Every transport asks :func:`check_call` (or :func:`allows_http_path`) before anything else.
"""

from __future__ import annotations

import logging

from ourchat import details
from ourchat.deps import Deps
from ourchat.errors import Unavailable
from ourchat.storage import server_state as state_store
from ourchat.storage.engine import Database

log = logging.getLogger(__name__)

SET_SERVER_STATUS = "/service.server_manage.v1.ServerManageService/SetServerStatus"

#: Methods that answer during maintenance.
OPEN_METHODS: frozenset[str] = frozenset(
    {
        "/service.basic.v1.BasicService/GetServerInfo",
        "/service.basic.v1.BasicService/Timestamp",
        "/service.basic.v1.BasicService/Ping",
        SET_SERVER_STATUS,
    }
)
OPEN_METHOD_PREFIXES: tuple[str, ...] = ("/grpc.health.", "/grpc.reflection.")

#: Plain HTTP paths that answer during maintenance (the process is up; operators scrape it).
OPEN_HTTP_PATHS: frozenset[str] = frozenset({"/v1/status", "/metrics", "/", "/index.html"})
#: The web client's page and assets also load during maintenance: the page says so itself.
OPEN_HTTP_PREFIXES: tuple[str, ...] = ("/assets/",)


def is_on(deps: Deps) -> bool:
    """Whether the server is in maintenance (this process's copy, at most a poll old)."""
    return deps.shared.maintenance


def check_call(deps: Deps, method: str) -> None:
    """Refuse an RPC (full path ``/package.Service/Method``) that maintenance closes.

    Raises:
        Unavailable: "Server Maintaining".
    """
    if not deps.shared.maintenance:
        return
    if method in OPEN_METHODS or method.startswith(OPEN_METHOD_PREFIXES):
        return
    raise Unavailable(details.SERVER_MAINTAINING)


def allows_http_path(deps: Deps, path: str) -> bool:
    """Whether a plain HTTP request for ``path`` may be served now."""
    return (
        not deps.shared.maintenance
        or path in OPEN_HTTP_PATHS
        or path.startswith(OPEN_HTTP_PREFIXES)
    )


async def set_status(deps: Deps, *, caller_id: int, maintaining: bool, reason: str) -> None:
    """Turn maintenance on or off for every process (the caller's permission is checked)."""
    from ourchat.domain import state_sync

    async with deps.db.write() as conn:
        await state_store.set_maintenance(
            conn,
            on=maintaining,
            reason=reason if maintaining else "",
            since_us=deps.clock.now_us() if maintaining else None,
        )
    log.warning(
        "maintenance turned %s by user %d%s",
        "on" if maintaining else "off",
        caller_id,
        f" ({reason})" if reason and maintaining else "",
    )
    await state_sync.refresh(deps)


async def start_in_maintenance(db: Database, now_us: int, reason: str = "") -> None:
    """Store maintenance as on before a server starts (``ourchat serve --maintaining``)."""
    async with db.write() as conn:
        await state_store.set_maintenance(conn, on=True, reason=reason, since_us=now_us)
    log.warning("starting in maintenance")
