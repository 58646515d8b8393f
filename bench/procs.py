"""Server processes of a run: ``ourchat serve`` and the bare server, on free loopback ports.

Both are started as child processes with their output in a log file; they are ready when a
first call answers. :func:`rss_bytes` reads a process's resident memory from ``/proc``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import grpc

from bench import bare

START_TIMEOUT_S = 60.0
# Probe often: the default reconnect backoff grows past the start timeout on a loaded machine.
PROBE_CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
]
STOP_TIMEOUT_S = 20.0
HOST = "127.0.0.1"

#: The benchmark drives a few accounts from one address far harder than a person would, and
#: opens up to 100 streams per account: ourchat's per-user and per-address limits are off.
NO_LIMITS = {
    "OURCHAT_MAX_STREAMS_PER_USER": "0",
    "OURCHAT_SEND_MSGS_PER_USER_PER_MINUTE": "0",
    "OURCHAT_AUTH_CALLS_PER_ADDRESS_PER_MINUTE": "0",
}

#: Argon2 settings for servers that register many users: cheap, so that set-up is quick.
#: Figure 6 runs on a server with the real defaults instead.
CHEAP_ARGON2 = {"OURCHAT_ARGON2_MEMORY_KIB": "1024", "OURCHAT_ARGON2_TIME_COST": "1"}


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def rss_bytes(pid: int) -> int:
    """The resident set size of process ``pid`` in bytes (``VmRSS`` of ``/proc/PID/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def ourchat_env(
    *,
    http_port: int,
    cheap_argon2: bool,
    database_url: str | None = None,
    redis_url: str | None = None,
    extra: Mapping[str, str] | None = None,
    limits_off: bool = True,
) -> dict[str, str]:
    """The environment of a benchmarked ``ourchat serve``: this one, minus other OURCHAT_*.

    ``limits_off`` turns ourchat's per-user and per-address limits off (:data:`NO_LIMITS`).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("OURCHAT_")}
    env.update(OURCHAT_HOST=HOST, OURCHAT_HTTP_PORT=str(http_port), OURCHAT_LOG_LEVEL="WARNING")
    if limits_off:
        env.update(NO_LIMITS)
    if cheap_argon2:
        env.update(CHEAP_ARGON2)
    if database_url:
        env["OURCHAT_DATABASE_URL"] = database_url
    if redis_url:
        env["OURCHAT_REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


class ServerProcess:
    """One server in a child process.

    Args:
        name: shown in errors; also the log file's name.
        args: the command line.
        env: its environment.
        port: the gRPC port it listens on.
        log_dir: where ``<name>.log`` is written.
    """

    def __init__(
        self, name: str, args: list[str], env: dict[str, str], port: int, log_dir: Path
    ) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.port = port
        self.target = f"{HOST}:{port}"
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self.proc is not None, "not started"
        return self.proc.pid

    def start(self) -> None:
        """Start the process; :meth:`wait_ready` waits until it answers."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's log."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def wait_ready(self, probe_method: str, probe: bytes) -> None:
        """Call ``probe_method`` until it answers anything but UNAVAILABLE.

        Raises:
            RuntimeError: the process exited or did not answer within the start timeout.
        """
        assert self.proc is not None, "not started"
        deadline = time.monotonic() + START_TIMEOUT_S
        async with grpc.aio.insecure_channel(self.target, options=PROBE_CHANNEL_OPTIONS) as channel:
            call = channel.unary_unary(
                probe_method, request_serializer=None, response_deserializer=None
            )
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
                try:
                    await call(probe, timeout=1.0)
                    return
                except grpc.aio.AioRpcError as exc:
                    if exc.code() not in (
                        grpc.StatusCode.UNAVAILABLE,
                        grpc.StatusCode.DEADLINE_EXCEEDED,
                    ):
                        return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not start:\n{self.log_tail()}")
                await asyncio.sleep(0.05)

    def rss(self) -> int:
        """The server's resident memory in bytes."""
        return rss_bytes(self.pid)

    def stop(self) -> int:
        """SIGTERM, then SIGKILL if it does not exit in time; returns the exit status."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def bare_server(log_dir: Path, name: str = "bare") -> ServerProcess:
    """The bare grpc.aio server (``python -m bench.bare``) on a free port."""
    port = free_port()
    args = [sys.executable, "-m", "bench.bare", "--host", HOST, "--port", str(port)]
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return ServerProcess(name, args, env, port, log_dir)


def ourchat_server(
    name: str,
    data_dir: Path,
    log_dir: Path,
    *,
    cheap_argon2: bool = True,
    database_url: str | None = None,
    redis_url: str | None = None,
    workers: int = 1,
    extra_env: Mapping[str, str] | None = None,
    limits_off: bool = True,
) -> ServerProcess:
    """``ourchat serve`` on free ports with its data in ``data_dir``."""
    port = free_port()
    env = ourchat_env(
        http_port=free_port(),
        cheap_argon2=cheap_argon2,
        database_url=database_url,
        redis_url=redis_url,
        extra=extra_env,
        limits_off=limits_off,
    )
    args = [
        sys.executable,
        "-c",
        "from ourchat.cli.main import run; run()",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    if workers > 1:
        args += ["--workers", str(workers)]
    return ServerProcess(name, args, env, port, log_dir)


async def start_bare(log_dir: Path, name: str = "bare") -> ServerProcess:
    """Start the bare server and wait until it answers."""
    server = bare_server(log_dir, name)
    server.start()
    try:
        await server.wait_ready(bare.ECHO, b"ready?")
    except BaseException:
        server.stop()
        raise
    return server


async def start_ourchat(
    name: str,
    data_dir: Path,
    log_dir: Path,
    *,
    cheap_argon2: bool = True,
    database_url: str | None = None,
    redis_url: str | None = None,
    workers: int = 1,
    extra_env: Mapping[str, str] | None = None,
    limits_off: bool = True,
) -> ServerProcess:
    """Start ``ourchat serve`` (see :func:`ourchat_server`) and wait until it answers."""
    from bench.driver import PING_METHOD

    server = ourchat_server(
        name,
        data_dir,
        log_dir,
        cheap_argon2=cheap_argon2,
        database_url=database_url,
        redis_url=redis_url,
        workers=workers,
        extra_env=extra_env,
        limits_off=limits_off,
    )
    server.start()
    try:
        await server.wait_ready(PING_METHOD, b"")
    except BaseException:
        server.stop()
        raise
    return server
