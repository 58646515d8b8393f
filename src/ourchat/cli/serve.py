"""``ourchat serve`` and ``ourchat migrate``: run or prepare a server.

One server per port: ``serve`` stops with one line when its port is taken by anything else.
``serve --workers N`` (N > 1) runs N server processes on one port. The parent migrates the
database once, binds the port, then starts each worker in a fresh interpreter (multiprocessing
*spawn*) with that socket: every worker accepts connections on it (each has its own internal
gRPC port), and no process outside the set can join it. The workers share the PostgreSQL
database, the Redis bus and the file store, so N > 1 is refused unless ``database_url`` is
PostgreSQL and ``redis_url`` is set.

The parent forwards SIGINT and SIGTERM to the workers as SIGTERM (workers ignore SIGINT, so a
terminal's Ctrl-C reaches them once, through the parent) and waits for them. If a worker exits
on its own, the parent stops the others and exits with status 1, so a supervisor such as
systemd restarts the whole set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import secrets
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable, MutableSequence
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from ourchat import event_loop
from ourchat.cli.exit_codes import ExitCode
from ourchat.config import Settings, load_settings
from ourchat.front.acceptor import AcceptTurns
from ourchat.front.listener import PortInUse, bind

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file", exists=True, dir_okay=False)
]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="where data lives")]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
STOP_TIMEOUT_SECONDS = 30.0

log = logging.getLogger("ourchat.serve")


def _configure_logging(settings: Settings, tag: str = "") -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format=f"%(asctime)s %(levelname)s {tag}%(name)s: %(message)s",
    )
    if logging.getLogger().level > logging.DEBUG:
        # Alembic tells every step of every migration at INFO; only DEBUG wants that.
        logging.getLogger("alembic").setLevel(logging.WARNING)


def _settings(config: Path | None, **flags: object) -> Settings:
    settings = load_settings(config, **flags)
    _configure_logging(settings)
    return settings


async def _serve(
    settings: Settings,
    stop_signals: tuple[signal.Signals, ...],
    maintaining: bool = False,
    listen_socket: socket.socket | None = None,
    accept_turns: AcceptTurns | None = None,
) -> None:
    from ourchat.server.app import OurChatServer

    server = OurChatServer(
        settings,
        start_in_maintenance=maintaining,
        listen_socket=listen_socket,
        accept_turns=accept_turns,
    )
    # Handlers go in first: a stop signal that arrives while starting ends the start cleanly.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in stop_signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        await server.start()
    except BaseException:
        await server.stop(grace=0)
        raise
    await stop.wait()
    logging.getLogger("ourchat").info("shutting down")
    await server.stop()


def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="the one port: gRPC, gRPC-Web and HTTP")] = None,
    data_dir: DataDirOpt = None,
    config: ConfigOpt = None,
    workers: Annotated[
        int | None,
        typer.Option(help="server processes sharing the port (needs PostgreSQL and Redis)"),
    ] = None,
    maintaining: Annotated[
        bool,
        typer.Option(
            "--maintaining",
            help="start in maintenance (lift it with `ourchat admin maintenance off`)",
        ),
    ] = False,
) -> None:
    """Start an OurChat server (SQLite and local files in the data dir by default)."""
    settings = _settings(config, host=host, port=port, data_dir=data_dir, workers=workers)
    try:
        if settings.workers == 1:
            event_loop.run(
                _serve(settings, (signal.SIGINT, signal.SIGTERM), maintaining), settings.event_loop
            )
            return
        problem = workers_problem(settings)
        if problem is not None:
            typer.echo(f"error: {problem}", err=True)
            raise typer.Exit(ExitCode.USAGE)
        raise typer.Exit(run_workers(settings, maintaining=maintaining))
    except PortInUse as exc:
        typer.echo(f"error: {exc.strerror}; is another server running? (--port)", err=True)
        raise typer.Exit(ExitCode.USAGE) from None


def migrate(data_dir: DataDirOpt = None, config: ConfigOpt = None) -> None:
    """Bring the database schema up to date, then exit."""
    settings = _settings(config, data_dir=data_dir)
    asyncio.run(_prepare(settings))
    typer.echo("database is up to date")


async def _prepare(settings: Settings, maintaining: bool = False) -> None:
    """Migrate and make sure the server identity exists, so workers only read it.

    With ``maintaining``, maintenance is stored as on before any worker starts.

    Imports only the storage layer: the parent of ``--workers`` never needs the server itself.
    """
    from ourchat.domain import server_identity
    from ourchat.storage.engine import Database
    from ourchat.storage.migrate import upgrade_to_head

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url, pool_size=1, max_overflow=0)
    try:
        async with db.engine.connect() as conn:
            await upgrade_to_head(conn)
        await server_identity.load_or_create(db)
        if maintaining:
            from ourchat.domain import maintenance

            await maintenance.start_in_maintenance(db, time.time_ns() // 1000)
    finally:
        await db.dispose()


# Several workers ------------------------------------------------------------------------


def workers_problem(settings: Settings) -> str | None:
    """Why ``settings`` cannot run as several processes, in one line, or None if it can."""
    from ourchat.storage.engine import normalize_url

    missing = []
    if not normalize_url(settings.resolved_database_url).startswith("postgresql"):
        missing.append("a PostgreSQL database_url (SQLite serves one process)")
    if not settings.redis_url:
        missing.append("redis_url (the bus between processes)")
    if settings.port == 0:
        missing.append("a fixed port (port 0 would give each worker its own)")
    if not missing:
        return None
    return f"--workers {settings.workers} needs " + " and ".join(missing)


def worker_settings(settings: Settings, index: int, base_machine_id: int) -> Settings:
    """The settings of worker ``index``: one process, its own snowflake machine id."""
    return settings.model_copy(
        update={"workers": 1, "machine_id": (base_machine_id + index) % 1024}
    )


def _worker_main(
    settings: Settings,
    index: int,
    listen_socket: socket.socket,
    accept_counts: MutableSequence[int],
) -> None:
    """Body of one worker process.

    ``listen_socket`` is the port, bound by the parent; ``accept_counts``, shared by the
    workers, holds how many connections each accepted (see :class:`AcceptTurns`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _configure_logging(settings, f"[worker {index}] ")
    turns = AcceptTurns(accept_counts, index)
    event_loop.run(
        _serve(settings, (signal.SIGTERM,), listen_socket=listen_socket, accept_turns=turns),
        settings.event_loop,
    )


#: A worker's body: ``(settings, index)``, plus, when the supervisor has a listening socket,
#: that socket and the workers' shared accept counts.
WorkerTarget = Callable[..., None]


class Supervisor:
    """Starts the workers, forwards stop signals to them and waits for every one.

    Args:
        settings: the server settings; ``settings.workers`` processes are started.
        target: the body of a worker, called as ``target(worker_settings, index)`` in a new
            interpreter (so it must be importable).
        stop_timeout: how long stopping workers get before they are killed.
        listen_socket: the bound public port, passed to every worker as a third argument, with
            the shared accept counts (one slot per worker) as a fourth.
    """

    def __init__(
        self,
        settings: Settings,
        target: WorkerTarget = _worker_main,
        stop_timeout: float = STOP_TIMEOUT_SECONDS,
        listen_socket: socket.socket | None = None,
    ) -> None:
        self.settings = settings
        self.listen_socket = listen_socket
        self.target = target
        self.stop_timeout = stop_timeout
        self.procs: list[BaseProcess] = []
        self.stopping = False
        self.stop_deadline: float | None = None
        self.status = 0

    def request_stop(self, signum: int | None = None, _frame: FrameType | None = None) -> None:
        """Ask every worker to stop (a signal handler; also safe to call directly)."""
        if signum is not None and not self.stopping:
            log.info(
                "received %s; stopping %d workers", signal.Signals(signum).name, len(self.procs)
            )
        if not self.stopping:
            self.stopping = True
            self.stop_deadline = time.monotonic() + self.stop_timeout
        for proc in self.procs:
            if proc.exitcode is None and proc.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)

    def run(self) -> int:
        """Start the workers and wait until all have exited; returns the exit status."""
        settings = self.settings
        base = settings.machine_id if settings.machine_id is not None else secrets.randbelow(1024)
        context = multiprocessing.get_context("spawn")
        accept_counts = context.Array("q", settings.workers, lock=False)
        for index in range(settings.workers):
            if self.stopping:
                break
            args: tuple[object, ...] = (worker_settings(settings, index, base), index)
            if self.listen_socket is not None:
                args = (*args, self.listen_socket, accept_counts)
            proc = context.Process(
                target=self.target,
                args=args,
                name=f"ourchat-worker-{index}",
            )
            proc.start()
            self.procs.append(proc)
        log.info(
            "started %d workers on %s:%d (pids %s)",
            len(self.procs),
            settings.host,
            settings.port,
            ", ".join(str(p.pid) for p in self.procs),
        )
        if self.stopping:  # a signal arrived while starting: the late ones need it too
            self.request_stop()
        self._wait()
        return self.status

    def _wait(self) -> None:
        alive = list(self.procs)
        while alive:
            # Wake up now and then: a stop requested meanwhile (from a signal handler, which
            # does not cut a wait short) has a deadline to enforce.
            timeout = 0.25
            if self.stop_deadline is not None:
                timeout = min(timeout, max(0.0, self.stop_deadline - time.monotonic()))
            ready = multiprocessing.connection.wait([p.sentinel for p in alive], timeout)
            for proc in [p for p in alive if p.sentinel in ready]:
                proc.join()
                alive.remove(proc)
                _mark_dead(proc.pid)
                if not self.stopping:
                    log.error(
                        "worker %s (pid %s) exited with status %s; stopping the others",
                        proc.name,
                        proc.pid,
                        proc.exitcode,
                    )
                    self.status = 1
                    self.request_stop()
                elif proc.exitcode not in (0, -signal.SIGTERM):
                    self.status = 1
            if alive and self.stop_deadline is not None and time.monotonic() >= self.stop_deadline:
                for proc in alive:
                    log.error("worker %s did not stop in time; killing it", proc.name)
                    proc.kill()
                self.status = 1
                self.stop_deadline = None


def _mark_dead(pid: int | None) -> None:
    if pid is None or not os.environ.get(MULTIPROC_ENV):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def run_workers(settings: Settings, *, maintaining: bool = False) -> int:
    """Run ``settings.workers`` server processes until a stop signal; returns the exit status.

    Metrics: unless ``PROMETHEUS_MULTIPROC_DIR`` is already set, the workers share a fresh
    temporary directory for their samples, so ``/metrics`` on any worker covers all of them.
    """
    listen_socket = bind(settings.host, settings.port)
    asyncio.run(_prepare(settings, maintaining))
    own_metrics_dir = None
    if not os.environ.get(MULTIPROC_ENV):
        own_metrics_dir = tempfile.mkdtemp(prefix="ourchat-metrics-")
        os.environ[MULTIPROC_ENV] = own_metrics_dir
    supervisor = Supervisor(settings, listen_socket=listen_socket)
    previous = {
        sig: signal.signal(sig, supervisor.request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return supervisor.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        listen_socket.close()
        if own_metrics_dir is not None:
            del os.environ[MULTIPROC_ENV]
            shutil.rmtree(own_metrics_dir, ignore_errors=True)
