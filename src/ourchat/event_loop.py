"""Which event loop a server process runs on: uvloop where installed, else asyncio's own.

uvloop runs the same asyncio code with the loop and its transports written in C. For this
server that matters most in the front (:mod:`ourchat.front`), which moves every native gRPC
connection's bytes through the loop, and in the per-call work asyncio does around grpcio's
callbacks.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Coroutine
from typing import Any, Literal

Choice = Literal["auto", "uvloop", "asyncio"]


def resolve(choice: Choice) -> Literal["uvloop", "asyncio"]:
    """The loop ``choice`` stands for on this machine.

    Raises:
        RuntimeError: ``uvloop`` was asked for and is not installed.
    """
    installed = importlib.util.find_spec("uvloop") is not None
    if choice == "uvloop" and not installed:
        raise RuntimeError("event_loop = uvloop, but uvloop is not installed")
    if choice == "asyncio" or not installed:
        return "asyncio"
    return "uvloop"


def run(main: Coroutine[Any, Any, None], choice: Choice) -> None:
    """Run ``main`` to completion on a new event loop of the kind ``choice`` resolves to."""
    if resolve(choice) == "uvloop":
        import uvloop

        uvloop.run(main)
    else:
        asyncio.run(main)


def running_name() -> str:
    """``uvloop`` or ``asyncio``: the loop the caller runs on."""
    module = type(asyncio.get_running_loop()).__module__
    return "uvloop" if module.startswith("uvloop") else "asyncio"
