"""``ourchat serve`` and ``ourchat migrate``: run or prepare a server."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Annotated

import typer

from ourchat.config import Settings, load_settings

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file", exists=True, dir_okay=False)
]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="where data lives")]


def _settings(config: Path | None, **flags: object) -> Settings:
    settings = load_settings(config, **flags)
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return settings


async def _serve(settings: Settings) -> None:
    from ourchat.server.app import OurChatServer

    server = OurChatServer(settings)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    logging.getLogger("ourchat").info("shutting down")
    await server.stop()


def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="gRPC port")] = None,
    data_dir: DataDirOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Start an OurChat server (SQLite and local files in the data dir by default)."""
    settings = _settings(config, host=host, port=port, data_dir=data_dir)
    asyncio.run(_serve(settings))


def migrate(data_dir: DataDirOpt = None, config: ConfigOpt = None) -> None:
    """Bring the database schema up to date, then exit."""
    from ourchat.server.app import prepare_database

    settings = _settings(config, data_dir=data_dir)

    async def _run() -> None:
        db = await prepare_database(settings)
        await db.dispose()

    asyncio.run(_run())
    typer.echo("database is up to date")
