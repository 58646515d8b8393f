"""``ourchat chat`` on a pseudo-terminal: the last messages, the title, typing kept while others
write, and one line each for a lost and a regained connection."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from tests.cli.support import CliUser
from tests.cli.test_chat import befriend
from tests.helpers import Stream

Registered = Callable[[str], Awaitable[CliUser]]


def _token(user: CliUser) -> str:
    stored = json.loads((user.config_dir / "credentials.json").read_text())
    return str(stored["logins"][user.server]["token"])


async def test_chat_opens_with_the_last_messages_and_names_the_people(
    registered: Registered, clock: ManualClock
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    session_id = await befriend(alice, bob)
    for i in range(1, 4):
        clock.advance(1)
        await bob.ok("send", str(session_id), f"earlier {i}")
    clock.advance(1)
    await alice.ok("send", str(session_id), "my own earlier")
    clock.advance(1)
    terminal = alice.spawn_in_terminal("chat", str(session_id), "--last", "3")
    try:
        await terminal.expect("Ctrl-D leaves.")
        shown = terminal.output
        assert f"Chatting in session {session_id} with bob, as alice." in shown
        assert "\x1b]0;ourchat: bob\x07" in shown  # the window title
        assert "earlier 1" not in shown
        assert shown.index("bob: earlier 2") < shown.index("bob: earlier 3")
        assert shown.index("bob: earlier 3") < shown.index("you: my own earlier")
        assert shown.index("you: my own earlier") < shown.index("Ctrl-D leaves.")
        terminal.end_of_input()
        await terminal.expect("Left the chat.")
        assert await terminal.exit_code() == 0
    finally:
        terminal.close()


async def test_typing_survives_an_incoming_message(
    registered: Registered, clock: ManualClock
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    session_id = await befriend(alice, bob)
    bob_client = OurChatClient(bob.server, token=_token(bob))
    clock.advance(1)
    bob_stream = Stream(bob_client, since_us=clock.now_us())
    terminal = alice.spawn_in_terminal("chat", str(session_id))
    try:
        await terminal.expect("Ctrl-D leaves.")
        await terminal.expect("> ")
        terminal.type("hel")
        await terminal.expect("> hel")
        await bob.ok("send", str(session_id), "are you typing?")
        # The message is printed on its own line, then the prompt with what alice typed.
        await terminal.expect("bob: are you typing?\r\n> hel")
        terminal.type("lo\x7fo\n")  # a Backspace on the way
        events = await bob_stream.wait_for(2)
        assert events[-1].msg.markdown_text == "hello"  # type: ignore[attr-defined]
        assert events[-1].msg.sender_id == alice.id  # type: ignore[attr-defined]
        terminal.end_of_input()
        assert await terminal.exit_code() == 0
    finally:
        terminal.close()
        await bob_stream.close()
        await bob_client.close()


async def test_a_lost_connection_is_one_line_and_the_chat_resumes(
    registered: Registered, server: OurChatServer, clock: ManualClock
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    session_id = await befriend(alice, bob)
    clock.advance(1)
    terminal = alice.spawn_in_terminal("chat", str(session_id))
    again: OurChatServer | None = None
    try:
        await terminal.expect("Ctrl-D leaves.")
        await server.stop(grace=0.5)
        await terminal.expect("* connection lost; reconnecting…")
        again = OurChatServer(server.settings.model_copy(update={"port": server.port}), clock=clock)
        await again.start()
        await terminal.expect("* reconnected", timeout=10)
        clock.advance(1)
        await bob.ok("send", str(session_id), "back again")
        await terminal.expect("bob: back again")
        output = terminal.output
        assert output.count("reconnecting") == 1
        assert "StatusCode" not in output
        assert "grpc" not in output.lower()
        assert "> > " not in output
        terminal.end_of_input()
        assert await terminal.exit_code() == 0
    finally:
        terminal.close()
        if again is not None:
            await again.stop(grace=0.5)
