"""The exit codes of every ``ourchat`` command, in one place (the README lists them).

| code | meaning |
|---|---|
| 0 | done |
| 1 | the server refused the request (its reason is printed) |
| 2 | usage: a wrong argument or option, a missing file, something to fix on the command line |
| 3 | cannot reach the server (not running, wrong address, or it is going down) |
| 4 | not logged in, or the login is no longer valid: run ``ourchat login`` |
| 130 | interrupted (Ctrl-C) where that is not the normal way out |
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What a command's exit status means."""

    OK = 0
    REFUSED = 1
    USAGE = 2
    UNREACHABLE = 3
    LOGIN = 4
    INTERRUPTED = 130
