"""``ourchat chat SESSION``: a line-based interactive chat in the terminal.

Each line typed is sent to the session; messages from the others are printed above the
prompt as they arrive; Ctrl-D (end of input) or Ctrl-C leaves. Standard input is read by a
small background thread, so this needs nothing beyond the standard library. On a terminal, an
incoming message clears the prompt line before printing (text being typed stays in the
terminal's line buffer and is still sent on Enter).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from typing import Annotated

import typer

from ourchat.cli import e2ee as cli_e2ee
from ourchat.cli.common import (
    Names,
    ServerOpt,
    disconnect_reason,
    local_clock,
    logged_in,
    parse_session,
    require_member,
    run,
    start_of_now,
)
from ourchat.client import (
    E2EESession,
    OurChatClient,
    OurChatRpcError,
    UnauthenticatedError,
)

PROMPT = "> "


class Screen:
    """Writes chat lines to the terminal, keeping the prompt at the bottom."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive

    def _write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def prompt(self) -> None:
        """Show the input prompt."""
        if self.interactive:
            self._write(PROMPT)

    def line(self, text: str) -> None:
        """Print a line above the prompt."""
        if self.interactive:
            self._write(f"\r\x1b[K{text}\n{PROMPT}")
        else:
            self._write(f"{text}\n")

    def notice(self, text: str) -> None:
        """Print a line of its own (before a prompt is shown)."""
        self._write(f"{text}\n")


def _stdin_lines(loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """Lines of standard input, read by a daemon thread; None at end of input."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def hand_over(item: str | None) -> bool:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the loop is gone: the chat has ended
            return False
        return True

    def pump() -> None:
        try:
            for line in iter(sys.stdin.readline, ""):
                if not hand_over(line):
                    return
        except (OSError, ValueError):
            pass
        hand_over(None)

    threading.Thread(target=pump, name="ourchat-chat-stdin", daemon=True).start()
    return queue


async def _receive(
    client: OurChatClient,
    session_id: int,
    since_us: int,
    me: int,
    screen: Screen,
    e2ee: E2EESession | None,
) -> None:
    """Print the other members' messages of the session as they arrive (decrypted)."""
    names = Names(client)
    shown: dict[int, str] = {}

    def on_disconnect(error: OurChatRpcError | None, delay: float) -> None:
        reason = disconnect_reason(error)
        screen.line(f"* connection lost ({reason}); reconnecting in {delay:.1f}s")

    async for event in client.events(since_us, on_disconnect=on_disconnect):
        if e2ee is not None:
            await e2ee.handle(event)
        variant = event.WhichOneof("respond_event_type")
        if variant == "msg" and event.msg.session_id == session_id:
            if event.msg.sender_id == me:
                continue
            who = await names.name(event.msg.sender_id)
            shown[event.msg_id] = who
            text = cli_e2ee.readable(e2ee, event).msg.markdown_text
            screen.line(f"[{local_clock(event.time)}] {who}: {text}")
        elif variant == "recall" and event.recall.msg_id in shown:
            screen.line(f"* {shown[event.recall.msg_id]} recalled a message")


def chat(
    session: Annotated[str, typer.Argument(help="session id")], server: ServerOpt = None
) -> None:
    """Chat in a session: type lines to send them; Ctrl-D leaves."""

    async def main() -> None:
        session_id = parse_session(session)
        async with logged_in(server, session=session_id) as (client, profile):
            info = await require_member(client, session_id)
            since = await start_of_now(client)
            e2ee = await cli_e2ee.ready_session(client, profile)
            if e2ee is not None:
                since = max(since, e2ee.cursor_us)
            screen = Screen(sys.stdin.isatty() and sys.stdout.isatty())
            title = info.name or f"session {session_id}"
            screen.notice(
                f"Chatting in {title} (session {session_id}, {len(info.members)} members) as "
                f"{profile.ocid}. Enter sends a line; Ctrl-D leaves."
            )
            lines = _stdin_lines(asyncio.get_running_loop())
            receiver = asyncio.create_task(
                _receive(client, session_id, since, profile.user_id, screen, e2ee)
            )
            try:
                await _send_lines(client, e2ee, session_id, lines, receiver, screen)
            finally:
                receiver.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await receiver
            screen.notice("\nLeft the chat.")

    run(main, server=server, interrupt_ok=True)


async def _send_lines(
    client: OurChatClient,
    e2ee: E2EESession | None,
    session_id: int,
    lines: asyncio.Queue[str | None],
    receiver: asyncio.Task[None],
    screen: Screen,
) -> None:
    """Send each typed line until end of input (or until receiving fails for good)."""
    while True:
        screen.prompt()
        next_line = asyncio.ensure_future(lines.get())
        done, _ = await asyncio.wait({next_line, receiver}, return_when=asyncio.FIRST_COMPLETED)
        if receiver in done:
            next_line.cancel()
            receiver.result()  # raises what ended it
            return
        line = next_line.result()
        if line is None:
            return
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            await cli_e2ee.send_text(client, e2ee, session_id, text, answer_requests=False)
        except UnauthenticatedError:
            raise
        except OurChatRpcError as exc:
            screen.line(f"* not sent: {exc.detail}")
