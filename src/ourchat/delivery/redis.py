"""The Redis delivery bus: one PUBLISH per event, one subscriber per process, local fan-out.

Every process publishes each committed event once on ``<prefix>:events`` and holds a single
subscriber connection to that channel; whatever arrives there (its own events included) is
handed once to this process's :class:`~ourchat.delivery.bus.LocalFanout`.

Redis pub/sub keeps nothing for a subscriber that is away, so the bus never pretends:

* While the subscriber connection is not confirmed (``SUBSCRIBE`` acknowledged), every local
  subscription is closed with :data:`~ourchat.details.DELIVERY_UNAVAILABLE`, and a subscription
  opened meanwhile is closed at once. FetchMsgs then ends with ``UNAVAILABLE``; the client
  reconnects with the ``time`` of the last event it saw and the replay fills the gap.
* A lost connection is noticed from the socket, or by a PING when the channel has been silent
  for ``heartbeat_seconds`` (no reply within another ``heartbeat_seconds`` counts as lost). The
  bus reconnects in the background with a capped exponential delay.
* PUBLISHes leave from one ordered queue per process, all that is queued in one round trip;
  the RPC whose transaction committed answers without waiting for them.
* A failed PUBLISH never fails the RPC whose transaction already committed. It is logged, the
  local subscriptions (which will not see the event either) are closed, and once Redis answers
  again this process publishes a *resync* notice that makes every process close its local
  subscriptions, so streams elsewhere that missed the event replay it too.
* A message this version cannot read (say, from a newer release during a rolling upgrade) is
  treated like a resync notice.

What remains: a process that dies between its commit and its PUBLISH leaves other processes'
streams without that event until they reconnect for another reason (the event is stored, so
any reconnect replays it).

Wire format of one message (network byte order)::

    version/kind  u8    1 = event, 2 = resync notice
    flags         u8    bit 0: announcement; bit 1: for everyone (no recipient list);
                        bit 2: live only (not stored)
    msg_id        i64
    time_us       i64   the event's time
    published_us  i64   wall clock at PUBLISH, for the bus-lag histogram
    n             u32   number of recipients
    recipients    n x i64
    payload       the rest: the serialized FetchMsgsResponse
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import re
import secrets
import struct
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import RedisError, ResponseError

from ourchat import details
from ourchat.delivery.bus import LocalFanout, Subscription
from ourchat.delivery.events import Event

log = logging.getLogger(__name__)

KIND_EVENT = 1
KIND_RESYNC = 2
_HEADER = struct.Struct("!BBqqqI")
_ANNOUNCEMENT = 0x01
_EVERYONE = 0x02
_LIVE_ONLY = 0x04
_FAILURES = (RedisError, OSError, TimeoutError)
#: Messages queued for PUBLISH past which committing RPCs wait for Redis to catch up.
OUTBOX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class _Outgoing:
    """The messages of one :meth:`RedisBus.publish_many` call, waiting for PUBLISH."""

    messages: list[bytes]
    first_id: int
    last_id: int
    sent: asyncio.Future[None]


@dataclass(frozen=True, slots=True)
class Envelope:
    """One decoded bus message.

    Attributes:
        kind: :data:`KIND_EVENT` or :data:`KIND_RESYNC`.
        event: the event (``None`` for a resync notice).
        published_us: the publisher's wall clock when it published, in microseconds.
    """

    kind: int
    event: Event | None
    published_us: int


def encode_event(event: Event, published_us: int) -> bytes:
    """The bus message carrying ``event``."""
    flags = _ANNOUNCEMENT if event.is_announcement else 0
    if event.live_only:
        flags |= _LIVE_ONLY
    recipients: list[int] = []
    if event.recipients is None:
        flags |= _EVERYONE
    else:
        recipients = sorted(event.recipients)
    header = _HEADER.pack(
        KIND_EVENT, flags, event.msg_id, event.time_us, published_us, len(recipients)
    )
    return b"".join((header, struct.pack(f"!{len(recipients)}q", *recipients), event.payload))


def encode_resync(published_us: int) -> bytes:
    """The notice that makes every process close its local subscriptions."""
    return _HEADER.pack(KIND_RESYNC, 0, 0, 0, published_us, 0)


def decode(data: bytes) -> Envelope:
    """Read a bus message.

    Raises:
        ValueError: the message is truncated or of an unknown kind.
    """
    if len(data) < _HEADER.size:
        raise ValueError(f"bus message of {len(data)} bytes is too short")
    kind, flags, msg_id, time_us, published_us, count = _HEADER.unpack_from(data)
    if kind == KIND_RESYNC:
        return Envelope(KIND_RESYNC, None, published_us)
    if kind != KIND_EVENT:
        raise ValueError(f"unknown bus message kind {kind}")
    end = _HEADER.size + 8 * count
    if len(data) < end:
        raise ValueError("bus message recipient list is truncated")
    recipients: frozenset[int] | None = None
    if not flags & _EVERYONE:
        recipients = frozenset(struct.unpack_from(f"!{count}q", data, _HEADER.size))
    event = Event(
        msg_id,
        time_us,
        data[end:],
        recipients,
        bool(flags & _ANNOUNCEMENT),
        live_only=bool(flags & _LIVE_ONLY),
    )
    return Envelope(KIND_EVENT, event, published_us)


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _now_us() -> int:
    return time.time_ns() // 1000


class RedisBus:
    """Delivery across processes through one Redis pub/sub channel.

    Args:
        redis_url: ``redis://`` or ``rediss://`` URL (database number, password, TLS as usual).
        queue_limit: live events buffered per subscription before it is closed as lagging.
        channel_prefix: namespace of the channel, so several servers can share one Redis.
        on_event: called with the bus lag in seconds (publish to local delivery) of each event
            received.
        on_connection: called with ``True`` when the subscriber is confirmed and ``False`` when
            it is lost.
        heartbeat_seconds: silence after which the subscriber PINGs Redis.
        publish_timeout_seconds: the longest a PUBLISH may hold up the committed RPC.
        connect_timeout_seconds: how long :meth:`start` waits for the first subscription.
        max_reconnect_delay_seconds: the cap of the reconnect back-off.
        streams_per_user: open streams of one user in this process (0: no limit).
    """

    def __init__(
        self,
        redis_url: str,
        queue_limit: int = 10_000,
        *,
        channel_prefix: str = "ourchat",
        on_event: Callable[[float], None] | None = None,
        on_connection: Callable[[bool], None] | None = None,
        heartbeat_seconds: float = 5.0,
        publish_timeout_seconds: float = 2.0,
        connect_timeout_seconds: float = 5.0,
        max_reconnect_delay_seconds: float = 5.0,
        streams_per_user: int = 0,
    ) -> None:
        self.fanout = LocalFanout(queue_limit, streams_per_user)
        self.channel = f"{channel_prefix}:events"
        self.connection_name = re.sub(
            r"\s", "_", f"ourchat-bus:{self.channel}:{os.getpid()}:{secrets.token_hex(3)}"
        )
        self.received = 0
        self._url = redis_url
        self._pool_kwargs: dict[str, Any] = {
            "socket_connect_timeout": connect_timeout_seconds,
            "socket_keepalive": True,
        }
        self._pool: ConnectionPool = ConnectionPool.from_url(redis_url, **self._pool_kwargs)
        self._client: Redis = Redis(connection_pool=self._pool)
        self._on_event = on_event
        self._on_connection = on_connection
        self._heartbeat = heartbeat_seconds
        self._publish_timeout = publish_timeout_seconds
        self._connect_timeout = connect_timeout_seconds
        self._max_delay = max_reconnect_delay_seconds
        self._connected = False
        self._resync_pending = False
        self._closed = False
        self._attempted = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_seen = 0.0
        self._outbox: list[_Outgoing] = []
        self._queued = 0
        self._sender: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        """Whether the subscriber is confirmed, so new subscriptions will see every event."""
        return self._connected

    async def start(self) -> None:
        """Start the subscriber and wait (briefly) for its first connection.

        If Redis cannot be reached the server still starts: streams end with
        ``UNAVAILABLE`` until the subscriber gets through, which it keeps trying.
        """
        if self._task is not None:
            return
        self._task = asyncio.create_task(self._run(), name=f"redis-bus {self.channel}")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._connect_timeout + 1.0):
                await self._attempted.wait()
        if not self._connected:
            log.error("Redis at %s is unreachable; live delivery is off until it is", self._where)

    async def close(self) -> None:
        """Publish what is queued, stop the subscriber, end every subscription, disconnect."""
        if self._sender is not None:
            await asyncio.gather(asyncio.shield(self._sender), return_exceptions=True)
        self._closed = True
        self.fanout.close_all(details.SHUTTING_DOWN)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._client.aclose()
        await self._pool.disconnect()

    async def publish(self, event: Event) -> None:
        """PUBLISH ``event`` once; a failure is logged, never raised (the event is stored)."""
        await self.publish_many([event])

    async def publish_many(self, events: Sequence[Event], *, wait: bool = True) -> None:
        """PUBLISH each of ``events``, in order, after what this process queued before.

        Everything queued meanwhile goes out together, in one round trip. With ``wait`` off
        this returns once the events are queued (it waits only while :data:`OUTBOX_LIMIT`
        messages are queued already), so a committed RPC can answer without waiting for
        Redis. A failure is logged, never raised (the events are stored).
        """
        if not events:
            return
        now = _now_us()
        messages = [encode_event(event, now) for event in events]
        if self._closed:
            for data, event in zip(messages, events, strict=True):
                await self._publish_after_close(data, event.msg_id)
            return
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outbox.append(_Outgoing(messages, events[0].msg_id, events[-1].msg_id, sent))
        self._queued += len(messages)
        if self._sender is None:
            self._sender = asyncio.create_task(self._send_queued(), name="redis-bus publish")
        if wait or self._queued > OUTBOX_LIMIT:
            await asyncio.shield(sent)

    async def _send_queued(self) -> None:
        """PUBLISH what is queued, oldest first, until the queue is empty."""
        try:
            while self._outbox:
                batch, self._outbox = self._outbox, []
                messages = [data for item in batch for data in item.messages]
                try:
                    await self._send(messages)
                except _FAILURES as exc:
                    log.warning(
                        "events %d to %d are stored but were not all published (%s); streams "
                        "will replay them",
                        batch[0].first_id,
                        batch[-1].last_id,
                        _describe(exc),
                    )
                    self._resync_pending = True
                    self.fanout.close_all(details.DELIVERY_UNAVAILABLE)
                finally:
                    self._queued -= len(messages)
                    for item in batch:
                        if not item.sent.done():
                            item.sent.set_result(None)
        finally:
            self._sender = None

    async def _send(self, messages: list[bytes]) -> None:
        async with asyncio.timeout(self._publish_timeout):
            if self._resync_pending:
                await self._send_resync()
            if len(messages) == 1:
                await self._client.publish(self.channel, messages[0])
                return
            async with self._client.pipeline(transaction=False) as pipe:
                for data in messages:
                    # Queued in the pipeline (it returns the pipeline, not a reply).
                    pipe.publish(self.channel, data)  # type: ignore[unused-awaitable]
                await pipe.execute()

    def subscribe(self, user_id: int) -> contextlib.AbstractAsyncContextManager[Subscription]:
        """Open a subscription for ``user_id`` (closed at once while Redis is out of reach)."""
        return self._subscription(user_id)

    @contextlib.asynccontextmanager
    async def _subscription(self, user_id: int) -> AsyncIterator[Subscription]:
        async with self.fanout.subscription(user_id) as sub:
            if self._closed:
                sub.close(details.SHUTTING_DOWN)
            elif not self._connected:
                sub.close(details.DELIVERY_UNAVAILABLE)
            yield sub

    # Publishing -------------------------------------------------------------------------

    async def _send_resync(self) -> None:
        await self._client.publish(self.channel, encode_resync(_now_us()))
        self._resync_pending = False
        log.info("Redis is back; asked every process to resync its streams")

    async def _publish_after_close(self, data: bytes, msg_id: int) -> None:
        """A transaction that committed during shutdown still reaches the other processes."""
        client: Redis = Redis.from_url(self._url, **self._pool_kwargs)
        try:
            async with asyncio.timeout(self._publish_timeout):
                await client.publish(self.channel, data)
        except _FAILURES as exc:
            log.warning("event %d committed during shutdown was not published (%s)", msg_id, exc)
        finally:
            await client.aclose()

    # Subscribing ------------------------------------------------------------------------

    @property
    def _where(self) -> str:
        kwargs = self._pool.connection_kwargs
        if "path" in kwargs:
            return str(kwargs["path"])
        return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"

    def _set_connected(self, connected: bool) -> None:
        if connected == self._connected:
            return
        self._connected = connected
        if not connected:
            self.fanout.close_all(details.DELIVERY_UNAVAILABLE)
        if self._on_connection is not None and not self._closed:
            self._on_connection(connected)

    async def _run(self) -> None:
        delay = 0.05
        while not self._closed:
            conn: AbstractConnection = self._pool.make_connection()  # type: ignore[no-untyped-call]
            try:
                await conn.connect()  # type: ignore[no-untyped-call]
                await self._subscribe(conn)
                self._set_connected(True)
                self._attempted.set()
                log.info("delivery bus subscribed to %s on %s", self.channel, self._where)
                delay = 0.05
                await self._listen(conn)
            except _FAILURES as exc:
                if not self._closed:
                    log.warning(
                        "delivery bus lost Redis at %s (%s); open streams end and reconnect",
                        self._where,
                        _describe(exc),
                    )
            finally:
                self._set_connected(False)
                self._attempted.set()
                await conn.disconnect(nowait=True)
            if self._closed:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_delay)

    async def _subscribe(self, conn: AbstractConnection) -> None:
        await conn.send_command("CLIENT", "SETNAME", self.connection_name)
        try:
            await conn.read_response(timeout=self._connect_timeout, push_request=True)
        except ResponseError as exc:  # the name only helps operators; an ACL may forbid it
            log.debug("CLIENT SETNAME refused: %s", exc)
        await conn.send_command("SUBSCRIBE", self.channel)
        reply = await conn.read_response(timeout=self._connect_timeout, push_request=True)
        if not (isinstance(reply, list) and reply and reply[0] in (b"subscribe", "subscribe")):
            raise RedisError(f"unexpected reply to SUBSCRIBE: {reply!r}")

    async def _listen(self, conn: AbstractConnection) -> None:
        """Read messages until the connection fails; PING when the channel is quiet."""
        loop = asyncio.get_running_loop()
        self._last_seen = loop.time()
        reader = asyncio.create_task(self._read(conn))
        try:
            while True:
                done, _ = await asyncio.wait({reader}, timeout=self._heartbeat / 2)
                if done:
                    reader.result()
                    raise RedisError("subscriber connection ended")
                if self._resync_pending:
                    with contextlib.suppress(*_FAILURES):
                        async with asyncio.timeout(self._publish_timeout):
                            await self._send_resync()
                silent = loop.time() - self._last_seen
                if silent > 2 * self._heartbeat:
                    raise TimeoutError(f"no reply from Redis in {silent:.1f} s")
                if silent > self._heartbeat:
                    await conn.send_command("PING")
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    async def _read(self, conn: AbstractConnection) -> None:
        loop = asyncio.get_running_loop()
        while True:
            reply = await conn.read_response(timeout=math.inf, push_request=True)
            self._last_seen = loop.time()
            if isinstance(reply, list) and len(reply) == 3 and reply[0] in (b"message", "message"):
                data = reply[2]
                self._on_message(data if isinstance(data, bytes) else str(data).encode())

    def _on_message(self, data: bytes) -> None:
        try:
            envelope = decode(data)
        except ValueError as exc:
            log.error("unreadable message on %s (%s); local streams resync", self.channel, exc)
            self.fanout.close_all(details.DELIVERY_UNAVAILABLE)
            return
        if envelope.event is None:
            log.info("resync notice on %s; local streams end and replay", self.channel)
            self.fanout.close_all(details.DELIVERY_UNAVAILABLE)
            return
        self.received += 1
        if self._on_event is not None:
            self._on_event(max(0.0, (_now_us() - envelope.published_us) / 1_000_000))
        self.fanout.deliver(envelope.event)
