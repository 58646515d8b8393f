"""Real ``ourchat serve`` processes for the scale-out tests, and a fresh PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.scale.conftest import free_port

START_TIMEOUT_SECONDS = 60.0
# Probe often: the default reconnect backoff grows past the start timeout while a loaded
# machine is still starting the server.
PROBE_CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
]
CLI = "from ourchat.cli.main import run; run()"


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


async def _execute(url: str, statement: str) -> None:
    engine = create_async_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@contextmanager
def fresh_database(base_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database next to ``base_url``'s (dropped afterwards)."""
    name = f"ourchat_scale_{uuid.uuid4().hex[:12]}"
    asyncio.run(_execute(base_url, f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(_admin_url(base_url)).set(database=name).render_as_string(hide_password=False)
        )
    finally:
        asyncio.run(_execute(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def server_env(database_url: str, redis_url: str, channel_prefix: str) -> dict[str, str]:
    """Environment of a test server: shared database and bus, cheap hashing, quick locks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OURCHAT_")}
    env.update(
        OURCHAT_HOST="127.0.0.1",
        OURCHAT_DATABASE_URL=database_url,
        OURCHAT_REDIS_URL=redis_url,
        OURCHAT_REDIS_CHANNEL_PREFIX=channel_prefix,
        OURCHAT_ARGON2_MEMORY_KIB="1024",
        OURCHAT_ARGON2_TIME_COST="1",
        OURCHAT_PASSWORD_STRENGTH_LIMIT="1",
        OURCHAT_LOCK_ACCOUNT_AFTER_FAILED_LOGINS="3",
        OURCHAT_LOG_LEVEL="INFO",
    )
    return env


class ServerProcess:
    """``ourchat serve`` in a child process, with its log in a file."""

    def __init__(
        self, name: str, data_dir: Path, env: dict[str, str], *extra_args: str, port: int = 0
    ) -> None:
        self.name = name
        self.port = port or free_port()
        self.target = f"127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"{name}.log"
        self.env = dict(env)
        self.args = [
            sys.executable,
            "-c",
            CLI,
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(data_dir),
            *extra_args,
        ]
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        """Start the process (returns at once; see :meth:`wait_ready`)."""
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = START_TIMEOUT_SECONDS, workers: int = 1) -> None:
        """Wait until the gRPC health check answers SERVING and ``workers`` processes listen.

        The health check reaches whichever worker accepts the probe, so with several workers
        the log tells when every one of them listens.
        """
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        with grpc.insecure_channel(self.target, options=PROBE_CHANNEL_OPTIONS) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited early:\n{self.log()}")
                try:
                    reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    serving = reply.status == health_pb2.HealthCheckResponse.SERVING
                    if serving and self.log().count("ourchat listening on") >= workers:
                        return
                except grpc.RpcError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not start in {timeout} s:\n{self.log()}")
                time.sleep(0.05)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, wait, SIGKILL if needed; returns the exit status."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"{self.name} ignored SIGTERM:\n{self.log()}") from None
