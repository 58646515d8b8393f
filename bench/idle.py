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
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import grpc

from bench import bare, driver, procs
from bench.figures import CHANNEL_OPTIONS, Mode, channels
from bench.loops import Metadata, close_all, open_stream, unary, wait_counts

STREAMS_PER_HOLDER = 1000
#: Streams started at once by a holder before it lets them settle (a grpc.aio client that
#: starts a few thousand calls in one go leaves some of them hanging, never sent).
OPEN_BATCH = 100
#: How long the streams get to show the probe event before the figure counts failures.
LIVE_TIMEOUT_S = 60.0
SETTLE_S = 1.0

#: One connection's streams: the request, its metadata, and how many streams.
Plan = list[tuple[bytes, Metadata, int]]


def _holder_main(conn: Connection, target: str, method: str, plan: Plan) -> None:
    """Body of a holder process: open the streams, then answer the parent's commands."""
    asyncio.run(_hold(conn, target, method, plan))


async def _hold(conn: Connection, target: str, method: str, plan: Plan) -> None:
    chans = [grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS) for _ in plan]
    readers = []
    for ch, (request, metadata, count) in zip(chans, plan, strict=True):
        for _ in range(count):
            readers.append(open_stream(ch, method, request, metadata))
            if len(readers) % OPEN_BATCH == 0:
                await asyncio.sleep(0.02)
    conn.send(("opened", len(readers)))
    while True:
        command, arg = await asyncio.to_thread(conn.recv)
        if command == "wait":
            await wait_counts(readers, [1] * len(readers), float(arg))
            live = sum(1 for r in readers if r.count >= 1)
            failed = [r.error for r in readers if r.error]
            conn.send(("status", live, len(failed), failed[0] if failed else None))
        else:
            break
    await close_all(readers)
    await asyncio.gather(*(c.close(None) for c in chans))
    conn.send(("closed", 0))


@dataclass
class Held:
    """What one measurement of idle streams found."""

    streams: int
    live: int
    failed: int
    first_error: str | None
    rss_before: int
    rss_after: int
    open_s: float

    @property
    def per_stream(self) -> float:
        """Bytes of server memory per stream."""
        return (self.rss_after - self.rss_before) / self.streams if self.streams else math.nan


def split(plan: Plan, per_holder: int) -> list[Plan]:
    """Cut ``plan`` into holder-sized pieces (a connection is never split)."""
    parts: list[Plan] = [[]]
    size = 0
    for entry in plan:
        if size and size + entry[2] > per_holder:
            parts.append([])
            size = 0
        parts[-1].append(entry)
        size += entry[2]
    return parts


async def hold_streams(
    server: procs.ServerProcess,
    method: str,
    plan: Plan,
    probe: Callable[[], Awaitable[object]],
    repeat_probe: bool,
) -> Held:
    """Open ``plan``'s streams from holder processes and measure the server's memory.

    Args:
        server: the server under test (fresh, warmed up).
        method: the streaming method.
        plan: the connections and their streams.
        probe: sends one event to every stream.
        repeat_probe: send the probe until every stream has it (subscribers that register
            after a publish miss it, as on the bare server).
    """
    context = multiprocessing.get_context("spawn")
    rss_before = server.rss()
    pipes: list[Connection] = []
    workers = []
    started = time.perf_counter()
    for part in split(plan, STREAMS_PER_HOLDER):
        parent, child = context.Pipe()
        proc = context.Process(target=_holder_main, args=(child, server.target, method, part))
        proc.start()
        pipes.append(parent)
        workers.append(proc)
    try:
        streams = sum([int((await asyncio.to_thread(p.recv))[1]) for p in pipes])
        deadline = time.perf_counter() + LIVE_TIMEOUT_S
        while True:
            await probe()
            wait = 0.5 if repeat_probe else LIVE_TIMEOUT_S
            for p in pipes:
                p.send(("wait", wait))
            replies = [await asyncio.to_thread(p.recv) for p in pipes]
            live = sum(int(r[1]) for r in replies)
            failed = sum(int(r[2]) for r in replies)
            first = next((str(r[3]) for r in replies if r[3]), None)
            if live + failed >= streams or not repeat_probe or time.perf_counter() > deadline:
                break
        open_s = time.perf_counter() - started
        await asyncio.sleep(SETTLE_S)
        rss_after = server.rss()
    finally:
        for p in pipes:
            p.send(("close", 0))
        for p, proc in zip(pipes, workers, strict=True):
            if p.poll(30):
                p.recv()
            proc.join(10)
            if proc.is_alive():
                proc.kill()
    return Held(streams, live, failed, first, rss_before, rss_after, open_s)


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


async def idle_bare(log_dir: Path, streams: int, per_channel: int) -> Held:
    """Idle Subscribe streams on a fresh bare server."""
    server = await procs.start_bare(log_dir)
    try:
        group = b"idle"
        async with channels(server.target, 1) as (channel,):
            probe = unary(channel, bare.PUBLISH, bare.publish_request(group, b"probe"))
            await _warm(server.target, bare.SUBSCRIBE, group, (), probe)
            plan: Plan = [(group, (), per_channel)] * (streams // per_channel)
            return await hold_streams(server, bare.SUBSCRIBE, plan, probe, repeat_probe=True)
    finally:
        server.stop()


async def idle_ourchat(root: Path, log_dir: Path, mode: Mode, tag: str) -> Held:
    """Idle FetchMsgs streams on a fresh ourchat, ``streams / idle_users`` per user."""
    server = await procs.start_ourchat(f"ourchat-idle-{tag}", root / f"idle-{tag}", log_dir)
    try:
        users = await driver.register(server.target, mode.idle_users, "idle")
        session_id = await driver.group(server.target, users[0], users[1:])
        since = await driver.server_time_us(server.target)
        request = driver.fetch_request(since)
        async with channels(server.target, 1) as (channel,):
            send = unary(
                channel, driver.SEND_MSG_METHOD, driver.send_request(session_id), users[0].metadata
            )
            await _warm(server.target, driver.FETCH_MSGS_METHOD, request, users[1].metadata, send)
            per_user = max(1, mode.idle_streams // mode.idle_users)
            plan: Plan = [(request, u.metadata, per_user) for u in users]
            # The streams replay what was sent before they opened: start them after it.
            since = await driver.server_time_us(server.target)
            plan = [(driver.fetch_request(since), m, n) for _, m, n in plan]
            return await hold_streams(
                server, driver.FETCH_MSGS_METHOD, plan, send, repeat_probe=False
            )
    finally:
        server.stop()
