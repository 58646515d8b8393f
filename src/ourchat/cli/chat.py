"""``ourchat chat SESSION``: a line-based interactive chat in the terminal.

On open it shows the session's last few messages; then each line typed is sent to the session,
and messages from the others are printed above the prompt as they arrive; Ctrl-D (end of input)
or Ctrl-C leaves. On a terminal, the line being typed is kept by :class:`LineEditor` (the
terminal in cbreak mode, restored on the way out), so an incoming message is printed above it
and the prompt is drawn again with what was typed. Elsewhere (a pipe) lines are read as they
come. A lost connection prints one line, "reconnecting…", then "reconnected" once the server
answers again; retries are at most :data:`RECONNECT_MAX_SECONDS` apart.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import sys
import termios
import threading
import tty
from collections.abc import Iterator
from typing import Annotated

import typer

from ourchat.cli import e2ee as cli_e2ee
from ourchat.cli.common import (
    Names,
    ServerOpt,
    local_clock,
    logged_in,
    require_member,
    run,
    session_arg,
    start_of_now,
)
from ourchat.cli.file_links import show_files
from ourchat.cli.pending import replay
from ourchat.client import (
    Backoff,
    E2EESession,
    Event,
    OurChatClient,
    OurChatRpcError,
    UnauthenticatedError,
)

PROMPT = "> "
#: Messages shown when the chat opens.
DEFAULT_LAST = 10
#: Longest wait between two reconnection attempts, so the chat resumes soon after the server.
RECONNECT_MAX_SECONDS = 1.5
#: Seconds without events after which the replay of the last messages counts as finished.
_REPLAY_IDLE_SECONDS = 0.5

_CTRL_D, _CTRL_U, _BACKSPACES, _ENTER = "\x04", "\x15", ("\x7f", "\x08"), ("\r", "\n")


class Screen:
    """Writes chat lines to the terminal, keeping the prompt (and what is typed) at the bottom."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive
        self.typed = ""  # the line being typed (interactive only)
        self.lock = threading.Lock()

    def _write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def title(self, text: str) -> None:
        """Name the terminal window (interactive only)."""
        if self.interactive:
            self._write(f"\x1b]0;{text}\x07")

    def prompt(self) -> None:
        """Show the input prompt."""
        if self.interactive:
            with self.lock:
                self._write(PROMPT + self.typed)

    def line(self, text: str) -> None:
        """Print a line above the prompt, then the prompt again with what was typed."""
        with self.lock:
            if self.interactive:
                self._write(f"\r\x1b[K{text}\n{PROMPT}{self.typed}")
            else:
                self._write(f"{text}\n")

    def notice(self, text: str) -> None:
        """Print a line of its own (before a prompt is shown)."""
        with self.lock:
            self._write(f"{text}\n")

    def echo(self, text: str) -> None:
        """Show typed characters (interactive only)."""
        with self.lock:
            self._write(text)


class LineEditor:
    """Reads a terminal key by key: typing, Backspace, Ctrl-U, Enter, Ctrl-D on an empty line.

    What is typed so far lives in ``screen.typed``, so :meth:`Screen.line` can draw it again.
    """

    def __init__(self, fd: int, screen: Screen) -> None:
        self.fd = fd
        self.screen = screen
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._escape = False
        self.ended = False

    def lines(self) -> Iterator[str]:
        """Each line entered; ends at Ctrl-D on an empty line, or when input ends."""
        while True:
            data = os.read(self.fd, 1024)
            if not data:
                return
            for char in self._decoder.decode(data):
                if self._escape:  # swallow ESC [ ... letter (arrow keys and the like)
                    self._escape = char == "[" or (not char.isalpha() and char != "~")
                    continue
                line = self._key(char)
                if self.ended:
                    return
                if line is not None:
                    yield line

    def _key(self, char: str) -> str | None:
        screen = self.screen
        with screen.lock:
            if char in _ENTER:
                line, screen.typed = screen.typed, ""
                screen._write("\r\n")
                return line
            if char == _CTRL_D:
                self.ended = not screen.typed
                return None
            if char in _BACKSPACES:
                if screen.typed:
                    screen.typed = screen.typed[:-1]
                    screen._write("\b \b")
            elif char == _CTRL_U:
                screen._write("\r\x1b[K" + PROMPT)
                screen.typed = ""
            elif char == "\x1b":
                self._escape = True
            elif char.isprintable():
                screen.typed += char
                screen._write(char)
        return None


@contextlib.contextmanager
def _cbreak(fd: int) -> Iterator[None]:
    """The terminal reads key by key without echo (Ctrl-C still interrupts); restored after."""
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _input_lines(loop: asyncio.AbstractEventLoop, screen: Screen) -> asyncio.Queue[str | None]:
    """Lines typed (or piped in), read by a daemon thread; None at end of input."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def hand_over(item: str | None) -> bool:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the loop is gone: the chat has ended
            return False
        return True

    def pump() -> None:
        try:
            source: Iterator[str] = (
                LineEditor(sys.stdin.fileno(), screen).lines()
                if screen.interactive
                else iter(sys.stdin.readline, "")
            )
            for line in source:
                if not hand_over(line):
                    return
        except (OSError, ValueError):
            pass
        hand_over(None)

    threading.Thread(target=pump, name="ourchat-chat-input", daemon=True).start()
    return queue


def _show(event: Event, who: str) -> str:
    """A message line; encrypted messages arrive opened (:func:`ourchat.cli.e2ee.readable`)."""
    keys = list(event.msg.involved_files)
    text = show_files(event.msg.markdown_text, keys)
    return f"[{local_clock(event.time)}] {who}: {text}"


async def _receive(
    client: OurChatClient,
    session_id: int,
    since_us: int,
    me: int,
    screen: Screen,
    already_shown: set[int],
    e2ee: E2EESession | None,
) -> None:
    """Print the other members' messages of the session as they arrive (decrypted)."""
    names = Names(client)
    shown: dict[int, str] = {}
    lost = False

    def on_disconnect(error: OurChatRpcError | None, delay: float) -> None:
        nonlocal lost
        if not lost:
            lost = True
            screen.line("* connection lost; reconnecting…")

    def on_reconnect() -> None:
        nonlocal lost
        if lost:
            lost = False
            screen.line("* reconnected")

    async for event in client.events(
        since_us,
        backoff=Backoff(maximum=RECONNECT_MAX_SECONDS),
        on_disconnect=on_disconnect,
        on_reconnect=on_reconnect,
    ):
        on_reconnect()
        if e2ee is not None:
            await e2ee.handle(event)
        variant = event.WhichOneof("respond_event_type")
        if variant == "msg" and event.msg.session_id == session_id:
            if event.msg.sender_id == me or event.msg_id in already_shown:
                continue
            who = await names.name(event.msg.sender_id)
            shown[event.msg_id] = who
            screen.line(_show(cli_e2ee.readable(e2ee, event), who))
        elif variant == "recall" and event.recall.msg_id in shown:
            screen.line(f"* {shown[event.recall.msg_id]} recalled a message")


async def _last_messages(
    client: OurChatClient, session_id: int, count: int, e2ee: E2EESession | None
) -> list[Event]:
    """The session's last ``count`` messages (with ``e2ee``, its room keys are rebuilt too)."""
    kept: dict[int, Event] = {}
    replayed = (
        await e2ee.catch_up(idle=_REPLAY_IDLE_SECONDS)
        if e2ee is not None
        else await replay(client, idle=_REPLAY_IDLE_SECONDS)
    )
    for event in replayed:
        variant = event.WhichOneof("respond_event_type")
        if variant == "msg" and event.msg.session_id == session_id:
            kept[event.msg_id] = cli_e2ee.readable(e2ee, event)
        elif variant == "recall":
            kept.pop(event.recall.msg_id, None)
    return list(kept.values())[-count:] if count else []


def chat(
    session: Annotated[
        str, typer.Argument(help="session id, or a friend's ocid for your private session")
    ],
    last: Annotated[
        int, typer.Option(help="how many of the latest messages to show first (0: none)")
    ] = DEFAULT_LAST,
    server: ServerOpt = None,
) -> None:
    """Chat in a session: type lines to send them; Ctrl-D leaves."""

    async def main() -> None:
        session_id = await session_arg(server, session)
        async with logged_in(server, session=session_id) as (client, profile):
            info = await require_member(client, session_id)
            since = await start_of_now(client)
            names = Names(client)
            others = [await names.name(m) for m in info.members if m != profile.user_id]
            me = await names.name(profile.user_id)
            people = ", ".join(others) or "nobody else yet"
            title = f"{info.name} (session {session_id})" if info.name else f"session {session_id}"
            interactive = sys.stdin.isatty() and sys.stdout.isatty()
            screen = Screen(interactive)
            screen.title(f"ourchat: {info.name or ', '.join(others) or session_id}")
            screen.notice(f"Chatting in {title} with {people}, as {me}.")
            e2ee = cli_e2ee.open_session(client, profile)
            history = await _last_messages(client, session_id, last, e2ee)
            if e2ee is not None:
                since = max(since, e2ee.cursor_us)
            for event in history:
                sender = event.msg.sender_id
                who = "you" if sender == profile.user_id else await names.name(sender)
                screen.notice(_show(event, who))
            screen.notice("Enter sends a line; Ctrl-D leaves.")
            with _cbreak(sys.stdin.fileno()) if interactive else contextlib.nullcontext():
                lines = _input_lines(asyncio.get_running_loop(), screen)
                receiver = asyncio.create_task(
                    _receive(
                        client,
                        session_id,
                        since,
                        profile.user_id,
                        screen,
                        {e.msg_id for e in history},
                        e2ee,
                    )
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
