"""SDK methods for messages, and the reconnecting event iterator built on FetchMsgs."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import cast

import grpc

from ourchat._pb.service.basic.v1.basic_pb2 import PingRequest
from ourchat._pb.service.ourchat.msg_delivery.recall.v1.recall_pb2 import (
    RecallMsgRequest,
    RecallMsgResponse,
)
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsRequest,
    FetchMsgsResponse,
    SendMsgRequest,
    SendMsgResponse,
)
from ourchat.client._base import BaseClient
from ourchat.client._errors import DeadlineExceededError, OurChatRpcError, UnavailableError

#: One event of a FetchMsgs stream: ``msg_id``, ``time`` and one variant
#: (``event.WhichOneof("respond_event_type")``: ``"msg"``, ``"recall"``, ...).
Event = FetchMsgsResponse

#: Seconds the server gets to answer the probe that tells it is back after a drop.
_PROBE_TIMEOUT_SECONDS = 5.0
#: How long a replay waits for its first event before it counts as empty (a busy server
#: starts a replay late; only an account without any event waits that long).
FIRST_EVENT_WAIT_SECONDS = 5.0

#: How many recent msg_ids :meth:`MessagesMixin.events` remembers to drop duplicates.
_SEEN_MEMORY = 4096


@dataclass(frozen=True)
class Backoff:
    """How long :meth:`MessagesMixin.events` waits before each reconnection attempt.

    The n-th consecutive failure waits ``min(maximum, initial * factor**n)`` seconds, spread
    by ``±jitter`` of itself so that many clients do not return all at once.
    """

    initial: float = 0.25
    maximum: float = 10.0
    factor: float = 2.0
    jitter: float = 0.2

    def delay(self, attempt: int) -> float:
        """Seconds to wait before reconnection attempt ``attempt`` (0-based)."""
        base = min(self.maximum, self.initial * self.factor**attempt)
        return max(0.0, base * (1 + random.uniform(-self.jitter, self.jitter)))


#: Called when the event stream dropped: the error (None if the server just ended the
#: stream) and the seconds before the next attempt.
DisconnectCallback = Callable[[OurChatRpcError | None, float], None]


class MessagesMixin(BaseClient):
    """Sending, recalling and receiving messages and other events."""

    async def send_msg(
        self,
        session_id: int,
        text: str,
        *,
        involved_files: Iterable[str] = (),
        is_encrypted: bool = False,
    ) -> SendMsgResponse:
        """Send a (markdown) message to a session.

        Args:
            session_id: a session you are a member of.
            text: the message, at most 16 KiB.
            involved_files: keys of uploaded files the message refers to.
            is_encrypted: whether ``text`` is end-to-end encrypted.

        Returns:
            The ``msg_id`` and ``time`` of the stored message.
        """
        response: SendMsgResponse = await self.call(
            "SendMsg",
            SendMsgRequest(
                session_id=session_id,
                markdown_text=text,
                involved_files=list(involved_files),
                is_encrypted=is_encrypted,
            ),
        )
        return response

    async def recall_msg(self, *, msg_id: int, session_id: int) -> RecallMsgResponse:
        """Take back a message of a session (one's own, or as a higher-ranked moderator)."""
        request = RecallMsgRequest(msg_id=msg_id, session_id=session_id)
        return cast("RecallMsgResponse", await self.call("RecallMsg", request))

    def fetch_msgs(
        self, since_us: int = 0, *, announcement_only: bool = False
    ) -> AsyncIterator[FetchMsgsResponse]:
        """One FetchMsgs stream: every event after ``since_us`` (replay first, then live).

        The stream ends with an error when the connection drops; :meth:`events` reconnects
        by itself.
        """
        request = FetchMsgsRequest(announcement_only=announcement_only)
        request.time.FromMicroseconds(since_us)
        return self.stream("FetchMsgs", request)

    async def stored_events(
        self,
        since_us: int,
        until_us: int,
        *,
        idle: float,
        first_wait: float = FIRST_EVENT_WAIT_SECONDS,
    ) -> AsyncGenerator[FetchMsgsResponse, None]:
        """The events after ``since_us`` the server holds, then the stream is closed.

        The protocol marks no end of a replay, so it is over after the first event newer than
        ``until_us`` (yielded, as the last one: live traffic has begun), or after ``idle``
        seconds without an event; the first one may take ``first_wait`` seconds, since a busy
        server starts a replay late (only an account without any event waits that long).
        """
        stream = self.fetch_msgs(since_us)
        async with contextlib.aclosing(stream):  # type: ignore[type-var]
            iterator = aiter(stream)
            wait = max(idle, first_wait)
            while True:
                try:
                    async with asyncio.timeout(wait):
                        event = await anext(iterator)
                except (TimeoutError, StopAsyncIteration):
                    return
                wait = idle
                yield event
                if event.time.ToMicroseconds() > until_us:
                    return

    async def events(
        self,
        since_us: int = 0,
        *,
        announcement_only: bool = False,
        backoff: Backoff | None = None,
        on_disconnect: DisconnectCallback | None = None,
        on_reconnect: Callable[[], None] | None = None,
    ) -> AsyncGenerator[Event, None]:
        """Every event after ``since_us``, across dropped connections, each exactly once.

        When the stream ends (``UNAVAILABLE``: the server restarted, the network dropped, or
        the server asked the client to reconnect), this waits per ``backoff`` and opens a new
        stream from the ``time`` of the last event received, so nothing is missed; an event
        that arrives twice (same ``msg_id``) is yielded only once. Any other error (an expired
        token, say) ends the iteration by raising it.

        Args:
            since_us: start after this time (microseconds since the epoch; 0: everything).
            announcement_only: only server announcements.
            backoff: reconnection pacing (default :class:`Backoff`).
            on_disconnect: told about each drop before the wait.
            on_reconnect: told when, after a drop, the server answers again (a Ping, just
                before the new stream opens).

        Raises:
            OurChatRpcError: a refusal that reconnecting cannot fix.
        """
        pacing = backoff or Backoff()
        cursor = since_us
        seen: set[int] = set()
        order: collections.deque[int] = collections.deque()
        attempt = 0
        dropped = False
        while True:
            error: OurChatRpcError | None = None
            try:
                if dropped and on_reconnect is not None:
                    await self.call("Ping", PingRequest(), timeout=_PROBE_TIMEOUT_SECONDS)
                    on_reconnect()
                dropped = False
                stream = self.fetch_msgs(cursor, announcement_only=announcement_only)
                async with contextlib.aclosing(stream):  # type: ignore[type-var]
                    async for event in stream:
                        attempt = 0
                        if event.msg_id in seen:
                            continue
                        seen.add(event.msg_id)
                        order.append(event.msg_id)
                        if len(order) > _SEEN_MEMORY:
                            seen.discard(order.popleft())
                        cursor = max(cursor, event.time.ToMicroseconds())
                        yield event
            except (UnavailableError, DeadlineExceededError) as exc:
                if isinstance(exc, DeadlineExceededError) and not dropped:
                    raise  # only the probe has a deadline
                error = exc
            except OurChatRpcError as exc:
                if exc.code != grpc.StatusCode.CANCELLED:
                    raise
                error = exc  # a server going down may cancel its streams instead
            dropped = True
            delay = pacing.delay(attempt)
            attempt += 1
            if on_disconnect is not None:
                on_disconnect(error, delay)
            await asyncio.sleep(delay)
