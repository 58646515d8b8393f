"""``ourchat serve --workers N``: who may use it, supervising workers, N servers on one port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ourchat.cli.serve import Supervisor, workers_problem
from ourchat.client import OurChatClient
from ourchat.config import Settings
from tests.conftest import IN_CI, PG_ENV
from tests.helpers import Stream, register_user
from tests.rpc.friends.common import befriend
from tests.scale import sleepers
from tests.scale.processes import CLI, ServerProcess, fresh_database, server_env

PG = "postgresql://nobody@127.0.0.1:1/none"
REDIS = "redis://127.0.0.1:1/0"


# Who may run several workers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        (
            {},
            "--workers 3 needs a PostgreSQL database_url (SQLite serves one process) and "
            "redis_url (the bus between processes)",
        ),
        (
            {"redis_url": REDIS, "database_url": "sqlite:///x.db"},
            "--workers 3 needs a PostgreSQL database_url (SQLite serves one process)",
        ),
        ({"database_url": PG}, "--workers 3 needs redis_url (the bus between processes)"),
        (
            {"database_url": PG, "redis_url": REDIS, "port": 0},
            "--workers 3 needs a fixed port (port 0 would give each worker its own)",
        ),
        ({"database_url": PG, "redis_url": REDIS}, None),
    ],
)
def test_several_workers_need_postgresql_redis_and_a_fixed_port(
    tmp_path: Path, values: dict[str, object], complaint: str | None
) -> None:
    settings = Settings(workers=3, data_dir=tmp_path, **values)  # type: ignore[arg-type]
    assert workers_problem(settings) == complaint


def test_the_command_refuses_with_one_line_before_touching_anything(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OURCHAT_")}
    result = subprocess.run(
        [sys.executable, "-c", CLI, "serve", "--workers", "2", "--data-dir", str(tmp_path / "d")],
        env={**env, "OURCHAT_DATABASE_URL": PG},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == "error: --workers 2 needs redis_url (the bus between processes)\n"
    assert not (tmp_path / "d").exists()


# The supervisor, with stand-in workers ------------------------------------------------------


def supervise(tmp_path: Path, target: object, **kwargs: object) -> tuple[Supervisor, int]:
    """Run a supervisor of two ``target`` workers; stop it once both have reported."""
    settings = Settings(workers=2, data_dir=tmp_path, machine_id=1023)
    supervisor = Supervisor(settings, target, **kwargs)  # type: ignore[arg-type]

    def stop_when_reported() -> None:
        deadline = time.monotonic() + 30
        while len(list(tmp_path.glob("worker-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        supervisor.request_stop()

    stopper = threading.Thread(target=stop_when_reported, daemon=True)
    stopper.start()
    status = supervisor.run()
    stopper.join()
    return supervisor, status


def test_workers_stop_together_and_get_their_own_machine_ids(tmp_path: Path) -> None:
    supervisor, status = supervise(tmp_path, sleepers.until_terminated)
    assert status == 0
    assert [p.exitcode for p in supervisor.procs] == [0, 0]
    ids = {(tmp_path / f"worker-{i}").read_text() for i in range(2)}
    assert ids == {"1023", "0"}  # machine_id + index, modulo 1024


def test_a_worker_that_exits_stops_the_others_and_the_status_is_1(tmp_path: Path) -> None:
    settings = Settings(workers=2, data_dir=tmp_path)
    supervisor = Supervisor(settings, sleepers.first_one_crashes)
    assert supervisor.run() == 1
    assert supervisor.procs[0].exitcode == 3
    assert supervisor.procs[1].exitcode == 0  # asked to stop, stopped cleanly


def test_a_worker_that_ignores_the_stop_is_killed(tmp_path: Path) -> None:
    supervisor, status = supervise(tmp_path, sleepers.stubborn, stop_timeout=0.3)
    assert status == 1
    assert [p.exitcode for p in supervisor.procs] == [-signal.SIGKILL, -signal.SIGKILL]


# Real servers ---------------------------------------------------------------------------------


@pytest.fixture
def workers_env(redis_server_url: str | None) -> Iterator[dict[str, str]]:
    """Environment for a ``--workers`` server on a fresh database and its own channel."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"--workers tests need PostgreSQL ({PG_ENV})")
    if redis_server_url is None:
        pytest.skip("--workers tests need Redis (OURCHAT_TEST_REDIS_URL)")
    try:
        database = fresh_database(base)
        url = database.__enter__()
    except Exception as exc:
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL at {PG_ENV} is unreachable: {exc}")
    try:
        yield server_env(url, redis_server_url, f"ourchat-test-{uuid.uuid4().hex[:12]}")
    finally:
        database.__exit__(None, None, None)


def worker_pids(pid: int) -> list[int]:
    """The worker processes of the ``serve`` process ``pid`` (Linux)."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        cmdline = Path(f"/proc/{child}/cmdline")
        if cmdline.exists() and "spawn_main" in cmdline.read_text():
            found.append(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_workers_serve_one_port_together(workers_env: dict[str, str], tmp_path: Path) -> None:
    server = ServerProcess("workers", tmp_path / "data", workers_env, "--workers", "2")
    server.start()
    try:
        server.wait_ready(workers=2)
        workers = worker_pids(server.pid)
        assert len(workers) == 2
        # Separate connections, spread by the kernel over the workers.
        clients = [OurChatClient(server.target) for _ in range(6)]
        try:
            alice = await register_user(clients[0], "alice")
            bob = await register_user(clients[1], "bob")
            session_id = await befriend(alice, bob)
            streams = []
            for client in clients[2:]:
                client.token = bob.client.token
                streams.append(Stream(client))
            sent = await alice.client.send_msg(session_id, "to every worker")
            for stream in streams:
                events = await stream.wait_for(1)
                while sent.msg_id not in [getattr(e, "msg_id", None) for e in events]:
                    events = await stream.wait_for(len(events) + 1)
            async with httpx.AsyncClient() as http:
                body = (await http.get(f"http://127.0.0.1:{server.port}/metrics")).text
            # Any worker answers for all of them.
            assert "ourchat_open_streams 4.0" in body.splitlines()
            for stream in streams:
                await stream.close()
        finally:
            for client in clients:
                await client.close()
        assert server.stop() == 0
        assert not any(alive(pid) for pid in workers)
        assert server.log().count("ourchat: shutting down") == 2
    finally:
        server.stop()
