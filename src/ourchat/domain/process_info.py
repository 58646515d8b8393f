"""Who this server process is, for the figures it reports to the others."""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field


def _new_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class ProcessInfo:
    """This process's id, start time and the event-loop lag it measured lately."""

    id: str = field(default_factory=_new_id)
    started_us: int = 0
    loop_lag_us: int = 0
