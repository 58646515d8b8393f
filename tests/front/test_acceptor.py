"""Workers sharing one listening socket take turns accepting (``ourchat.front.acceptor``).

Each test plays two workers in one process: two acceptors on duplicates of one listening
socket, with a plain list as the shared counts.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from ourchat.front.acceptor import DEFER_SECONDS, MAX_DEFERRALS, Acceptor, AcceptTurns
from ourchat.front.listener import bind


@asynccontextmanager
async def _connections(port: int, count: int) -> AsyncIterator[None]:
    """``count`` client connections to ``port``, opened together, closed afterwards."""
    opened = await asyncio.gather(
        *(asyncio.open_connection("127.0.0.1", port) for _ in range(count))
    )
    try:
        yield
    finally:
        for _, writer in opened:
            writer.close()


async def _until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.005)


async def test_a_burst_of_connections_is_shared_between_the_workers() -> None:
    listener = bind("127.0.0.1", 0)
    twin = listener.dup()
    counts = [0, 0]
    accepted: list[list[socket.socket]] = [[], []]
    acceptors = [
        Acceptor(sock, accepted[i].append, AcceptTurns(counts, i))
        for i, sock in enumerate((listener, twin))
    ]
    for acceptor in acceptors:
        acceptor.start()
    try:
        async with _connections(listener.getsockname()[1], 10):
            await _until(lambda: len(accepted[0]) + len(accepted[1]) == 10)
            # Without turns, the first acceptor to wake takes the whole burst.
            assert abs(len(accepted[0]) - len(accepted[1])) <= 2, [len(a) for a in accepted]
            assert counts == [len(accepted[0]), len(accepted[1])]
    finally:
        for acceptor in acceptors:
            acceptor.stop()
        for sock in (*accepted[0], *accepted[1], listener, twin):
            sock.close()


async def test_a_waiting_connection_is_taken_when_the_worker_whose_turn_it_is_does_not() -> None:
    listener = bind("127.0.0.1", 0)
    counts = [0, 5]  # worker 0's turn, but worker 0 is not accepting
    accepted: list[socket.socket] = []
    acceptor = Acceptor(listener, accepted.append, AcceptTurns(counts, 1))
    acceptor.start()
    try:
        started = time.monotonic()
        async with _connections(listener.getsockname()[1], 1):
            await _until(lambda: len(accepted) == 1)
        assert time.monotonic() - started >= MAX_DEFERRALS * DEFER_SECONDS
        assert counts == [0, 6]
    finally:
        acceptor.stop()
        for sock in (*accepted, listener):
            sock.close()


async def test_without_turns_every_connection_is_accepted_and_stop_ends_accepting() -> None:
    listener = bind("127.0.0.1", 0)
    accepted: list[socket.socket] = []
    acceptor = Acceptor(listener, accepted.append)
    acceptor.start()
    port = listener.getsockname()[1]
    try:
        async with _connections(port, 40):  # more than one go (ACCEPT_BATCH) accepts
            await _until(lambda: len(accepted) == 40)
        acceptor.stop()
        async with _connections(port, 1):
            await asyncio.sleep(0.1)
            assert len(accepted) == 40
    finally:
        acceptor.stop()
        for sock in (*accepted, listener):
            sock.close()
