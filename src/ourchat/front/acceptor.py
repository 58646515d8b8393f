"""Accepting connections on the public socket, in turns when several workers share it.

Every worker of ``serve --workers N`` waits on the same listening socket. Left to the event
loop, whichever worker wakes first accepts every connection queued at that moment, so a burst
of connections (a restart, a reconnect storm, a client opening its channels) lands on one
worker and the others sit idle. :class:`AcceptTurns` keeps, in memory shared by the workers,
how many connections each has accepted; a worker accepts the next one only while no other has
accepted fewer. If the worker whose turn it is does not take a waiting connection within a
few milliseconds (it is busy, or stuck), the others take it anyway, so nothing waits on one
worker.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import select
import socket
from collections.abc import Callable, MutableSequence

log = logging.getLogger(__name__)

#: How long a worker whose turn it is not leaves a waiting connection to the others.
DEFER_SECONDS = 0.002
#: Consecutive deferrals (with a connection still waiting) after which a worker accepts anyway.
MAX_DEFERRALS = 4
#: Connections accepted in one go before the loop serves other work.
ACCEPT_BATCH = 32
#: Pause after the process ran out of file descriptors or memory (as asyncio's servers do).
ERROR_PAUSE_SECONDS = 1.0
_OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


class AcceptTurns:
    """Whose turn it is to accept, among the workers sharing one listening socket.

    Args:
        counts: one slot per worker, shared between them (a ``multiprocessing`` array); each
            worker writes only its own slot.
        index: this worker's slot.
    """

    def __init__(self, counts: MutableSequence[int], index: int) -> None:
        self._counts = counts
        self._index = index

    @property
    def accepted(self) -> int:
        """Connections this worker has accepted."""
        return int(self._counts[self._index])

    def mine(self) -> bool:
        """Whether no other worker has accepted fewer connections than this one."""
        own = self._counts[self._index]
        return all(own <= other for other in self._counts)

    def took_one(self) -> None:
        """Count a connection this worker accepted."""
        self._counts[self._index] += 1


class Acceptor:
    """Accepts connections from a listening socket and hands each to ``on_accept``.

    Args:
        sock: the listening socket (non-blocking).
        on_accept: called with each accepted socket (non-blocking), on the event loop.
        turns: the shared turns, when other workers accept on the same socket.
    """

    def __init__(
        self,
        sock: socket.socket,
        on_accept: Callable[[socket.socket], None],
        turns: AcceptTurns | None = None,
    ) -> None:
        self._sock = sock
        self._on_accept = on_accept
        self._turns = turns
        self._deferred = 0
        self._reading = False
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Start accepting (on the running loop)."""
        self._loop = asyncio.get_running_loop()
        self._resume()

    def stop(self) -> None:
        """Accept no more connections."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._reading and self._loop is not None:
            self._loop.remove_reader(self._sock.fileno())
        self._reading = False
        self._loop = None

    def _resume(self) -> None:
        self._timer = None
        if self._loop is not None and not self._reading:
            self._loop.add_reader(self._sock.fileno(), self._ready)
            self._reading = True

    def _pause(self, seconds: float) -> None:
        assert self._loop is not None
        self._loop.remove_reader(self._sock.fileno())
        self._reading = False
        self._timer = self._loop.call_later(seconds, self._after_deferral)

    def _after_deferral(self) -> None:
        if not self._waiting():
            self._deferred = 0  # another worker took what was waiting: it was not stuck
        self._resume()

    def _waiting(self) -> bool:
        """Whether a connection is waiting to be accepted right now."""
        poller = select.poll()
        poller.register(self._sock.fileno(), select.POLLIN)
        return bool(poller.poll(0))

    def _ready(self) -> None:
        turns = self._turns
        for _ in range(ACCEPT_BATCH):
            if turns is not None and not turns.mine() and self._deferred < MAX_DEFERRALS:
                self._deferred += 1
                self._pause(DEFER_SECONDS)
                return
            try:
                conn, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue  # the client gave up while queued
            except OSError as exc:
                level = logging.ERROR if exc.errno in _OUT_OF_RESOURCES else logging.WARNING
                log.log(
                    level,
                    "cannot accept connections (%s); trying again in %.0f s",
                    exc,
                    ERROR_PAUSE_SECONDS,
                )
                self._pause(ERROR_PAUSE_SECONDS)
                return
            self._deferred = 0
            if turns is not None:
                turns.took_one()
            conn.setblocking(False)
            self._on_accept(conn)
