"""Live-only events (signals, room notices) reach a stream even below its replay high-water."""

from __future__ import annotations

from ourchat.delivery import payloads
from ourchat.delivery.events import Event
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, kinds, make_group
from tests.rpc.webrtc.common import NewUser


async def test_a_live_only_event_is_never_taken_for_a_replayed_one(
    server: OurChatServer, new_user: NewUser
) -> None:
    deps = server.deps
    assert deps is not None
    alice = await new_user("alice")
    sent = await alice.client.send_msg(await make_group(deps, alice), "stored")
    stream = Stream(alice.client)
    [replayed] = await stream.wait_for(1)
    assert replayed.msg_id == sent.msg_id  # type: ignore[attr-defined]

    # Events committed before the replay read but pushed after it: a stored one is a duplicate
    # of what the replay sent; a live-only one was never in any replay.
    _, signal = payloads.signal(
        room_id=1,
        from_user_id=2,
        signal_type=1,
        sdp="v=0",
        ice_candidate="",
        sdp_mid="",
        sdp_mline_index=0,
    )
    older = sent.msg_id - 1
    await deps.bus.publish(Event(older, 1, signal, frozenset({alice.id})))
    await deps.bus.publish(Event(older, 1, signal, frozenset({alice.id}), live_only=True))

    events = await stream.wait_for(2)
    assert kinds(events) == ["msg", "signal"]
    assert events[1].msg_id == older  # type: ignore[attr-defined]
    assert len(await stream.settle()) == 2
