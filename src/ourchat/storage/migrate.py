"""Bring a database to the newest schema with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat.storage.engine import normalize_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config for ``url`` that needs no ``alembic.ini``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


async def upgrade_to_head(conn: AsyncConnection) -> None:
    """Apply every pending migration over an open connection (then commit)."""

    def _upgrade(sync_conn: object) -> None:
        cfg = alembic_config(str(conn.engine.url.render_as_string(hide_password=False)))
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, "head")

    await conn.run_sync(_upgrade)
    await conn.commit()
