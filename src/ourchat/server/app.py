"""Assembling one server process: database, identity, bus, gRPC with health and reflection."""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2_grpc
from grpc_reflection.v1alpha._async import ReflectionServicer

from ourchat import details, event_loop
from ourchat.clock import Clock, SystemClock
from ourchat.config import Settings
from ourchat.delivery.bus import Bus
from ourchat.delivery.memory import InProcessBus
from ourchat.deps import Deps
from ourchat.domain import files as file_rules
from ourchat.domain import (
    maintenance,
    rooms,
    runtime_config,
    server_identity,
    server_metrics,
    server_roles,
    state_sync,
)
from ourchat.domain.last_seen import LAST_SEEN_FLUSH_SECONDS
from ourchat.domain.passwords import Passwords
from ourchat.domain.rate_limits import RateLimits
from ourchat.domain.send_batcher import SendBatcher
from ourchat.domain.tokens import TokenIssuer
from ourchat.errors import Unavailable
from ourchat.files.janitor import PeriodicJob
from ourchat.files.store import LocalFileStore
from ourchat.front.acceptor import AcceptTurns
from ourchat.front.addresses import ClientAddresses
from ourchat.front.listener import Front, bind
from ourchat.front.tls import tls_context
from ourchat.http.app import build_app
from ourchat.http.server import HttpServer
from ourchat.rpc.pipeline import Pipeline
from ourchat.server.library_services import DecodingChecked
from ourchat.server.servicers import SERVICES, generic_handlers
from ourchat.snowflake import SnowflakeGenerator
from ourchat.storage import events as stored_events
from ourchat.storage import server_state as state_store
from ourchat.storage.engine import Database
from ourchat.storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 4 * 1024 * 1024
#: Where grpcio listens for the connections the front joins to it.
INTERNAL_HOST = "127.0.0.1"


def grpc_options(settings: Settings) -> list[tuple[str, int]]:
    """The grpcio server's channel arguments.

    **Accept backlog.** grpcio hands a new call to Python only when the asyncio server asks for
    the next one, once per turn of the event loop; calls that arrive faster wait in the gRPC
    core. Past 1,000 waiting calls the core's defaults begin to refuse new ones at random, and
    a refused call never reaches any handler: an asyncio client just hangs, others see
    ``CANCELLED``, and nothing is logged. A burst of reconnecting clients (thousands of
    FetchMsgs within a second or two) crosses that line whenever the loop is busy. Here the
    backlog may grow to ``max_pending_calls``, so a burst waits its turn instead; a call
    still waiting after ``pending_call_timeout_seconds`` is cancelled by the core.

    **Keepalive.** The server pings each connection after ``keepalive_time_seconds`` without
    traffic and drops it when no answer comes within ``keepalive_timeout_seconds``, so the
    streams of a phone that vanished are noticed and end. Client pings are accepted as often
    as every ``keepalive_min_client_ping_seconds``, with or without calls.
    """
    return [
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.so_reuseport", 0),  # its port is internal: one per process
        ("grpc.server.max_pending_requests", settings.max_pending_calls),
        ("grpc.server.max_pending_requests_hard_limit", settings.max_pending_calls),
        ("grpc.server_max_unrequested_time_in_server", settings.pending_call_timeout_seconds),
        ("grpc.keepalive_time_ms", settings.keepalive_time_seconds * 1000),
        ("grpc.keepalive_timeout_ms", settings.keepalive_timeout_seconds * 1000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
        (
            "grpc.http2.min_ping_interval_without_data_ms",
            settings.keepalive_min_client_ping_seconds * 1000,
        ),
    ]


def make_bus(settings: Settings) -> Bus:
    """The in-process bus, or the Redis bus when ``redis_url`` is set."""
    if settings.redis_url:
        from ourchat import metrics
        from ourchat.delivery.redis import RedisBus

        return RedisBus(
            settings.redis_url,
            settings.stream_queue_limit,
            channel_prefix=settings.redis_channel_prefix,
            on_event=metrics.observe_bus_event,
            on_connection=metrics.observe_bus_connection,
            streams_per_user=settings.max_streams_per_user,
        )
    return InProcessBus(settings.stream_queue_limit, settings.max_streams_per_user)


async def prepare_database(settings: Settings) -> Database:
    """Create the data dir, open the database and bring its schema to the newest version."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(
        settings.resolved_database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        sqlite_synchronous=settings.sqlite_synchronous,
    )
    async with db.engine.connect() as conn:
        await upgrade_to_head(conn)
    return db


class OurChatServer:
    """One running server process."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        start_in_maintenance: bool = False,
        listen_socket: socket.socket | None = None,
        accept_turns: AcceptTurns | None = None,
    ) -> None:
        """``listen_socket``: the public socket, when a supervisor bound it for its workers.

        ``accept_turns``: how the workers sharing ``listen_socket`` take turns accepting.
        """
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.start_in_maintenance = start_in_maintenance
        self.deps: Deps | None = None
        self.pipeline: Pipeline | None = None
        self.port: int | None = None
        self.grpc_port: int | None = None
        self._listen_socket = listen_socket
        self._accept_turns = accept_turns
        self._front: Front | None = None
        self._http: HttpServer | None = None
        self._janitor: PeriodicJob | None = None
        self._grpc: Any = None
        self._health: Any = None
        self._state_watcher: state_sync.StateWatcher | None = None
        self._metrics_jobs: server_metrics.MetricsJobs | None = None
        self._last_seen_job: PeriodicJob | None = None
        self._room_sweep: PeriodicJob | None = None

    async def start(self) -> int:
        """Migrate, load the identity, start the bus and listen; returns the bound port."""
        base = self.settings
        # The port first: a server that cannot have it stops before touching anything.
        sock = self._listen_socket or bind(base.host, base.port)
        self._listen_socket = sock
        db = await prepare_database(base)
        async with db.read() as conn:
            # Settings changed by SetConfig (stored in the database) apply from the start.
            settings = runtime_config.at_start(base, await state_store.overrides(conn))
        if (settings.db_pool_size, settings.db_max_overflow, settings.sqlite_synchronous) != (
            base.db_pool_size,
            base.db_max_overflow,
            base.sqlite_synchronous,
        ):
            await db.dispose()
            db = await prepare_database(settings)
        if self.start_in_maintenance:
            await maintenance.start_in_maintenance(db, self.clock.now_us())
        await server_roles.bootstrap(db, settings.initial_admin_ocid)
        identity = await server_identity.load_or_create(db)
        if settings.server_name:
            identity = server_identity.ServerIdentity(
                identity.jwt_secret, identity.unique_identifier, settings.server_name
            )
        bus = make_bus(settings)
        await bus.start()
        async with db.read() as conn:
            # After the bus is listening: events older than this never pass through it.
            bus.fanout.note_time(await stored_events.newest_time(conn))
        file_store = LocalFileStore(settings.resolved_files_dir)
        await file_store.start()
        deps = Deps(
            settings=settings,
            db=db,
            bus=bus,
            clock=self.clock,
            identity=identity,
            tokens=TokenIssuer(identity.jwt_secret, settings.token_lifetime_seconds, self.clock),
            passwords=Passwords(
                settings.argon2_memory_kib,
                settings.argon2_time_cost,
                settings.password_hash_threads,
            ),
            ids=SnowflakeGenerator(self.clock, settings.machine_id),
            file_store=file_store,
            sends=SendBatcher(),
            limits=RateLimits.from_settings(settings),
        )
        self.deps = deps
        deps.process.started_us = self.clock.now_us()
        await state_sync.load_at_start(deps, base)
        await file_rules.clean_up(deps, at_start=True)
        self.pipeline = pipeline = Pipeline(deps)
        addresses = ClientAddresses()
        server = grpc.aio.server(options=grpc_options(settings))
        server.add_generic_rpc_handlers(generic_handlers(pipeline, addresses.of_peer))
        self._health = health.aio.HealthServicer()  # type: ignore[attr-defined]
        health_pb2_grpc.add_HealthServicer_to_server(self._health, DecodingChecked(server))
        names = [s.full_name for s in SERVICES.values()]
        reflection_pb2_grpc.add_ServerReflectionServicer_to_server(
            ReflectionServicer([*names, reflection.SERVICE_NAME]),
            DecodingChecked(server),
        )
        # grpcio listens on the loopback only; the front joins native gRPC clients to it.
        self.grpc_port = server.add_insecure_port(f"{INTERNAL_HOST}:0")
        await server.start()
        for name in ["", *names]:
            await self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
        self._grpc = server
        self._http = HttpServer(build_app(deps, pipeline))
        await self._http.start()
        self._front = Front(
            self.grpc_port,
            self._http.protocol,
            tls=tls_context(settings),
            addresses=addresses,
            turns=self._accept_turns,
        )
        self.port = await self._front.start(sock)
        self._janitor = PeriodicJob(
            "file-cleanup",
            lambda: file_rules.clean_up(deps),
            settings.files_cleanup_interval_seconds,
        )
        self._janitor.start()
        self._state_watcher = state_sync.StateWatcher(deps)
        self._state_watcher.start()
        self._metrics_jobs = server_metrics.MetricsJobs(deps)
        await self._metrics_jobs.start()
        self._last_seen_job = PeriodicJob(
            "last-seen", lambda: deps.last_seen.flush(deps.db), LAST_SEEN_FLUSH_SECONDS
        )
        self._last_seen_job.start()
        self._room_sweep = PeriodicJob(
            "room-sweep", lambda: rooms.sweep(deps), lambda: rooms.sweep_interval(deps)
        )
        self._room_sweep.start()
        log.info(
            "ourchat listening on %s:%d (gRPC, gRPC-Web and HTTP%s); data in %s; database %s;"
            " event loop %s",
            settings.host,
            self.port,
            ", TLS" if settings.tls_cert_file is not None else "",
            settings.data_dir.absolute(),
            db.engine.url.render_as_string(hide_password=True),
            event_loop.running_name(),
        )
        return self.port

    async def stop(self, grace: float = 5.0) -> None:
        """End open streams, finish in-flight calls within ``grace`` seconds, close the pool."""
        if self._janitor is not None:
            await self._janitor.stop()
        for job in (
            self._state_watcher,
            self._metrics_jobs,
            self._last_seen_job,
            self._room_sweep,
        ):
            if job is not None:
                await job.stop()
        if self.deps is not None:
            with contextlib.suppress(Exception):
                await self.deps.last_seen.flush(self.deps.db)
        if self._front is not None:
            await self._front.stop_accepting()
        if self._health is not None:
            await self._health.enter_graceful_shutdown()
        if self.deps is not None:
            # Open streams end now on every transport, so none holds the HTTP side open.
            self.deps.bus.fanout.end_streams(Unavailable(details.SHUTTING_DOWN))
        if self._http is not None:
            await self._http.stop(grace)
        if self.deps is not None:
            await self.deps.bus.close()
        if self._grpc is not None:
            await self._grpc.stop(grace)
        if self._front is not None:
            self._front.close_connections()
        if self._listen_socket is not None:
            self._listen_socket.close()
        if self.deps is not None:
            await self.deps.file_store.close()
            await self.deps.db.dispose()
            self.deps.passwords.close()

    @property
    def http_port(self) -> int | None:
        """The port of the HTTP routes and gRPC-Web: the one port, :attr:`port`."""
        return self.port

    async def wait(self) -> None:
        """Block until the gRPC server stops."""
        if self._grpc is not None:
            await self._grpc.wait_for_termination()
