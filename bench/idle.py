"""Figure 4: server memory per idle stream, with the streams held by separate client processes.

Each side gets a fresh server. After a short warm-up its resident memory is read; then holder
processes open the idle streams (``STREAMS_PER_HOLDER`` each, ``streams_per_channel`` on one
connection), one event is sent to all of them to prove every stream is live, and the memory is
read again. Per stream = the growth divided by the number of streams.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import struct
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import grpc

from bench import bare, driver, procs
from bench.holders import STREAMS_PER_HOLDER, Plan, ask, cut, holder_main, split
from bench.loops import (
    Metadata,
    channels,
    close_all,
    open_stream,
    unary,
    wait_counts,
)
from bench.modes import Mode

#: Streams opened per step, all holders together; the next step waits for the server.
#: Opened faster than the server takes them, some calls hang forever, never started and
#: never failed (a grpc.aio server whose event loop falls behind; see ``hold_streams``).
OPEN_STEP = 500
#: A step whose streams the server has not all counted open after this long has stalled.
STALL_S = 3.0
SETTLE_S = 0.5


class Retrying:
    """Retries a unary call that ends CANCELLED or UNAVAILABLE, counting the retries.

    While thousands of streams are being opened, grpc.aio now and then ends an unrelated
    unary call with CANCELLED although nobody cancelled it (seen on both servers).
    """

    def __init__(self, call: Callable[[], Awaitable[object]], attempts: int = 5) -> None:
        self.call = call
        self.attempts = attempts
        self.retries = 0

    async def __call__(self) -> object:
        for _ in range(self.attempts - 1):
            try:
                return await self.call()
            except grpc.aio.AioRpcError as exc:
                if exc.code() not in (grpc.StatusCode.CANCELLED, grpc.StatusCode.UNAVAILABLE):
                    raise
                self.retries += 1
                await asyncio.sleep(0.2)
        return await self.call()


@dataclass
class Held:
    """What one measurement of idle streams found."""

    streams: int
    live: int
    failed: int
    first_error: str | None
    server_open: int
    rss_before: int
    rss_after: int
    open_s: float
    stalls: int
    retried_calls: int = 0
    #: (opened, held) of a storm of opens at a fixed rate afterwards, if one was run.
    storm: tuple[int, int] | None = None

    @property
    def per_stream(self) -> float:
        """Bytes of server memory per stream the server has open."""
        held = self.server_open if self.server_open > 0 else self.streams
        return (self.rss_after - self.rss_before) / held if held else math.nan

    @property
    def open_rate(self) -> float:
        """Streams opened per second, as confirmed by the server."""
        return self.server_open / self.open_s if self.open_s > 0 else math.nan


async def _caught_up(server_count: Callable[[], Awaitable[int]], target: int) -> bool:
    """Poll the server's count until it reaches ``target``; False once it stops growing."""
    last, last_change = -1, time.perf_counter()
    while True:
        count = await server_count()
        if count >= target:
            return True
        now = time.perf_counter()
        if count != last:
            last, last_change = count, now
        elif now - last_change > STALL_S:
            return False
        await asyncio.sleep(0.05)


async def _settled(server_count: Callable[[], Awaitable[int]], timeout_s: float = 30.0) -> int:
    """The server's count once it has not changed for a second (closed streams take time)."""
    deadline = time.perf_counter() + timeout_s
    last, since = await server_count(), time.perf_counter()
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
        count = await server_count()
        if count != last:
            last, since = count, time.perf_counter()
        elif time.perf_counter() - since >= 1.0:
            break
    return last


async def hold_streams(
    server: procs.ServerProcess,
    method: str,
    plan: Plan,
    probe: Callable[[], Awaitable[object]],
    repeat_probe: bool,
    server_count: Callable[[], Awaitable[int]],
    live_timeout_s: float,
) -> Held:
    """Open ``plan``'s streams from holder processes and measure the server's memory.

    The streams are opened in steps of ``OPEN_STEP``; each step waits until the server
    counts them all open (or its count stops growing for ``STALL_S``: a stall, whose
    missing streams stay hung), so the server takes them as fast as it can, never faster.

    Args:
        server: the server under test (fresh, warmed up).
        method: the streaming method.
        plan: the connections and their streams.
        probe: sends one event to every stream.
        repeat_probe: send the probe until every stream has it (subscribers that register
            after a publish miss it, as on the bare server).
        server_count: how many streams the server itself says are open.
        live_timeout_s: how long the streams get to show the probe event; one that has not
            by then is counted as hung.
    """
    context = multiprocessing.get_context("spawn")
    rss_before = server.rss()
    base = await server_count()
    pipes: list[Connection] = []
    workers = []
    for part in split(plan, STREAMS_PER_HOLDER):
        parent, child = context.Pipe()
        proc = context.Process(target=holder_main, args=(child, server.target, method, part))
        proc.start()
        pipes.append(parent)
        workers.append(proc)
    try:
        streams = sum([int((await asyncio.to_thread(p.recv))[1]) for p in pipes])
        started = time.perf_counter()
        opened, stalls = 0, 0
        each = max(1, OPEN_STEP // len(pipes))
        while opened < streams:
            replies = await ask(pipes, "open", each)
            opened = sum(int(str(r[1])) for r in replies)
            if not await _caught_up(server_count, base + opened):
                stalls += 1
        open_s = time.perf_counter() - started
        deadline = time.perf_counter() + live_timeout_s
        while True:
            await probe()
            replies = await ask(pipes, "wait", 0.5 if repeat_probe else live_timeout_s)
            live = sum(int(str(r[1])) for r in replies)
            failed = sum(int(str(r[2])) for r in replies)
            first = next((str(r[3]) for r in replies if r[3]), None)
            if live + failed >= streams or not repeat_probe or time.perf_counter() > deadline:
                break
        await asyncio.sleep(SETTLE_S)
        rss_after = server.rss()
        server_open = await server_count() - base
    finally:
        for p in pipes:
            p.send(("close", 0))
        for p, proc in zip(pipes, workers, strict=True):
            if p.poll(30):
                p.recv()
            proc.join(10)
            if proc.is_alive():
                proc.kill()
    return Held(streams, live, failed, first, server_open, rss_before, rss_after, open_s, stalls)


async def storm(
    server: procs.ServerProcess,
    method: str,
    plan: Plan,
    per_s: float,
    server_count: Callable[[], Awaitable[int]],
) -> tuple[int, int]:
    """Open ``plan``'s streams at a fixed ``per_s``, as reconnecting clients would.

    Returns:
        How many streams were opened and how many of them the server has open once its
        count stops growing; the rest hang.
    """
    context = multiprocessing.get_context("spawn")
    base = await _settled(server_count)
    pipes: list[Connection] = []
    workers = []
    for part in split(plan, STREAMS_PER_HOLDER):
        parent, child = context.Pipe()
        proc = context.Process(target=holder_main, args=(child, server.target, method, part))
        proc.start()
        pipes.append(parent)
        workers.append(proc)
    try:
        for p in pipes:
            await asyncio.to_thread(p.recv)
        replies = await ask(pipes, "pace", per_s / len(pipes))
        opened = sum(int(str(r[1])) for r in replies)
        await _caught_up(server_count, base + opened)
        held = await server_count() - base
    finally:
        for p in pipes:
            p.send(("close", 0))
        for p, proc in zip(pipes, workers, strict=True):
            if p.poll(30):
                p.recv()
            proc.join(10)
            if proc.is_alive():
                proc.kill()
    return opened, held


async def _warm(
    target: str,
    method: str,
    request: bytes,
    metadata: Metadata,
    probe: Callable[[], Awaitable[object]],
) -> None:
    """Open a few streams and pass one event through them, so lazy start-up costs are paid."""
    async with channels(target, 1) as (channel,):
        readers = [open_stream(channel, method, request, metadata) for _ in range(10)]
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and not await wait_counts(readers, [1] * 10, 0.2):
            await probe()
        await close_all(readers)
    await asyncio.sleep(SETTLE_S)


def _open_streams_metric(server: procs.ServerProcess) -> int:
    """ourchat's own count of open FetchMsgs streams (``ourchat_open_streams`` on /metrics)."""
    url = f"http://{procs.HOST}:{server.port}/metrics"
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode()
    for line in body.splitlines():
        if line.startswith("ourchat_open_streams "):
            return int(float(line.split()[1]))
    return -1


async def idle_bare(
    log_dir: Path,
    mode: Mode,
    per_channel: int,
    server: procs.ServerProcess | None = None,
    with_storm: bool = False,
) -> Held:
    """Idle Subscribe streams on a fresh bare server (``server`` if already started)."""
    server = server or await procs.start_bare(log_dir)
    try:
        group = b"idle"
        async with channels(server.target, 1) as (channel,):
            probe = Retrying(unary(channel, bare.PUBLISH, bare.publish_request(group, b"probe")))
            count = Retrying(unary(channel, bare.COUNT, group))

            async def subscribers() -> int:
                reply = await count()
                assert isinstance(reply, bytes)
                return int(struct.unpack("!I", reply)[0])

            await _warm(server.target, bare.SUBSCRIBE, group, (), probe)
            plan: Plan = [(group, (), per_channel)] * (mode.idle_streams // per_channel)
            held = await hold_streams(
                server,
                bare.SUBSCRIBE,
                plan,
                probe,
                repeat_probe=True,
                server_count=subscribers,
                live_timeout_s=mode.live_timeout_s,
            )
            held.retried_calls = probe.retries + count.retries
            if with_storm and mode.storm_streams:
                storm_plan = cut(plan, mode.storm_streams)
                held.storm = await storm(
                    server, bare.SUBSCRIBE, storm_plan, mode.storm_per_s, subscribers
                )
            return held
    finally:
        server.stop()


async def start_idle_ourchat(root: Path, log_dir: Path, tag: str) -> procs.ServerProcess:
    """A fresh ourchat for figure 4."""
    return await procs.start_ourchat(f"ourchat-idle-{tag}", root / f"idle-{tag}", log_dir)


async def idle_ourchat(
    root: Path,
    log_dir: Path,
    mode: Mode,
    tag: str,
    server: procs.ServerProcess | None = None,
    with_storm: bool = False,
) -> Held:
    """Idle FetchMsgs streams on a fresh ourchat (``server`` if already started)."""
    server = server or await start_idle_ourchat(root, log_dir, tag)
    try:
        users = await driver.register(server.target, mode.idle_users, "idle")
        session_id = await driver.group(server.target, users[0], users[1:])
        since = await driver.server_time_us(server.target)
        request = driver.fetch_request(since)
        async with channels(server.target, 1) as (channel,):
            send = Retrying(
                unary(
                    channel,
                    driver.SEND_MSG_METHOD,
                    driver.send_request(session_id),
                    users[0].metadata,
                )
            )
            await _warm(server.target, driver.FETCH_MSGS_METHOD, request, users[1].metadata, send)
            per_user = max(1, mode.idle_streams // mode.idle_users)
            plan: Plan = [(request, u.metadata, per_user) for u in users]
            # The streams replay what was sent before they opened: start them after it.
            since = await driver.server_time_us(server.target)
            plan = [(driver.fetch_request(since), m, n) for _, m, n in plan]

            async def open_streams() -> int:
                return await asyncio.to_thread(_open_streams_metric, server)

            held = await hold_streams(
                server,
                driver.FETCH_MSGS_METHOD,
                plan,
                send,
                repeat_probe=False,
                server_count=open_streams,
                live_timeout_s=mode.live_timeout_s,
            )
            held.retried_calls = send.retries
            if with_storm and mode.storm_streams:
                storm_plan = cut(plan, mode.storm_streams)
                held.storm = await storm(
                    server, driver.FETCH_MSGS_METHOD, storm_plan, mode.storm_per_s, open_streams
                )
            return held
    finally:
        server.stop()
