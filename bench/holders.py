"""Client processes that hold many streams open, driven by the parent through a pipe.

A holder gets its share of the streams as a :data:`Plan` (one entry per connection) and
answers commands: ``("open", n)`` opens its next ``n`` streams at once, ``("pace", per_s)``
opens all the rest at a fixed rate, ``("wait", seconds)`` reports how many streams have seen
an event, and ``("close", 0)`` closes everything and ends the process.
"""

from __future__ import annotations

import asyncio
from multiprocessing.connection import Connection

import grpc

from bench.loops import CHANNEL_OPTIONS, Metadata, Reader, close_all, open_stream, wait_counts

#: Streams one holder process keeps open.
STREAMS_PER_HOLDER = 1000
#: Streams started before a holder yields to its event loop.
OPEN_BATCH = 25

#: One connection's streams: the request, its metadata, and how many streams.
Plan = list[tuple[bytes, Metadata, int]]


def holder_main(conn: Connection, target: str, method: str, plan: Plan) -> None:
    """Body of a holder process: open streams when told to, then answer the parent."""
    asyncio.run(_hold(conn, target, method, plan))


async def _hold(conn: Connection, target: str, method: str, plan: Plan) -> None:
    chans = [grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS) for _ in plan]
    todo = [
        (ch, request, metadata)
        for ch, (request, metadata, count) in zip(chans, plan, strict=True)
        for _ in range(count)
    ]
    readers: list[Reader] = []
    conn.send(("ready", len(todo)))
    while True:
        command, arg = await asyncio.to_thread(conn.recv)
        if command == "open":
            for ch, request, metadata in todo[len(readers) : len(readers) + int(arg)]:
                readers.append(open_stream(ch, method, request, metadata))
                if len(readers) % OPEN_BATCH == 0:
                    await asyncio.sleep(0)
            conn.send(("opened", len(readers)))
        elif command == "pace":  # all the rest, at ``arg`` streams/s whatever the server does
            for ch, request, metadata in todo[len(readers) :]:
                readers.append(open_stream(ch, method, request, metadata))
                if len(readers) % OPEN_BATCH == 0:
                    await asyncio.sleep(OPEN_BATCH / float(arg))
            conn.send(("opened", len(readers)))
        elif command == "wait":
            await wait_counts(readers, [1] * len(readers), float(arg))
            live = sum(1 for r in readers if r.count >= 1)
            failed = [r.error for r in readers if r.error]
            conn.send(("status", live, len(failed), failed[0] if failed else None))
        else:
            break
    await close_all(readers)
    await asyncio.gather(*(c.close(None) for c in chans))
    conn.send(("closed", 0))


def cut(plan: Plan, streams: int) -> Plan:
    """The first ``streams`` streams of ``plan``."""
    out: Plan = []
    for request, metadata, count in plan:
        take = min(count, streams - sum(e[2] for e in out))
        if take <= 0:
            break
        out.append((request, metadata, take))
    return out


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


async def ask(pipes: list[Connection], command: str, arg: float) -> list[tuple[object, ...]]:
    """Send ``command`` to every holder and collect their replies."""
    for p in pipes:
        p.send((command, arg))
    return [await asyncio.to_thread(p.recv) for p in pipes]
