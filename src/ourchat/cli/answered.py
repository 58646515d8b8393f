"""Join requests this user answered from the command line.

The server tells only the applicant how a join request was answered, so the events a
moderator replays still hold the request. ``sessions allow`` notes each answer here (per
server, with the server's time), and ``sessions requests`` leaves out a request that is not
newer than this user's answer to it; asking again makes it show again.
"""

from __future__ import annotations

import json

from ourchat.cli import config_store

ANSWERED_FILE = "answered-join-requests.json"


def _key(session_id: int, user_id: int) -> str:
    return f"{session_id}:{user_id}"


def _read() -> dict[str, dict[str, int]]:
    try:
        data = json.loads((config_store.config_dir() / ANSWERED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def note_answer(server: str, session_id: int, user_id: int, time_us: int) -> None:
    """Remember that this user answered ``user_id``'s request to join ``session_id``."""
    data = _read()
    data.setdefault(server, {})[_key(session_id, user_id)] = time_us
    config_store.write_private(
        config_store.config_dir() / ANSWERED_FILE, (json.dumps(data, indent=2) + "\n").encode()
    )


def answered_at(server: str, session_id: int, user_id: int) -> int | None:
    """When (server time, µs) this user last answered that request, if they did."""
    value = _read().get(server, {}).get(_key(session_id, user_id))
    return value if isinstance(value, int) else None
