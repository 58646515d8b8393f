"""Help screens in plain words: value placeholders instead of Python type names.

Typer labels each option with its annotation (``<str>``, ``<bool>``, ``list[str]``) and marks
options that are asked for interactively as ``[required]``. :func:`tidy` rewrites a built
command tree: flags show no placeholder, values show ``TEXT``/``INTEGER``/``PATH``..., arguments
show their name, and an option with a prompt is optional (it is asked for when missing).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

_PLACEHOLDERS = {"int": "INTEGER", "float": "NUMBER", "Path": "PATH"}


def _placeholder(option: TyperOption) -> str:
    descriptor = option.type_descriptor
    if descriptor.is_choice and descriptor.choices:
        return "|".join(str(choice) for choice in descriptor.choices)
    return _PLACEHOLDERS.get(option.bare_type().removeprefix("list[").rstrip("]"), "TEXT")


class _NamedArgument(TyperArgument):
    """An argument whose help shows its name only (the name says what to give)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def tidy(command: Any) -> None:
    """Give every parameter of ``command`` (and its subcommands) a plain placeholder."""
    help_option = command.get_help_option(command.context_class(command, info_name=command.name))
    if help_option is not None:
        help_option.metavar = ""
    for param in command.params:
        if isinstance(param, TyperOption):
            if param.is_flag:
                param.metavar = ""
            elif param.metavar is None:
                param.metavar = _placeholder(param)
            if param.prompt is not None and param.required:
                param.required = False  # asked for when missing, so not required on the line
        elif isinstance(param, TyperArgument) and type(param) is TyperArgument:
            param.__class__ = _NamedArgument
            if param.metavar is None and param.name:
                param.metavar = param.name.upper()
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            tidy(sub)


class OurChatGroup(TyperGroup):
    """The root command group: tidies the help of the whole tree before running."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        tidy(self)
        return super().main(*args, **kwargs)
