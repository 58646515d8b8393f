"""Two people chatting from the command line: friends, sessions, send, listen, history, chat."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from ourchat import details
from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from tests.cli.support import REPLAY_IDLE, CliUser, spawned
from tests.helpers import Stream

Registered = Callable[[str], Awaitable[CliUser]]


async def befriend(inviter: CliUser, invitee: CliUser) -> int:
    """Make two CLI users friends; returns their private session id."""
    await inviter.ok("friends", "add", invitee.ocid, "-m", "hi!")
    accepted = await invitee.ok("friends", "accept", inviter.ocid)
    assert f"You and {inviter.name} (ocid {inviter.ocid}) are friends" in accepted
    friends = await invitee.json("friends", "list")
    assert [f["id"] for f in friends] == [inviter.id]
    session_id: int = friends[0]["session_id"]
    assert f"private session is {session_id}" in accepted
    return session_id


async def test_friends_add_accept_list_and_remove(registered: Registered) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    session_id = await befriend(bob, alice)
    seen_by_bob = await bob.json("friends", "list")
    assert seen_by_bob == [
        {
            "id": alice.id,
            "ocid": alice.ocid,
            "user_name": "alice",
            "display_name": None,
            "session_id": session_id,
        }
    ]
    assert alice.ocid in await bob.ok("friends", "list")
    assert "as Bobby" in await alice.ok("friends", "rename", bob.ocid, "Bobby")
    assert (await alice.json("friends", "list"))[0]["display_name"] == "Bobby"

    again = await alice.run("friends", "accept", bob.ocid)
    assert again.exit_code != 0
    assert again.stderr.startswith(f"Error: {details.FRIEND_INVITATION_NOT_FOUND} — ")
    await bob.ok("friends", "remove", alice.ocid)
    assert await alice.json("friends", "list") == []
    unknown = await bob.run("friends", "add", "nobody-here")
    assert unknown.exit_code != 0
    assert unknown.stderr.startswith("Error: User Not Found: nobody-here — ")


async def test_sessions_new_invite_join_info_list_and_leave(registered: Registered) -> None:
    alice, bob, carol = (
        await registered("alice"),
        await registered("bob"),
        await registered("carol"),
    )
    await befriend(alice, bob)
    created = await alice.json("sessions", "new", bob.ocid, "--name", "club")
    session_id = created["session_id"]
    assert created["failed_members"] == []

    listed = await bob.json("sessions", "list")
    assert {"session_id": session_id, "name": "club", "size": 2} in listed
    outside = await carol.json("sessions", "info", str(session_id))
    assert (outside["name"], outside["size"], outside["members"]) == ("club", 2, [])

    assert "Invited" in await alice.ok("sessions", "invite", str(session_id), carol.ocid)
    assert f"Joined session {session_id}" in await carol.ok("sessions", "join", str(session_id))
    twice = await carol.run("sessions", "join", str(session_id))
    assert twice.exit_code != 0
    assert twice.stderr.startswith(f"Error: {details.USER_ALREADY_IN_SESSION} — ")
    nobody = await alice.run("sessions", "invite", str(session_id), "12345")
    assert nobody.exit_code != 0
    assert nobody.stderr == "Error: Could not invite 12345: no such user\n"
    info = await alice.json("sessions", "info", str(session_id))
    roles = {m["ocid"]: m["role"] for m in info["members"]}
    assert roles == {alice.ocid: "owner", bob.ocid: "member", carol.ocid: "member"}
    assert "club" in await alice.ok("sessions", "info", str(session_id))

    assert f"Left session {session_id}" in await carol.ok("sessions", "leave", str(session_id))
    assert (await alice.json("sessions", "info", str(session_id)))["size"] == 2
    again = await carol.run("sessions", "leave", str(session_id))
    assert again.exit_code != 0
    assert again.stderr.startswith(f"Error: {details.USER_NOT_IN_SESSION}")

    # Without an invitation, join asks the moderators instead.
    asked = await carol.ok("sessions", "join", str(session_id), "-m", "let me back")
    assert "a moderator must accept" in asked
    assert "Let" in await alice.ok("sessions", "allow", str(session_id), carol.ocid)
    assert carol.id in [
        m["id"] for m in (await bob.json("sessions", "info", str(session_id)))["members"]
    ]


async def test_two_users_chat_with_send_listen_and_history(
    registered: Registered, clock: ManualClock
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    session_id = await befriend(alice, bob)
    clock.advance(1)
    await alice.ok("send", str(session_id), "before bob listens")
    clock.advance(1)

    async with spawned(bob, "listen", "--json") as listener:
        await listener.wait_for(lambda: any("Listening" in line for line in listener.stderr))
        sent = json.loads(await alice.ok("send", str(session_id), "hello [b]bob[/b]", "--json"))
        assert "Sent" in await bob.ok("send", str(session_id), "hi alice")
        await listener.wait_for(lambda: len(listener.stdout) >= 2)
        assert await listener.interrupt() == 0
    events = [json.loads(line) for line in listener.stdout]
    assert [e["kind"] for e in events] == ["msg", "msg"]
    assert events[0]["msg_id"] == sent["msg_id"]
    assert events[0]["msg"]["markdown_text"] == "hello [b]bob[/b]"
    assert events[0]["msg"]["sender_id"] == alice.id
    assert events[1]["msg"]["sender_id"] == bob.id
    assert events[0]["msg"]["session_id"] == session_id

    clock.advance(1)  # listen starts from "now"; the test's clock only moves when told
    async with spawned(bob, "listen") as listener:
        await listener.wait_for(lambda: any("Listening" in line for line in listener.stderr))
        await alice.ok("send", str(session_id), "readable?")
        await listener.wait_for(lambda: bool(listener.stdout))
        assert await listener.interrupt() == 0
    assert f"session {session_id} · alice: readable?" in listener.stdout[0]

    clock.advance(1)
    history = await bob.json("history", str(session_id), "--idle", REPLAY_IDLE)
    texts = [m["msg"]["markdown_text"] for m in history]
    assert texts == ["before bob listens", "hello [b]bob[/b]", "hi alice", "readable?"]
    assert [m["msg_id"] for m in history] == sorted(m["msg_id"] for m in history)
    shown = await bob.ok("history", str(session_id), "--idle", REPLAY_IDLE, "--limit", "2")
    assert "you: hi alice" in shown
    assert "alice: readable?" in shown
    assert "before bob listens" not in shown

    other = await alice.json("sessions", "new", "--name", "elsewhere")
    await alice.ok("send", str(other["session_id"]), "not in the private session")
    clock.advance(1)
    assert len(await alice.json("history", str(session_id), "--idle", REPLAY_IDLE)) == 4


async def test_chat_in_a_terminal(registered: Registered, clock: ManualClock) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    session_id = await befriend(alice, bob)
    stored = json.loads((bob.config_dir / "credentials.json").read_text())
    bob_client = OurChatClient(bob.server, token=stored["logins"][bob.server]["token"])
    clock.advance(1)
    bob_stream = Stream(bob_client, since_us=clock.now_us())
    terminal = alice.spawn_in_terminal("chat", str(session_id))
    try:
        await terminal.expect("Ctrl-D leaves.")
        await terminal.expect("> ")

        await bob.ok("send", str(session_id), "hi alice, are you there?")
        await terminal.expect("bob: hi alice, are you there?")

        terminal.type("yes, typing from a terminal\n")
        events = await bob_stream.wait_for(2)
        assert events[-1].msg.markdown_text == "yes, typing from a terminal"  # type: ignore[attr-defined]
        assert events[-1].msg.sender_id == alice.id  # type: ignore[attr-defined]

        terminal.end_of_input()
        await terminal.expect("Left the chat.")
        assert await terminal.exit_code() == 0
    finally:
        terminal.close()
        await bob_stream.close()
        await bob_client.close()


async def test_chat_refuses_a_session_you_are_not_in(registered: Registered) -> None:
    alice, bob, carol = (
        await registered("alice"),
        await registered("bob"),
        await registered("carol"),
    )
    session_id = await befriend(alice, bob)
    result = await carol.run("chat", str(session_id))
    assert result.exit_code != 0
    assert result.stderr == (
        f"Error: You are not a member of session {session_id} — ask to join with "
        f"`ourchat sessions join {session_id}`\n"
    )
