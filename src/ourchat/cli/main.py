"""The ``ourchat`` typer application."""

from __future__ import annotations

from typing import Annotated

import typer

from ourchat import __version__
from ourchat.cli import admin_commands, client_commands, serve
from ourchat.cli.help_text import OurChatGroup

app = typer.Typer(
    cls=OurChatGroup, help="OurChat server and command-line client.", no_args_is_help=True
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"ourchat {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """OurChat server and command-line client."""


app.command()(serve.serve)
app.command()(serve.migrate)
client_commands.register_commands(app)
app.add_typer(admin_commands.admin_app, name="admin")


def run() -> None:
    """Console-script entry point."""
    app()
