"""Real end-to-end encryption through the SDK: what members read, and what the server stores."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse, Msg
from ourchat.client import UNREADABLE, E2EESession, OurChatClient, new_key_pair
from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import events
from tests.helpers import PASSWORD, User, make_group

MSG_KIND = 1


@dataclass
class Member:
    """A user with their own key pair, an E2EESession and the events it has read."""

    user: User
    e2ee: E2EESession
    private_pem: bytes
    seen: list[FetchMsgsResponse] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Follow the account's events (catch-up first) in the background."""

        async def run() -> None:
            async for event in self.e2ee.events():
                self.seen.append(event)

        self.task = asyncio.create_task(run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    def messages(self, session_id: int) -> list[str]:
        """The session's messages this member received, as it reads them."""
        return [
            self.e2ee.decrypt(e.msg)
            for e in self.seen
            if e.WhichOneof("respond_event_type") == "msg" and e.msg.session_id == session_id
        ]


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Return once ``condition()`` holds; fail after ``timeout`` seconds."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


_names = itertools.count(1)


async def _new_member(connect: Callable[[], OurChatClient], name: str) -> Member:
    """Register a user with a key pair of its own."""
    keys = new_key_pair()
    client = connect()
    email = f"{name}{next(_names)}@e2ee.example.com"
    response = await client.register(email, PASSWORD, name, keys.public_der)
    user = User(response.id, response.ocid, email, name, client)
    return Member(user, E2EESession(client, keys.private_pem), keys.private_pem)


async def _stored_messages(server: OurChatServer, session_id: int) -> list[Msg]:
    """The messages of a session as the database holds them."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        rows = await conn.execute(
            select(events.c.payload)
            .where(events.c.session_id == session_id, events.c.kind == MSG_KIND)
            .order_by(events.c.msg_id)
        )
        return [FetchMsgsResponse.FromString(bytes(r[0])).msg for r in rows]


async def _all_payloads(server: OurChatServer) -> bytes:
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        rows = await conn.execute(select(events.c.payload))
        return b"".join(bytes(r[0]) for r in rows)


def _same_newest_key(*members: Member, session_id: int) -> Callable[[], bool]:
    def check() -> bool:
        keys = [m.e2ee.room_key(session_id) for m in members]
        return keys[0] is not None and all(k == keys[0] for k in keys)

    return check


async def test_members_read_what_the_server_stores_only_as_ciphertext(
    server: OurChatServer, connect: Callable[[], OurChatClient]
) -> None:
    assert server.deps is not None
    alice, bob, carol = (
        await _new_member(connect, "alice"),
        await _new_member(connect, "bob"),
        await _new_member(connect, "carol"),
    )
    session_id = await make_group(server.deps, alice.user, bob.user)
    for m in (alice, bob, carol):
        m.start()
    try:
        await alice.e2ee.enable(session_id)
        await _until(_same_newest_key(alice, bob, session_id=session_id))
        first_key = alice.e2ee.room_key(session_id)

        await alice.e2ee.send(session_id, "hello bob")
        await bob.e2ee.send(session_id, "hello alice")
        await _until(lambda: len(bob.messages(session_id)) == 2)
        await _until(lambda: len(alice.messages(session_id)) == 2)
        assert (
            bob.messages(session_id)
            == alice.messages(session_id)
            == [
                "hello bob",
                "hello alice",
            ]
        )
        stored = await _stored_messages(server, session_id)
        assert [m.is_encrypted for m in stored] == [True, True]
        payloads = await _all_payloads(server)
        assert b"hello bob" not in payloads
        assert b"hello alice" not in payloads

        # Carol joins later: alice's client makes a new key for the three of them.
        await alice.user.client.invite_user_to_session(session_id=session_id, invitee=carol.user.id)
        await _until(
            lambda: any(
                e.WhichOneof("respond_event_type") == "invite_user_to_session" for e in carol.seen
            )
        )
        await carol.user.client.accept_join_session_invitation(session_id=session_id)
        await _until(_same_newest_key(alice, bob, carol, session_id=session_id))
        assert alice.e2ee.room_key(session_id) != first_key
        assert first_key not in carol.e2ee.room_keys(session_id)

        await bob.e2ee.send(session_id, "welcome carol")
        await _until(lambda: len(carol.messages(session_id)) == 1)
        assert carol.messages(session_id) == ["welcome carol"]
        stored = await _stored_messages(server, session_id)
        # Carol cannot open what was said before she came, even from the database.
        assert [carol.e2ee.decrypt(m) for m in stored] == [
            UNREADABLE,
            UNREADABLE,
            "welcome carol",
        ]
        assert [alice.e2ee.decrypt(m) for m in stored] == [
            "hello bob",
            "hello alice",
            "welcome carol",
        ]

        # Bob is kicked: alice (who kicked) makes a key for carol and herself only.
        key_before_kick = alice.e2ee.room_key(session_id)
        await alice.user.client.kick_user(session_id=session_id, user_id=bob.user.id)
        await _until(
            lambda: (
                alice.e2ee.room_key(session_id) != key_before_kick
                and _same_newest_key(alice, carol, session_id=session_id)()
            )
        )
        await carol.e2ee.send(session_id, "bob is gone")
        await _until(lambda: len(alice.messages(session_id)) == 4)
        assert alice.messages(session_id)[-1] == "bob is gone"
        [*_, last] = await _stored_messages(server, session_id)
        assert last.is_encrypted
        assert bob.e2ee.try_decrypt(last) is None
        assert alice.e2ee.room_key(session_id) not in bob.e2ee.room_keys(session_id)
        assert "bob is gone" not in bob.messages(session_id)
        assert b"bob is gone" not in await _all_payloads(server)
    finally:
        for m in (alice, bob, carol):
            await m.stop()


async def _catch_up(clock: ManualClock, e2ee: E2EESession) -> list[FetchMsgsResponse]:
    """A moment later (the test clock stands still otherwise), catch up."""
    clock.advance(1)
    return await e2ee.catch_up(idle=0.3)


async def test_a_new_login_rebuilds_its_keys_and_answers_open_requests(
    server: OurChatServer, connect: Callable[[], OurChatClient], clock: ManualClock
) -> None:
    assert server.deps is not None
    alice, bob, carol = (
        await _new_member(connect, "alice"),
        await _new_member(connect, "bob"),
        await _new_member(connect, "carol"),
    )
    session_id = await make_group(server.deps, alice.user, bob.user, carol.user)
    # Nobody is listening: the request for the first key waits for alice's next catch-up.
    await alice.e2ee.enable(session_id)
    assert alice.e2ee.room_key(session_id) is None
    await _catch_up(clock, alice.e2ee)
    key = alice.e2ee.room_key(session_id)
    assert key is not None
    await alice.e2ee.send(session_id, "one")
    # A plaintext message from a client without e2ee (the official one) is read as it is.
    await carol.user.client.send_msg(session_id, "plain from an old client")

    # Another login of alice, holding the same private key, reads everything again.
    again = connect()
    await again.login(PASSWORD, email=alice.user.email)
    second = E2EESession(again, alice.private_pem)
    replayed = await _catch_up(clock, second)
    assert second.room_keys(session_id) == [key]
    texts = [second.decrypt(e.msg) for e in replayed if e.WhichOneof("respond_event_type") == "msg"]
    assert texts == ["one", "plain from an old client"]
    # It does not answer the request a second time.
    await _catch_up(clock, bob.e2ee)
    assert bob.e2ee.room_keys(session_id) == [key]

    # Carol leaves; bob's next message asks bob for a key, answered on his next catch-up.
    await carol.user.client.leave_session(session_id=session_id)
    await bob.e2ee.send(session_id, "after the leave")
    await _catch_up(clock, bob.e2ee)
    new_key = bob.e2ee.room_key(session_id)
    assert new_key not in (None, key)
    await _catch_up(clock, alice.e2ee)
    assert alice.e2ee.room_key(session_id) == new_key
    await _catch_up(clock, carol.e2ee)
    assert new_key not in carol.e2ee.room_keys(session_id)


async def test_an_approved_applicant_gets_a_new_key(
    server: OurChatServer, connect: Callable[[], OurChatClient]
) -> None:
    assert server.deps is not None
    alice, bob, dave = (
        await _new_member(connect, "alice"),
        await _new_member(connect, "bob"),
        await _new_member(connect, "dave"),
    )
    session_id = await make_group(server.deps, alice.user, bob.user)
    for m in (alice, bob, dave):
        m.start()
    try:
        await alice.e2ee.enable(session_id)
        await _until(_same_newest_key(alice, bob, session_id=session_id))
        await alice.e2ee.send(session_id, "before dave")
        await dave.user.client.join_session(session_id=session_id)
        await _until(
            lambda: any(
                e.WhichOneof("respond_event_type") == "join_session_approval" for e in alice.seen
            )
        )
        old_key = alice.e2ee.room_key(session_id)
        await alice.e2ee.allow_join(session_id, dave.user.id)
        await _until(_same_newest_key(alice, bob, dave, session_id=session_id))
        assert alice.e2ee.room_key(session_id) != old_key
        await bob.e2ee.send(session_id, "hello dave")
        await _until(lambda: dave.messages(session_id) == ["hello dave"])
        [before, _] = await _stored_messages(server, session_id)
        assert dave.e2ee.decrypt(before) == UNREADABLE
    finally:
        for m in (alice, bob, dave):
            await m.stop()
