"""Shared fixtures: a real server on 127.0.0.1:0 over a fresh database, and SDK clients.

Every test that uses ``server`` runs once on SQLite and, when ``OURCHAT_TEST_DATABASE_URL``
is set, once more on PostgreSQL. Under ``CI=true`` an unreachable PostgreSQL fails the run
instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.ids import PREDEFINED_ROLES
from ourchat.server.app import OurChatServer
from tests.helpers import User, register_user

PG_ENV = "OURCHAT_TEST_DATABASE_URL"
REDIS_ENV = "OURCHAT_TEST_REDIS_URL"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


async def _pg_execute(url: str, *statements: str) -> None:
    engine = create_async_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for stmt in statements:
                await conn.execute(text(stmt))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this run (dropped at the end), or None without one."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield None
        return
    name = f"ourchat_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_pg_execute(base, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        if IN_CI:
            raise RuntimeError(f"PostgreSQL at {PG_ENV} is unreachable: {exc}") from exc
        yield None
        return
    url = make_url(_admin_url(base)).set(database=name).render_as_string(hide_password=False)
    yield url
    asyncio.run(_pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _reset_pg(url: str) -> None:
    """Empty every table but the seeded ones, so each test starts from a new server."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            exists = (await conn.execute(text("SELECT to_regclass('public.users')"))).scalar()
            if exists is None:
                return
            names = [
                r[0]
                for r in await conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND "
                        "tablename NOT IN ('alembic_version', 'permissions', 'roles', "
                        "'role_permissions', 'event_clock', 'server_permissions', "
                        "'server_roles', 'server_role_permissions', 'server_state')"
                    )
                )
            ]
            await conn.execute(text(f"TRUNCATE {', '.join(names)} CASCADE"))
            # TRUNCATE ... CASCADE also empties the seeded roles (custom roles point at
            # sessions), so put the predefined ones back.
            await conn.execute(text("TRUNCATE roles, role_permissions CASCADE"))
            for role, (name, description, perms) in PREDEFINED_ROLES.items():
                await conn.execute(
                    text("INSERT INTO roles (id, name, description) VALUES (:i, :n, :d)"),
                    {"i": int(role), "n": name, "d": description},
                )
                for perm in sorted(perms):
                    await conn.execute(
                        text("INSERT INTO role_permissions VALUES (:r, :p)"),
                        {"r": int(role), "p": perm},
                    )
            await conn.execute(text("SELECT setval(pg_get_serial_sequence('roles', 'id'), 3)"))
            await conn.execute(text("UPDATE event_clock SET last_id = 0, last_time = 0"))
            # Server roles a test added go; the seeded administrator role and state stay.
            await conn.execute(text("DELETE FROM server_roles WHERE id > 1"))
            await conn.execute(
                text("SELECT setval(pg_get_serial_sequence('server_roles', 'id'), 1)")
            )
            await conn.execute(
                text(
                    "UPDATE server_state SET version = 0, maintenance = false, "
                    "maintenance_reason = '', maintenance_since = NULL, config_version = 0"
                )
            )
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_database: str | None
) -> str:
    """The database URL of one test: a new SQLite file, or the emptied PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'ourchat.db'}"
    if pg_database is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    await _reset_pg(pg_database)
    return pg_database


@pytest.fixture
def clock() -> ManualClock:
    """The server's clock; only moves when a test advances it."""
    return ManualClock()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Test settings: loopback, port 0, fast password hashing."""
    return Settings(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        database_url=database_url,
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        password_strength_limit=1,
    )


@pytest.fixture
async def server(settings: Settings, clock: ManualClock) -> AsyncIterator[OurChatServer]:
    """A running server; stopped after the test."""
    srv = OurChatServer(settings, clock=clock)
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop(grace=0.5)


@pytest.fixture
async def connect(server: OurChatServer) -> AsyncIterator[Callable[[], OurChatClient]]:
    """A factory of SDK clients connected to ``server`` (all closed after the test)."""
    clients: list[OurChatClient] = []

    def _make() -> OurChatClient:
        client = OurChatClient(f"127.0.0.1:{server.port}")
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.close()


@pytest.fixture
def new_user(
    connect: Callable[[], OurChatClient],
) -> Callable[..., Awaitable[User]]:
    """Register a fresh user and return it with a logged-in client."""

    async def _make(name: str = "user") -> User:
        return await register_user(connect(), name)

    return _make


@pytest.fixture(scope="session")
def redis_server_url() -> str | None:
    """The Redis at ``OURCHAT_TEST_REDIS_URL`` if it answers PING, else None (fails under CI)."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if IN_CI:
            raise RuntimeError(f"Redis at {REDIS_ENV} is unreachable: {exc}") from exc
        return None
    finally:
        client.close()
    return url


@pytest.fixture
def redis_url(redis_server_url: str | None) -> str:
    """The test Redis URL; the test is skipped (with the reason shown) without one."""
    if redis_server_url is None:
        pytest.skip(f"Redis tests need {REDIS_ENV} pointing at a reachable Redis")
    return redis_server_url


@pytest.fixture
def redis_prefix() -> str:
    """A channel prefix of this test alone, so parallel runs on one Redis never mix."""
    return f"ourchat-test-{uuid.uuid4().hex[:12]}"
