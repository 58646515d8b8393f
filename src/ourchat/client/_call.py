"""A whole call in one object: joins a room and sets up a peer connection to every other member,
relaying offers, answers and ICE candidates through Signal and the event stream.

The helper does not depend on a WebRTC implementation: it drives :class:`Peer` objects made by
a factory you pass (:class:`~ourchat.client.AiortcPeer` wraps an ``aiortc`` peer connection).
Who calls whom is fixed so that two members never offer to each other at once: a member who
joins sends an offer to everyone already in the room (``JoinRoom``'s ``existing_users``), and
members answer the offers they receive. Peers of members who leave or are kicked are closed (all
of them when this user is kicked).

Room notices and signals are live only, so before it offers the helper makes sure its stream is
live: it signals itself until that signal comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ourchat._pb.service.basic.v1.basic_pb2 import TimestampRequest
from ourchat._pb.service.ourchat.webrtc.signal.v1.signal_pb2 import (
    SIGNAL_TYPE_ANSWER,
    SIGNAL_TYPE_ICE_CANDIDATE,
    SIGNAL_TYPE_OFFER,
)
from ourchat.client._errors import OurChatRpcError

if TYPE_CHECKING:
    from ourchat.client._client import OurChatClient
    from ourchat.client._messages import Event

log = logging.getLogger(__name__)

# The candidate text of the signal a Call sends itself to learn that its stream is live.
_STREAM_CHECK = "ourchat-stream-check:"


@dataclass(frozen=True, slots=True)
class IceCandidate:
    """One ICE candidate as signalled: its ``candidate:...`` text and its media section."""

    candidate: str
    sdp_mid: str
    sdp_mline_index: int


@dataclass(frozen=True, slots=True)
class SessionDescription:
    """An SDP offer or answer, and the ICE candidates to send after it."""

    sdp: str
    candidates: list[IceCandidate]


class Peer(Protocol):
    """One peer connection to one other member, as :class:`Call` drives it."""

    async def create_offer(self) -> SessionDescription:
        """Make the local offer (with its candidates)."""
        ...

    async def accept_offer(self, sdp: str) -> SessionDescription:
        """Take the remote offer and make the local answer (with its candidates)."""
        ...

    async def accept_answer(self, sdp: str) -> None:
        """Take the remote answer to our offer."""
        ...

    async def add_candidate(self, candidate: IceCandidate) -> None:
        """Add a remote ICE candidate."""
        ...

    async def close(self) -> None:
        """End the connection."""
        ...


#: Makes the peer for the member with the given user id (a plain or an async function).
PeerFactory = Callable[[int], "Peer | Awaitable[Peer]"]


class Call:
    """One user's side of a call in a room.

    Use it as an async context manager::

        async with Call(client, room_id, lambda user_id: AiortcPeer(configuration)) as call:
            peer = await call.peer(other_user_id)      # connected through the server
            ...

    Entering opens the event stream, joins the room, and offers to every member already in it;
    leaving the context leaves the room and closes every peer.

    Args:
        client: a logged-in client.
        room_id: a room the user may join.
        new_peer: makes the :class:`Peer` for another member.
    """

    def __init__(self, client: OurChatClient, room_id: int, new_peer: PeerFactory) -> None:
        self.client = client
        self.room_id = room_id
        self._new_peer = new_peer
        self._peers: dict[int, Peer] = {}
        self._peer_ready: dict[int, asyncio.Future[Peer]] = {}
        self._stream_ready: asyncio.Future[None] | None = None
        self._check = _STREAM_CHECK + secrets.token_hex(8)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Call:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def user_id(self) -> int:
        """The id of the user of this side."""
        if self.client.user_id is None:
            raise RuntimeError("the client is not logged in")
        return self.client.user_id

    @property
    def peers(self) -> dict[int, Peer]:
        """The current peer of each other member in the call."""
        return dict(self._peers)

    async def start(self) -> list[int]:
        """Open the stream, join the room and offer to everyone in it; returns who they are."""
        loop = asyncio.get_running_loop()
        self._stream_ready = loop.create_future()
        now = await self.client.call("Timestamp", TimestampRequest())
        events = self.client.events(now.timestamp.ToMicroseconds())
        self._task = asyncio.create_task(self._read(events), name=f"call-{self.room_id}")
        existing = await self.client.join_room(self.room_id)
        # Answers to our offers come on the stream: make sure it is live before offering.
        await self._wait_for_stream(self._stream_ready)
        for user_id in existing:
            await self._offer(user_id)
        return existing

    async def _wait_for_stream(self, ready: asyncio.Future[None], timeout: float = 30.0) -> None:
        """Signal ourselves until the signal comes back on the stream (it may not be open yet)."""
        async with asyncio.timeout(timeout):
            wait = 0.2
            while not ready.done():
                await self.client.signal(
                    room_id=self.room_id,
                    target_user_id=self.user_id,
                    signal_type=SIGNAL_TYPE_ICE_CANDIDATE,
                    ice_candidate=self._check,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(ready), wait)
                wait = min(2.0, wait * 2)
            ready.result()

    async def peer(self, user_id: int, timeout: float = 30.0) -> Peer:
        """The peer of ``user_id`` once the offer/answer between us went through."""
        return await asyncio.wait_for(asyncio.shield(self._ready(user_id)), timeout)

    async def stop(self) -> None:
        """Leave the room and close every peer."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with contextlib.suppress(Exception):
            await self.client.leave_room(self.room_id)
        for user_id in list(self._peers):
            await self._close(user_id)

    # Inside -------------------------------------------------------------------------------

    def _ready(self, user_id: int) -> asyncio.Future[Peer]:
        future = self._peer_ready.get(user_id)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._peer_ready[user_id] = future
        return future

    async def _make_peer(self, user_id: int) -> Peer:
        old = self._peers.pop(user_id, None)
        if old is not None:
            await old.close()
        future = self._peer_ready.get(user_id)
        if future is not None and future.done():
            del self._peer_ready[user_id]  # a new connection: wait for it afresh
        made = self._new_peer(user_id)
        peer = await made if inspect.isawaitable(made) else made
        self._peers[user_id] = peer
        return peer

    async def _close(self, user_id: int) -> None:
        peer = self._peers.pop(user_id, None)
        future = self._peer_ready.pop(user_id, None)
        if future is not None and not future.done():
            future.cancel()
        if peer is not None:
            await peer.close()

    async def _send_candidates(self, user_id: int, candidates: list[IceCandidate]) -> None:
        for candidate in candidates:
            await self.client.signal(
                room_id=self.room_id,
                target_user_id=user_id,
                signal_type=SIGNAL_TYPE_ICE_CANDIDATE,
                ice_candidate=candidate.candidate,
                sdp_mid=candidate.sdp_mid,
                sdp_mline_index=candidate.sdp_mline_index,
            )

    async def _offer(self, user_id: int) -> None:
        peer = await self._make_peer(user_id)
        offer = await peer.create_offer()
        await self.client.signal(
            room_id=self.room_id,
            target_user_id=user_id,
            signal_type=SIGNAL_TYPE_OFFER,
            sdp=offer.sdp,
        )
        await self._send_candidates(user_id, offer.candidates)

    async def _read(self, events: AsyncIterator[Event]) -> None:
        try:
            async for event in events:
                try:
                    await self._handle(event)
                except Exception:
                    kind = event.WhichOneof("respond_event_type")
                    log.exception("call %d: could not handle a %s event", self.room_id, kind)
        except OurChatRpcError as exc:
            # The stream was refused for good (say, the token expired): nobody waits forever.
            log.warning("call %d: the event stream ended: %s", self.room_id, exc)
            waiting = [self._stream_ready, *self._peer_ready.values()]
            for future in waiting:
                if future is not None and not future.done():
                    future.set_exception(exc)

    async def _handle(self, event: Event) -> None:
        kind = event.WhichOneof("respond_event_type")
        if kind == "signal":
            signal = event.signal
            if signal.room_id != self.room_id:
                return
            if signal.from_user_id == self.user_id:
                ready = self._stream_ready
                if signal.ice_candidate == self._check and ready is not None and not ready.done():
                    ready.set_result(None)
                return
            await self._on_signal(
                signal.from_user_id,
                int(signal.signal_type),
                signal.sdp,
                IceCandidate(signal.ice_candidate, signal.sdp_mid, signal.sdp_mline_index),
            )
        elif kind in ("room_member_left", "room_member_kicked"):
            notice = getattr(event, kind)
            if notice.room_id != self.room_id:
                return
            if notice.user_id == self.user_id:  # we were kicked: the call is over
                for user_id in list(self._peers):
                    await self._close(user_id)
            else:
                await self._close(notice.user_id)

    async def _on_signal(
        self, sender: int, signal_type: int, sdp: str, candidate: IceCandidate
    ) -> None:
        if signal_type == SIGNAL_TYPE_OFFER:
            peer = await self._make_peer(sender)
            answer = await peer.accept_offer(sdp)
            await self.client.signal(
                room_id=self.room_id,
                target_user_id=sender,
                signal_type=SIGNAL_TYPE_ANSWER,
                sdp=answer.sdp,
            )
            await self._send_candidates(sender, answer.candidates)
            self._mark_ready(sender, peer)
        elif signal_type == SIGNAL_TYPE_ANSWER:
            known = self._peers.get(sender)
            if known is not None:
                await known.accept_answer(sdp)
                self._mark_ready(sender, known)
        elif signal_type == SIGNAL_TYPE_ICE_CANDIDATE:
            known = self._peers.get(sender)
            if known is not None:
                await known.add_candidate(candidate)

    def _mark_ready(self, user_id: int, peer: Peer) -> None:
        future = self._ready(user_id)
        if not future.done():
            future.set_result(peer)
