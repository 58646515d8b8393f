"""End-to-end encrypted sessions from the command line: sessions new --e2ee, send, history, chat."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse
from ourchat.client import E2EESession, OurChatClient
from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import events
from tests.cli.support import REPLAY_IDLE, CliUser, spawned
from tests.cli.test_chat import befriend
from tests.helpers import Stream

Registered = Callable[[str], Awaitable[CliUser]]


async def _stored_texts(server: OurChatServer, session_id: int) -> list[tuple[str, bool]]:
    """``(markdown_text, is_encrypted)`` of a session's messages as the database holds them."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        rows = await conn.execute(
            select(events.c.payload)
            .where(events.c.session_id == session_id, events.c.kind == 1)
            .order_by(events.c.msg_id)
        )
        msgs = [FetchMsgsResponse.FromString(bytes(r[0])).msg for r in rows]
    return [(m.markdown_text, m.is_encrypted) for m in msgs]


def _sdk_session(user: CliUser) -> E2EESession:
    """The SDK's view of a CLI user: their stored login and private key."""
    stored = json.loads((user.config_dir / "credentials.json").read_text())
    client = OurChatClient(user.server, token=stored["logins"][user.server]["token"])
    client.user_id = user.id
    pem = (user.config_dir / "keys" / f"{user.ocid}.pem").read_bytes()
    return E2EESession(client, pem)


async def test_send_and_history_encrypt_and_decrypt(
    registered: Registered, server: OurChatServer, clock: ManualClock
) -> None:
    alice, bob, carol = (
        await registered("alice"),
        await registered("bob"),
        await registered("carol"),
    )
    await befriend(alice, bob)
    clock.advance(1)
    created = await alice.ok("sessions", "new", bob.ocid, "--name", "secret", "--e2ee")
    session_id = int(created.split("session ")[1].split(".")[0])
    assert f"Created end-to-end encrypted session {session_id}." in created
    clock.advance(1)
    assert "Sent" in await bob.ok("send", str(session_id), "only for alice")
    clock.advance(1)
    await alice.ok("send", str(session_id), "only for bob")
    stored = await _stored_texts(server, session_id)
    assert [encrypted for _, encrypted in stored] == [True, True]
    assert all("only for" not in text for text, _ in stored)

    clock.advance(1)
    history = await alice.json("history", str(session_id), "--idle", REPLAY_IDLE)
    assert [m["msg"]["markdown_text"] for m in history] == ["only for alice", "only for bob"]
    assert all(m["msg"]["is_encrypted"] for m in history)
    clock.advance(1)
    shown = await bob.ok("history", str(session_id), "--idle", REPLAY_IDLE)
    assert "alice: only for bob" in shown
    assert "you: only for alice" in shown

    clock.advance(1)
    async with spawned(bob, "listen") as listener:
        await listener.wait_for(lambda: any("Listening" in line for line in listener.stderr))
        await alice.ok("send", str(session_id), "heard live")
        await listener.wait_for(lambda: any("heard live" in line for line in listener.stdout))
        assert await listener.interrupt() == 0
    assert f"session {session_id} · alice: heard live" in listener.stdout[-1]

    # Carol's plain session stays plain; and without the private key history cannot read.
    (bob.config_dir / "keys" / f"{bob.ocid}.pem").unlink()
    clock.advance(1)
    blind = await bob.json("history", str(session_id), "--idle", REPLAY_IDLE)
    assert [m["msg"]["markdown_text"] for m in blind] == ["(encrypted)"] * 3
    clock.advance(1)
    refused = await bob.run("sessions", "new", "--e2ee")
    assert refused.exit_code != 0
    assert refused.stderr.startswith(f"Error: No private key for {bob.ocid} on this machine")
    plain = await carol.json("sessions", "new", "--name", "plain")
    await carol.ok("send", str(plain["session_id"]), "in the clear")
    assert await _stored_texts(server, plain["session_id"]) == [("in the clear", False)]


async def test_chat_in_an_encrypted_session(registered: Registered, clock: ManualClock) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    await befriend(alice, bob)
    clock.advance(1)
    created = await alice.json("sessions", "new", bob.ocid, "--e2ee")
    session_id = created["session_id"]
    bob_keys = _sdk_session(bob)
    clock.advance(1)
    await bob_keys.catch_up(idle=0.3)
    assert bob_keys.room_key(session_id) is not None
    bob_stream = Stream(bob_keys.client, since_us=clock.now_us())
    terminal = alice.spawn_in_terminal("chat", str(session_id))
    try:
        await terminal.expect("Ctrl-D leaves.")
        await terminal.expect("> ")
        clock.advance(1)
        await bob_keys.send(session_id, "can you read this?")
        await terminal.expect("bob: can you read this?")

        terminal.type("yes, it is encrypted\n")
        [*_, last] = await bob_stream.wait_for(2)
        msg = last.msg  # type: ignore[attr-defined]
        assert msg.is_encrypted
        assert msg.markdown_text != "yes, it is encrypted"
        assert bob_keys.decrypt(msg) == "yes, it is encrypted"

        terminal.end_of_input()
        await terminal.expect("Left the chat.")
        assert await terminal.exit_code() == 0
    finally:
        terminal.close()
        await bob_stream.close()
        await bob_keys.client.close()
