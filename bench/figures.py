"""Figures 1-3 on a running ourchat and the bare server: send rate, group fan-out, latency.

Each repetition measures the bare server first and ourchat right after, with the same number
of client connections, calls in flight and payload size, from this (the client) process.
"""

from __future__ import annotations

import asyncio
import itertools
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench import bare, driver
from bench.driver import Account
from bench.loops import (
    Flow,
    LoopResult,
    Reader,
    Unary,
    channels,
    close_all,
    closed_loop,
    open_loop,
    open_stream,
    unary,
    wait_counts,
)
from bench.modes import Mode
from bench.results import Figure
from bench.stats import latency_summary, percentile

#: Bytes of a bare echo request and of a bare event, about the size of their ourchat twins.
PAYLOAD = bytes(100)
READY_TIMEOUT_S = 10.0
DRAIN_TIMEOUT_S = 10.0
#: Percentiles drawn in the latency plot.
CURVE = (50.0, 75.0, 90.0, 95.0, 99.0, 99.9)


@dataclass
class World:
    """The accounts and sessions of one ourchat server that figures 1-3 use."""

    target: str
    users: list[Account]
    pairs: list[tuple[Account, Account, int]]
    groups: dict[int, tuple[list[Account], int]]


async def build_world(target: str, mode: Mode) -> World:
    """Register users, pair some of them as friends, and make the group sessions."""
    count = max(max(mode.fanout_sizes), 2 * mode.send_sessions)
    users = await driver.register(target, count)
    pairs = []
    for i in range(mode.send_sessions):
        a, b = users[2 * i], users[2 * i + 1]
        pairs.append((a, b, await driver.befriend(target, a, b)))
    groups = {}
    for size in mode.fanout_sizes:
        members = users[:size]
        groups[size] = (members, await driver.group(target, members[0], members[1:]))
    return World(target, users, pairs, groups)


async def _ready(readers: Sequence[Reader], probe: Unary, what: str) -> None:
    """Call ``probe`` (which sends one event to every reader) and wait until all have it."""
    wanted = [r.count + 1 for r in readers]
    await probe()
    if not await wait_counts(readers, wanted, READY_TIMEOUT_S):
        late = sum(1 for r, n in zip(readers, wanted, strict=True) if r.count < n)
        raise RuntimeError(f"{what}: {late} of {len(readers)} streams got no probe event")
    failed = [r.error for r in readers if r.error]
    if failed:
        raise RuntimeError(f"{what}: streams failed: {failed[0]}")


# Figure 1 --------------------------------------------------------------------------------


async def _send_bare(target: str, mode: Mode) -> LoopResult:
    async with channels(target, mode.send_sessions) as chans:
        callers = [unary(c, bare.ECHO, PAYLOAD) for c in chans]
        await closed_loop(callers, mode.send_in_flight, mode.warmup_s, mode.max_count)
        return await closed_loop(callers, mode.send_in_flight, mode.window_s, mode.max_count)


async def _publish_bare(target: str, mode: Mode, tag: bytes) -> LoopResult:
    """Bare Publish/s, each group one publisher and one streaming subscriber: the transport
    work of a SendMsg in a 2-member session (a unary call, and one frame on a stream)."""
    groups = [tag + b"-" + str(i).encode() for i in range(mode.send_sessions)]
    async with (
        channels(target, len(groups)) as send_chans,
        channels(target, len(groups)) as recv_chans,
    ):
        readers = [
            open_stream(ch, bare.SUBSCRIBE, g) for ch, g in zip(recv_chans, groups, strict=True)
        ]
        try:
            callers = [
                unary(ch, bare.PUBLISH, bare.publish_request(g, PAYLOAD))
                for ch, g in zip(send_chans, groups, strict=True)
            ]
            for call, reader in zip(callers, readers, strict=True):
                await _probe(call, [reader], "bare publish")
            await closed_loop(callers, mode.send_in_flight, mode.warmup_s, mode.max_count)
            return await closed_loop(callers, mode.send_in_flight, mode.window_s, mode.max_count)
        finally:
            await close_all(readers)


async def _send_ourchat(world: World, mode: Mode) -> tuple[LoopResult, int]:
    """SendMsg/s in 2-member sessions whose other member streams; also stream errors."""
    pairs = world.pairs[: mode.send_sessions]
    since = await driver.server_time_us(world.target)
    async with (
        channels(world.target, len(pairs)) as send_chans,
        channels(world.target, len(pairs)) as recv_chans,
    ):
        readers = [
            open_stream(ch, driver.FETCH_MSGS_METHOD, driver.fetch_request(since), b.metadata)
            for ch, (_, b, _) in zip(recv_chans, pairs, strict=True)
        ]
        try:
            callers = [
                unary(ch, driver.SEND_MSG_METHOD, driver.send_request(sid), a.metadata)
                for ch, (a, _, sid) in zip(send_chans, pairs, strict=True)
            ]

            async def probe() -> None:
                for call in callers:
                    await call()

            await _ready(readers, probe, "send throughput")
            await closed_loop(callers, mode.send_in_flight, mode.warmup_s, mode.max_count)
            result = await closed_loop(callers, mode.send_in_flight, mode.window_s, mode.max_count)
            await asyncio.sleep(0.2)
            return result, sum(1 for r in readers if r.error)
        finally:
            await close_all(readers)


async def send_throughput(bare_target: str, world: World, mode: Mode) -> list[Figure]:
    """Figure 1: SendMsg/s accepted vs bare echo RPC/s, and vs bare Publish to a stream.

    The second comparison is the transport's own floor for a SendMsg: the bare server doing
    the same grpcio work (a unary call whose payload goes out on another client's stream).
    """
    fig = Figure(
        key="send_throughput",
        title="Send throughput (SendMsg/s vs bare echo RPC/s)",
        unit="calls/s",
        higher_is_better=True,
        notes=(
            f"{mode.send_sessions} 2-member sessions (one connection per sender, receiver "
            f"streaming on its own), {mode.send_in_flight} calls in flight per sender "
            f"({mode.send_sessions * mode.send_in_flight} in all), {mode.window_s:g} s windows"
        ),
    )
    floor = Figure(
        key="send_vs_publish",
        title="SendMsg/s vs bare Publish/s to one streaming subscriber (its transport work)",
        unit="calls/s",
        higher_is_better=True,
        baseline_label="bare publish",
        notes=(
            f"{mode.send_sessions} groups of one publisher and one subscriber, each on its own "
            f"connection, {mode.send_in_flight} calls in flight per publisher; the ourchat "
            "column is figure 1's SendMsg/s of the same repetition"
        ),
    )
    errors: list[str] = []
    stream_errors = 0
    tags = itertools.count()
    for _ in range(mode.reps):
        b = await _send_bare(bare_target, mode)
        p = await _publish_bare(bare_target, mode, f"send-{next(tags)}".encode())
        o, broken = await _send_ourchat(world, mode)
        fig.bare.append(b.rate)
        fig.ourchat.append(o.rate)
        floor.bare.append(p.rate)
        floor.ourchat.append(o.rate)
        stream_errors += broken
        errors += [e for e in (b.first_error, o.first_error) if e]
        fig.extra.setdefault("ourchat_errors", []).append(o.errors)
    fig.extra["stream_errors"] = stream_errors
    fig.extra["first_errors"] = errors[:3]
    fig.extra["bare_publish_per_s"] = floor.bare
    floor.extra["bare_publish_vs_echo"] = round(floor.bare_median / fig.bare_median, 3)
    return [fig, floor]


# Figure 2 --------------------------------------------------------------------------------


async def _fanout_run(
    readers: Sequence[Reader], callers: Sequence[Unary], size: int, mode: Mode, duration: float
) -> float:
    """Deliveries/s while ``callers`` send, flow-controlled by what ``readers`` receive."""
    flow = Flow(size, mode.fanout_backlog_msgs * size)
    for r in readers:
        r.flow = flow
    start = time.perf_counter()
    result = await closed_loop(callers, mode.fanout_in_flight, duration, mode.max_count, flow)
    deadline = time.perf_counter() + DRAIN_TIMEOUT_S
    while flow.backlog() > 0 and time.perf_counter() < deadline:
        if any(r.error for r in readers):
            break
        await asyncio.sleep(0.01)
    for r in readers:
        r.flow = None
    if result.first_error:
        raise RuntimeError(f"fan-out to {size}: {result.first_error}")
    last = max(r.last_at for r in readers)
    return flow.delivered / (last - start) if last > start else 0.0


async def _fanout_bare(target: str, size: int, mode: Mode, tag: bytes) -> float:
    group = b"fanout-" + tag
    async with channels(target, size) as chans:
        readers = [open_stream(ch, bare.SUBSCRIBE, group) for ch in chans]
        try:
            publish = [
                unary(ch, bare.PUBLISH, bare.publish_request(group, PAYLOAD))
                for ch in chans[: mode.fanout_senders]
            ]
            await _probe(publish[0], readers, f"bare fan-out {size}")
            await _fanout_run(readers, publish, size, mode, mode.warmup_s)
            return await _fanout_run(readers, publish, size, mode, mode.window_s)
        finally:
            await close_all(readers)


async def _probe(publish: Unary, readers: Sequence[Reader], what: str) -> None:
    """Publish ``publish`` until every reader received it (bare subscribers register late)."""
    wanted = [r.count + 1 for r in readers]
    deadline = time.perf_counter() + READY_TIMEOUT_S
    while time.perf_counter() < deadline:
        await publish()
        if await wait_counts(readers, wanted, 0.2):
            return
    raise RuntimeError(f"{what}: not every subscriber received the probe")


async def fanout_ourchat(world: World, size: int, mode: Mode) -> float:
    """Deliveries/s in the ``size``-member session of ``world`` (after a warm-up)."""
    members, session_id = world.groups[size]
    since = await driver.server_time_us(world.target)
    async with channels(world.target, size) as chans:
        readers = [
            open_stream(ch, driver.FETCH_MSGS_METHOD, driver.fetch_request(since), m.metadata)
            for ch, m in zip(chans, members, strict=True)
        ]
        try:
            senders = [
                unary(ch, driver.SEND_MSG_METHOD, driver.send_request(session_id), m.metadata)
                for ch, m in zip(chans, members[: mode.fanout_senders], strict=False)
            ]
            await _ready(readers, senders[0], f"ourchat fan-out {size}")
            await _fanout_run(readers, senders, size, mode, mode.warmup_s)
            return await _fanout_run(readers, senders, size, mode, mode.window_s)
        finally:
            await close_all(readers)


async def group_fanout(bare_target: str, world: World, mode: Mode) -> list[Figure]:
    """Figure 2: deliveries/s in N-member sessions vs bare fan-out events/s, per size."""
    figures = []
    tags = itertools.count()
    for size in mode.fanout_sizes:
        fig = Figure(
            key=f"fanout_{size}",
            title=f"Group fan-out, {size} members (deliveries/s vs bare events/s)",
            unit="deliveries/s",
            higher_is_better=True,
            notes=(
                f"every member streams on its own connection; {mode.fanout_senders} members "
                f"send with {mode.fanout_in_flight} calls in flight each, held within "
                f"{mode.fanout_backlog_msgs} messages of what the streams have received"
            ),
        )
        for _ in range(mode.reps):
            fig.bare.append(await _fanout_bare(bare_target, size, mode, str(next(tags)).encode()))
            fig.ourchat.append(await fanout_ourchat(world, size, mode))
        figures.append(fig)
    return figures


# Figure 3 --------------------------------------------------------------------------------


@dataclass
class _Latencies:
    """Send times and receive times by sequence number."""

    sent: dict[int, float]
    received: dict[int, float]

    def samples(self) -> list[float]:
        return [self.received[s] - t for s, t in self.sent.items() if s in self.received]

    def missing(self) -> int:
        return sum(1 for s in self.sent if s not in self.received)


_seqs = itertools.count(1)


async def _collect(lat: _Latencies, readers: Sequence[Reader]) -> None:
    """Wait (bounded) until every sent message was received or a stream failed."""
    deadline = time.perf_counter() + DRAIN_TIMEOUT_S
    while lat.missing() and time.perf_counter() < deadline:
        if any(r.error for r in readers):
            return
        await asyncio.sleep(0.01)


async def _latency_bare(target: str, rate: float, mode: Mode) -> _Latencies:
    lat = _Latencies({}, {})
    group = f"latency-{next(_seqs)}".encode()

    def on_frame(frame: bytes, at: float) -> None:
        if len(frame) >= 8:
            lat.received[struct.unpack_from("!Q", frame)[0]] = at

    async with channels(target, 2) as (sub_ch, pub_ch):
        reader = open_stream(sub_ch, bare.SUBSCRIBE, group, on_frame=on_frame)
        try:
            publish = pub_ch.unary_unary(
                bare.PUBLISH, request_serializer=None, response_deserializer=None
            )
            probe = unary(pub_ch, bare.PUBLISH, bare.publish_request(group, b"probe"))
            await _probe(probe, [reader], "bare latency")
            pad = PAYLOAD[8:]

            async def fire(_: int) -> None:
                seq = next(_seqs)
                lat.sent[seq] = time.perf_counter()
                await publish(bare.publish_request(group, struct.pack("!Q", seq) + pad))

            await open_loop(fire, rate, mode.latency_window_s, mode.max_count)
            await _collect(lat, [reader])
        finally:
            await reader.close()
    return lat


async def _latency_ourchat(world: World, rate: float, mode: Mode) -> _Latencies:
    lat = _Latencies({}, {})
    sender, receiver, session_id = world.pairs[0]

    def on_frame(frame: bytes, at: float) -> None:
        seq = driver.message_seq(frame)
        if seq is not None:
            lat.received[seq] = at

    since = await driver.server_time_us(world.target)
    async with channels(world.target, 2) as (recv_ch, send_ch):
        reader = open_stream(
            recv_ch,
            driver.FETCH_MSGS_METHOD,
            driver.fetch_request(since),
            receiver.metadata,
            on_frame=on_frame,
        )
        try:
            send = send_ch.unary_unary(
                driver.SEND_MSG_METHOD, request_serializer=None, response_deserializer=None
            )
            probe = unary(
                send_ch, driver.SEND_MSG_METHOD, driver.send_request(session_id), sender.metadata
            )
            await _ready([reader], probe, "ourchat latency")

            async def fire(_: int) -> None:
                seq = next(_seqs)
                request = driver.send_request(session_id, seq)
                lat.sent[seq] = time.perf_counter()
                await send(request, metadata=sender.metadata)

            await open_loop(fire, rate, mode.latency_window_s, mode.max_count)
            await _collect(lat, [reader])
        finally:
            await reader.close()
    return lat


async def latency(bare_target: str, world: World, mode: Mode, max_rate: float) -> list[Figure]:
    """Figure 3: send→receive p50/p99 at a low rate and at half the maximum, vs bare."""
    rates = [("low", mode.latency_low_rate), ("half", max(1.0, round(max_rate / 2)))]
    figures = []
    for label, rate in rates:
        p50 = Figure(
            key=f"latency_{label}_p50",
            title=f"Latency p50 at {rate:g} msg/s (send to receive)",
            unit="ms",
            higher_is_better=False,
            notes=f"one sender, one streaming receiver, open loop at {rate:g}/s",
        )
        p99 = Figure(
            key=f"latency_{label}_p99",
            title=f"Latency p99 at {rate:g} msg/s (send to receive)",
            unit="ms",
            higher_is_better=False,
            notes=p50.notes,
        )
        missing = {"bare": 0, "ourchat": 0}
        curves: dict[str, list[float]] = {}
        for _ in range(mode.reps):
            for side in ("bare", "ourchat"):
                if side == "bare":
                    lat = await _latency_bare(bare_target, rate, mode)
                else:
                    lat = await _latency_ourchat(world, rate, mode)
                samples = lat.samples()
                summary = latency_summary(samples)
                getattr(p50, side).append(summary["p50_ms"])
                getattr(p99, side).append(summary["p99_ms"])
                missing[side] += lat.missing()
                curves[side] = [percentile([s * 1000 for s in samples], q) for q in CURVE]
        for fig in (p50, p99):
            fig.extra.update(rate=rate, missing=missing)
        p99.extra["curve_percentiles"] = list(CURVE)
        p99.extra["curves_ms"] = curves
        figures += [p50, p99]
    return figures
