"""The SDK's Call helper with stand-in peers: who offers to whom, what is relayed, who is closed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from ourchat import details
from ourchat.client import Call, IceCandidate, SessionDescription, UnauthenticatedError
from ourchat.client._aiortc import split_candidates
from ourchat.server.app import OurChatServer
from tests.helpers import User
from tests.rpc.server_manage.common import grant

NewUser = Callable[..., Awaitable[User]]


class FakePeer:
    """Records what the call did with it; descriptions name the owner and the other side."""

    def __init__(self, owner: str, other: int) -> None:
        self.name = f"{owner}->{other}"
        self.remote: list[str] = []
        self.candidates: list[IceCandidate] = []
        self.closed = asyncio.Event()

    def _description(self, kind: str) -> SessionDescription:
        return SessionDescription(
            f"{kind} of {self.name}", [IceCandidate(f"candidate:{self.name}", "0", 0)]
        )

    async def create_offer(self) -> SessionDescription:
        return self._description("offer")

    async def accept_offer(self, sdp: str) -> SessionDescription:
        self.remote.append(sdp)
        return self._description("answer")

    async def accept_answer(self, sdp: str) -> None:
        self.remote.append(sdp)

    async def add_candidate(self, candidate: IceCandidate) -> None:
        self.candidates.append(candidate)

    async def close(self) -> None:
        self.closed.set()


def factory(owner: User, made: dict[int, FakePeer]) -> Callable[[int], FakePeer]:
    def make(other: int) -> FakePeer:
        made[other] = FakePeer(owner.name, other)
        return made[other]

    return make


async def test_the_newcomer_calls_everyone_and_peers_close_when_members_go(
    new_user: NewUser,
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await alice.client.create_room(open_join=True)
    peers: dict[str, dict[int, FakePeer]] = {"alice": {}, "bob": {}, "carol": {}}
    alice_call = Call(alice.client, room_id, factory(alice, peers["alice"]))
    bob_call = Call(bob.client, room_id, factory(bob, peers["bob"]))
    carol_call = Call(carol.client, room_id, factory(carol, peers["carol"]))

    assert await alice_call.start() == []
    assert await bob_call.start() == [alice.id]
    assert await carol_call.start() == [alice.id, bob.id]
    for call, others in ((alice_call, (bob, carol)), (bob_call, (alice, carol))):
        for other in others:
            await call.peer(other.id, timeout=10)
    await carol_call.peer(alice.id, timeout=10)
    await carol_call.peer(bob.id, timeout=10)

    # Carol offered to both; each answered; candidates went both ways.
    carol_to_alice = peers["carol"][alice.id]
    alice_to_carol = peers["alice"][carol.id]
    assert alice_to_carol.remote == [f"offer of {carol.name}->{alice.id}"]
    assert carol_to_alice.remote == [f"answer of {alice.name}->{carol.id}"]
    assert [c.candidate for c in alice_to_carol.candidates] == [
        f"candidate:{carol.name}->{alice.id}"
    ]
    assert [c.candidate for c in carol_to_alice.candidates] == [
        f"candidate:{alice.name}->{carol.id}"
    ]
    assert set(alice_call.peers) == {bob.id, carol.id}

    await carol_call.stop()
    async with asyncio.timeout(10):
        await peers["alice"][carol.id].closed.wait()
        await peers["bob"][carol.id].closed.wait()
    assert set(alice_call.peers) == {bob.id}
    assert all(p.closed.is_set() for p in peers["carol"].values())

    await alice.client.kick_user_from_room(room_id=room_id, user_id=bob.id)
    async with asyncio.timeout(10):
        await peers["alice"][bob.id].closed.wait()
        await peers["bob"][alice.id].closed.wait()  # bob's side ends too
    assert alice_call.peers == {}
    assert bob_call.peers == {}
    await bob_call.stop()
    await alice_call.stop()


def test_candidates_are_taken_out_of_the_sdp_with_their_section() -> None:
    sdp = (
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a0\r\n"
        "a=candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host\r\na=end-of-candidates\r\n"
        "m=application 9 DTLS/SCTP 5000\r\n"
        "a=candidate:2 1 udp 2130706431 192.0.2.1 5001 typ host\r\na=mid:d1\r\n"
    )
    description = split_candidates(sdp)
    assert "candidate" not in description.sdp
    assert "end-of-candidates" not in description.sdp
    assert description.sdp.startswith("v=0\r\n")
    assert "a=mid:a0\r\n" in description.sdp
    assert description.candidates == [
        IceCandidate("candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host", "a0", 0),
        IceCandidate("candidate:2 1 udp 2130706431 192.0.2.1 5001 typ host", "d1", 1),
    ]


async def test_a_refused_stream_ends_the_wait_for_a_peer(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin, alice = await new_user("admin"), await new_user("alice")
    await grant(server.deps, admin.id)
    room_id = await alice.client.create_room(open_join=True)
    alice_call = Call(alice.client, room_id, factory(alice, {}))
    await alice_call.start()
    waiting = asyncio.ensure_future(alice_call.peer(admin.id, timeout=10))

    await admin.client.server_ban(alice.id)

    with pytest.raises(UnauthenticatedError) as info:
        await waiting
    assert info.value.detail == details.USER_BANNED
    await alice_call.stop()
