"""The ``ourchat`` typer application."""

from __future__ import annotations

import typer

from ourchat.cli import admin_commands, client_commands, serve

app = typer.Typer(help="OurChat server and command-line client.", no_args_is_help=True)
app.command()(serve.serve)
app.command()(serve.migrate)
client_commands.register_commands(app)
app.add_typer(admin_commands.admin_app, name="admin")


def run() -> None:
    """Console-script entry point."""
    app()
