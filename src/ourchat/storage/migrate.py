"""Bring a database to the newest schema with Alembic."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import normalize_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config for ``url`` that needs no ``alembic.ini``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


# Any fixed number: PostgreSQL advisory-lock key that serialises concurrent migrations.
MIGRATION_LOCK_KEY = 0x6F757263


async def upgrade_to_head(conn: AsyncConnection) -> None:
    """Apply every pending migration over an open connection (then commit).

    Processes that start together migrate one at a time (a PostgreSQL advisory lock, or a lock
    file beside the SQLite database); the later ones then find nothing left to do.
    """

    def _upgrade(sync_conn: object) -> None:
        cfg = alembic_config(str(conn.engine.url.render_as_string(hide_password=False)))
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, "head")

    async with _exclusive(conn):
        await conn.run_sync(_upgrade)
        await conn.commit()


@contextlib.asynccontextmanager
async def _exclusive(conn: AsyncConnection) -> AsyncIterator[None]:
    """Hold a lock that only one migrating process at a time may hold for this database."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        await conn.commit()
        try:
            yield
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            await conn.commit()
        return
    database = conn.engine.url.database
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(f"{database}.migrate-lock")
    fd = await asyncio.to_thread(os.open, lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
