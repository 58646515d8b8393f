"""A session's messages as the caller can read them, replayed from the caller's event stream."""

from __future__ import annotations

from ourchat.cli import e2ee as cli_e2ee
from ourchat.cli.pending import replay
from ourchat.cli.render import kind
from ourchat.client import E2EESession, Event, OurChatClient


async def read_history(
    client: OurChatClient,
    session_id: int,
    *,
    idle: float,
    limit: int | None = None,
    e2ee: E2EESession | None = None,
) -> list[Event]:
    """The messages of one session visible to the caller, oldest first.

    There is no history call in the protocol, so this replays the caller's events from the
    start (see :func:`ourchat.cli.pending.replay`) and keeps that session's messages, dropping
    recalled ones. With ``e2ee`` the replay also rebuilds its room keys, and encrypted
    messages come back with the text it can read.
    """
    kept: dict[int, Event] = {}
    replayed = (
        await e2ee.catch_up(idle=idle) if e2ee is not None else await replay(client, idle=idle)
    )
    for event in replayed:
        variant = kind(event)
        if variant == "msg" and event.msg.session_id == session_id:
            kept[event.msg_id] = cli_e2ee.readable(e2ee, event)
        elif variant == "recall":
            kept.pop(event.recall.msg_id, None)
    messages = list(kept.values())
    return messages[-limit:] if limit else messages
