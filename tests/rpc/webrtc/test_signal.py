"""Signal: checks in order (BEHAVIOR.md §14.2, §18) and live delivery to the target only."""

from __future__ import annotations

import grpc
import pytest

from ourchat import details
from ourchat._pb.service.ourchat.webrtc.signal.v1.signal_pb2 import SignalRequest
from ourchat.client import SignalType
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, expect_error, kinds
from tests.rpc.webrtc.common import NewUser, room_with, streams

OFFER = SignalType.SIGNAL_TYPE_OFFER
ANSWER = SignalType.SIGNAL_TYPE_ANSWER
ICE = SignalType.SIGNAL_TYPE_ICE_CANDIDATE
INVALID = grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize(
    ("signal_type", "sdp", "candidate", "detail"),
    [
        (SignalType.SIGNAL_TYPE_UNSPECIFIED, "v=0", "", details.SIGNAL_TYPE_UNSPECIFIED),
        (7, "v=0", "candidate:1", details.SIGNAL_TYPE_UNSPECIFIED),  # no such type
        (OFFER, "", "candidate:1", details.SDP_REQUIRED),
        (ANSWER, "", "", details.SDP_REQUIRED),
        (ICE, "v=0", "", details.ICE_CANDIDATE_REQUIRED),
    ],
)
async def test_signal_shape_is_checked_first(
    server: OurChatServer,
    new_user: NewUser,
    signal_type: int,
    sdp: str,
    candidate: str,
    detail: str,
) -> None:
    alice = await new_user("alice")
    # Even for a room that does not exist.
    await expect_error(
        alice.client.signal(
            room_id=1,
            target_user_id=alice.id,
            signal_type=signal_type,
            sdp=sdp,
            ice_candidate=candidate,
        ),
        INVALID,
        detail,
    )


async def test_signal_room_target_and_membership_errors(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob)

    async def offer(sender: object, room: int, target: int) -> None:
        await sender.client.signal(  # type: ignore[attr-defined]
            room_id=room, target_user_id=target, signal_type=OFFER, sdp="v=0"
        )

    await expect_error(
        offer(alice, 2**63, bob.id), grpc.StatusCode.NOT_FOUND, details.ROOM_NOT_FOUND
    )
    await expect_error(offer(alice, 777, bob.id), grpc.StatusCode.NOT_FOUND, details.ROOM_NOT_FOUND)
    await expect_error(
        offer(alice, room_id, 999), grpc.StatusCode.NOT_FOUND, details.USER_NOT_FOUND
    )
    await expect_error(
        offer(carol, room_id, bob.id), grpc.StatusCode.PERMISSION_DENIED, details.NOT_IN_ROOM
    )
    await expect_error(
        offer(alice, room_id, carol.id), grpc.StatusCode.PERMISSION_DENIED, details.NOT_IN_ROOM
    )


async def test_signal_reaches_the_target_only_live(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    room_id = await room_with(alice, bob, carol)
    alice_stream, bob_stream, carol_stream = await streams(server.deps, alice, bob, carol)

    response = await alice.client.call(
        "Signal",
        SignalRequest(
            room_id=room_id,
            target_user_id=bob.id,
            signal_type=ICE,
            ice_candidate="candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host",
            sdp_mid="0",
            sdp_mline_index=0,
        ),
    )
    assert response.success
    await alice.client.signal(
        room_id=room_id, target_user_id=bob.id, signal_type=OFFER, sdp="v=0 offer"
    )

    first, second = await bob_stream.wait_for(2)
    assert kinds([first, second]) == ["signal", "signal"]
    ice = first.signal  # type: ignore[attr-defined]
    assert (ice.room_id, ice.from_user_id, ice.signal_type) == (room_id, alice.id, ICE)
    assert ice.ice_candidate.startswith("candidate:1 ")
    assert (ice.sdp_mid, ice.sdp_mline_index, ice.sdp) == ("0", 0, "")
    offer = second.signal  # type: ignore[attr-defined]
    assert (offer.signal_type, offer.sdp) == (OFFER, "v=0 offer")
    assert 0 < first.msg_id < second.msg_id  # type: ignore[attr-defined]
    assert first.time.ToMicroseconds() < second.time.ToMicroseconds()  # type: ignore[attr-defined]
    assert await alice_stream.settle() == []
    assert await carol_stream.settle() == []
    # Never replayed.
    assert await Stream(bob.client).settle() == []


async def test_oversized_signal_is_refused(server: OurChatServer, new_user: NewUser) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    room_id = await room_with(alice, bob)
    await expect_error(
        alice.client.signal(
            room_id=room_id, target_user_id=bob.id, signal_type=OFFER, sdp="v" * (64 * 1024 + 1)
        ),
        INVALID,
        details.REQUEST_INVALID_VALUE,
    )
