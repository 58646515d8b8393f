"""Measurement loops shared by both servers: closed-loop callers, open-loop senders, stream readers.

Every loop is bounded twice, by a duration and by a count, and gives up after too many errors.
Times are ``time.perf_counter()`` seconds of this (the client) process.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import grpc

#: A loop stops after this many failed calls.
MAX_ERRORS = 50
#: Open-loop senders never have more calls in flight than this.
MAX_IN_FLIGHT = 2000
#: Each channel its own TCP connection (channels to one target otherwise share one).
CHANNEL_OPTIONS = (("grpc.use_local_subchannel_pool", 1),)

Unary = Callable[[], Awaitable[object]]
Metadata = tuple[tuple[str, str], ...]


@contextlib.asynccontextmanager
async def channels(target: str, count: int) -> AsyncIterator[list[grpc.aio.Channel]]:
    """``count`` separate connections to ``target``, closed afterwards."""
    made = [grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS) for _ in range(count)]
    try:
        yield made
    finally:
        await asyncio.gather(*(c.close(None) for c in made))


def unary(channel: grpc.aio.Channel, method: str, request: bytes, metadata: Metadata = ()) -> Unary:
    """A call of ``method`` with a fixed, already serialized request (response left as bytes)."""
    stub = channel.unary_unary(method, request_serializer=None, response_deserializer=None)

    def call() -> Awaitable[object]:
        return stub(request, metadata=metadata)

    return call


def describe(exc: BaseException) -> str:
    """A one-line description of a failed call."""
    if isinstance(exc, grpc.aio.AioRpcError):
        return f"{exc.code().name}: {exc.details()}"
    return f"{type(exc).__name__}: {exc}"


class Flow:
    """Keeps senders at most ``limit`` deliveries ahead of what the readers have received.

    Used by fan-out loops so that the measured rate is one the server sustains, not the rate
    at which it accepts messages into growing queues.
    """

    def __init__(self, fanout: int, limit: int) -> None:
        self.fanout = fanout
        self.limit = limit
        self.sent = 0
        self.delivered = 0
        self._room = asyncio.Event()
        self._room.set()

    def backlog(self) -> int:
        """Deliveries owed by messages sent so far, minus those received."""
        return self.sent * self.fanout - self.delivered

    async def wait_room(self) -> None:
        """Wait until the backlog is within the limit."""
        while self.backlog() > self.limit:
            self._room.clear()
            await self._room.wait()

    def on_delivery(self) -> None:
        """A reader received one frame."""
        self.delivered += 1
        if self.backlog() <= self.limit:
            self._room.set()


class Reader:
    """Reads one server-streaming call in the background and counts its frames.

    Args:
        call: the started call (responses as bytes).
        on_frame: told about each frame and when it arrived.
    """

    def __init__(
        self,
        call: grpc.aio.UnaryStreamCall,  # type: ignore[type-arg]
        on_frame: Callable[[bytes, float], None] | None = None,
    ) -> None:
        self.call = call
        self.on_frame = on_frame
        self.flow: Flow | None = None
        self.count = 0
        self.last_at = 0.0
        self.error: str | None = None
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            async for frame in self.call:
                now = time.perf_counter()
                self.count += 1
                self.last_at = now
                if self.on_frame is not None:
                    self.on_frame(frame, now)
                if self.flow is not None:
                    self.flow.on_delivery()
        except asyncio.CancelledError:
            pass
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                self.error = describe(exc)
        else:
            self.error = "stream ended"

    async def close(self) -> None:
        """Cancel the call and wait for the reader to stop."""
        self.call.cancel()
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


def open_stream(
    channel: grpc.aio.Channel,
    method: str,
    request: bytes,
    metadata: Metadata = (),
    on_frame: Callable[[bytes, float], None] | None = None,
) -> Reader:
    """Start a server-streaming call and a :class:`Reader` for it."""
    call = channel.unary_stream(method, request_serializer=None, response_deserializer=None)(
        request, metadata=metadata
    )
    return Reader(call, on_frame)


async def wait_counts(readers: Sequence[Reader], at_least: Sequence[int], timeout_s: float) -> bool:
    """Wait until reader ``i`` has ``at_least[i]`` frames (or has failed); False on timeout."""
    deadline = time.perf_counter() + timeout_s
    while True:
        pending = [
            r for r, n in zip(readers, at_least, strict=True) if r.count < n and r.error is None
        ]
        if not pending:
            return True
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.01)


async def close_all(readers: Sequence[Reader]) -> None:
    """Close every reader."""
    await asyncio.gather(*(r.close() for r in readers))


@dataclass
class LoopResult:
    """What a closed loop achieved."""

    ok: int = 0
    errors: int = 0
    elapsed_s: float = 0.0
    first_error: str | None = None
    latencies_s: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Successful calls per second."""
        return self.ok / self.elapsed_s if self.elapsed_s > 0 else 0.0


async def closed_loop(
    callers: Sequence[Unary],
    in_flight_each: int,
    duration_s: float,
    max_count: int,
    flow: Flow | None = None,
) -> LoopResult:
    """Keep ``in_flight_each`` calls of every caller in flight until the time or count is up.

    Args:
        callers: one function per client; each call of it makes one RPC.
        in_flight_each: concurrent calls per caller.
        duration_s: stop starting calls after this long.
        max_count: stop starting calls after this many.
        flow: when given, each call first waits for room and counts as sent.
    """
    result = LoopResult()
    started = 0
    start = time.perf_counter()
    end = start + duration_s

    async def worker(call: Unary) -> None:
        nonlocal started
        while time.perf_counter() < end and started < max_count and result.errors < MAX_ERRORS:
            if flow is not None:
                await flow.wait_room()
                flow.sent += 1
            started += 1
            try:
                await call()
            except grpc.aio.AioRpcError as exc:
                result.errors += 1
                result.first_error = result.first_error or describe(exc)
                if flow is not None:
                    flow.sent -= 1
            else:
                result.ok += 1

    workers = [worker(c) for c in callers for _ in range(in_flight_each)]
    await asyncio.gather(*workers)
    result.elapsed_s = time.perf_counter() - start
    return result


async def open_loop(
    fire: Callable[[int], Awaitable[object]],
    rate: float,
    duration_s: float,
    max_count: int,
    drain_s: float = 10.0,
) -> LoopResult:
    """Start ``fire(seq)`` at a fixed ``rate`` (calls/s), whatever the earlier calls are doing.

    Each call's own latency (start to response) is recorded in ``latencies_s``. Returns once
    every call finished or ``drain_s`` passed after the last start.
    """
    result = LoopResult()
    count = min(max_count, max(1, int(rate * duration_s)))
    tasks: set[asyncio.Task[None]] = set()

    async def one(seq: int) -> None:
        began = time.perf_counter()
        try:
            await fire(seq)
        except grpc.aio.AioRpcError as exc:
            result.errors += 1
            result.first_error = result.first_error or describe(exc)
        else:
            result.ok += 1
            result.latencies_s.append(time.perf_counter() - began)

    start = time.perf_counter()
    seq = 0
    while seq < count and result.errors < MAX_ERRORS:
        now = time.perf_counter()
        due = min(count, int((now - start) * rate) + 1)
        while seq < due and len(tasks) < MAX_IN_FLIGHT:
            task = asyncio.create_task(one(seq))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            seq += 1
        await asyncio.sleep(max(0.0, start + seq / rate - time.perf_counter()))
    if tasks:
        await asyncio.wait(set(tasks), timeout=drain_s)
    for task in list(tasks):
        task.cancel()
    result.elapsed_s = time.perf_counter() - start
    return result
