"""A real call between two aiortc peers, signalled only through ourchat (used by the call tests).

Alice creates a closed room and invites Bob; each runs the SDK's :class:`Call` with aiortc peers
whose ICE candidates are taken out of the SDP, so offer, answer and every candidate travel as
Signal calls and FetchMsgs events. Bob joins and offers; over the data channel that opens,
each side sends the other a message.
"""

from __future__ import annotations

import asyncio
from typing import Any

import grpc

from ourchat import details
from ourchat.client import AiortcPeer, Call, IceCandidate, SessionDescription, rtc_configuration
from tests.helpers import User, expect_error

TIMEOUT = 30.0


class RecordingPeer(AiortcPeer):
    """An aiortc peer that remembers the descriptions and candidates it was given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.remote_sdps: list[str] = []
        self.remote_candidates: list[IceCandidate] = []

    async def accept_offer(self, sdp: str) -> SessionDescription:
        self.remote_sdps.append(sdp)
        return await super().accept_offer(sdp)

    async def accept_answer(self, sdp: str) -> None:
        self.remote_sdps.append(sdp)
        await super().accept_answer(sdp)

    async def add_candidate(self, candidate: IceCandidate) -> None:
        self.remote_candidates.append(candidate)
        await super().add_candidate(candidate)


async def real_call(alice: User, bob: User) -> None:
    """Set up the call between ``alice`` and ``bob`` and exchange a message each way."""
    loop = asyncio.get_running_loop()
    alice_got: asyncio.Future[str] = loop.create_future()
    bob_got: asyncio.Future[str] = loop.create_future()

    room_id = await alice.client.create_room(title="a real call")
    await alice.client.invite_user_to_room(room_id=room_id, user_id=bob.id)
    alice_config = rtc_configuration(await alice.client.get_voip_config())
    bob_config = rtc_configuration(await bob.client.get_voip_config())

    def alice_side(connection: Any) -> None:
        @connection.on("datachannel")
        def on_channel(channel: Any) -> None:
            @channel.on("message")
            def on_message(message: str) -> None:
                if not alice_got.done():
                    alice_got.set_result(message)
                    channel.send("hello Bob, Alice here")

    def bob_side(connection: Any) -> None:
        channel = connection.createDataChannel("chat")

        @channel.on("open")
        def on_open() -> None:
            channel.send("hello Alice, Bob here")

        @channel.on("message")
        def on_message(message: str) -> None:
            if not bob_got.done():
                bob_got.set_result(message)

    alice_peers: list[RecordingPeer] = []
    bob_peers: list[RecordingPeer] = []

    def alice_peer(user_id: int) -> RecordingPeer:
        alice_peers.append(RecordingPeer(alice_config, setup=alice_side))
        return alice_peers[-1]

    def bob_peer(user_id: int) -> RecordingPeer:
        bob_peers.append(RecordingPeer(bob_config, setup=bob_side))
        return bob_peers[-1]

    # Alice is in the room first, so Bob, who joins second, calls her.
    alice_call = Call(alice.client, room_id, alice_peer)
    async with alice_call, Call(bob.client, room_id, bob_peer) as bob_call:
        assert await bob_call.peer(alice.id, TIMEOUT) is bob_peers[0]
        assert await alice_call.peer(bob.id, TIMEOUT) is alice_peers[0]
        assert await asyncio.wait_for(alice_got, TIMEOUT) == "hello Alice, Bob here"
        assert await asyncio.wait_for(bob_got, TIMEOUT) == "hello Bob, Alice here"
        assert await alice.client.get_room_members(room_id) == [alice.id, bob.id]
    # One connection each; the descriptions came without candidates, which came as signals.
    assert (len(alice_peers), len(bob_peers)) == (1, 1)
    for peer in (alice_peers[0], bob_peers[0]):
        [sdp] = peer.remote_sdps
        assert "a=candidate" not in sdp
        assert peer.remote_candidates
        assert all(c.candidate.startswith("candidate:") for c in peer.remote_candidates)
    # Leaving the calls left the room.
    await expect_error(
        alice.client.get_room_members(room_id),
        grpc.StatusCode.PERMISSION_DENIED,
        details.NOT_IN_ROOM,
    )
