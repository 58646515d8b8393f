"""The ``ourchat`` typer application."""

from __future__ import annotations

import typer

from ourchat.cli import client_commands, serve

app = typer.Typer(help="OurChat server and command-line client.", no_args_is_help=True)
app.command()(serve.serve)
app.command()(serve.migrate)
client_commands.register_commands(app)


def run() -> None:
    """Console-script entry point."""
    app()
