"""Group commit for SendMsg: concurrent sends of one process share one transaction.

Each send is checked on its own (membership, permission 1, mute, E2EE, files); the accepted
ones are stored together with one id allocation and one multi-row insert, committed once,
published in order, and only then acknowledged. A send into an e2ee session whose room key is
due for rotation is followed, in the same transaction, by the sender's rotation request
(:func:`ourchat.domain.room_keys.rotate_if_due`). A refused send writes nothing.

One send never fails another: when writing a batch raises, each of its sends still waiting is
written again in a transaction of its own, so only the send that raised gets that error. When
the database itself fails, every send fails, and nothing is acknowledged unstored.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.delivery import payloads
from ourchat.delivery.events import Audience
from ourchat.domain import room_keys
from ourchat.domain.files import require_readable
from ourchat.errors import OurChatError, PermissionDenied
from ourchat.storage import events as stored_events
from ourchat.storage import send_batches
from ourchat.storage import sessions as session_store
from ourchat.storage.uow import Tx, unit_of_work

if TYPE_CHECKING:
    from ourchat.deps import Deps

MAX_BATCH = 256
#: While sends come back to back (the last batch ended less than ``BUSY_GAP_S`` ago), the
#: writer first lets the event loop run ``GATHER_TURNS`` times, so that calls the server has
#: already received join the batch instead of each paying for a transaction of its own. A send
#: that finds the writer idle is written at once. (Turns, not a timed sleep: the event loop
#: sleeps in whole milliseconds, so even a 0.5 ms sleep held every busy send back 1 ms.)
BUSY_GAP_S = 0.002
GATHER_TURNS = 4


@dataclass(frozen=True)
class Outgoing:
    """One message waiting to be stored."""

    sender_id: int
    session_id: int
    markdown_text: str
    involved_files: tuple[str, ...]
    is_encrypted: bool


@dataclass(frozen=True)
class Stored:
    """Where a new event landed."""

    msg_id: int
    time_us: int


_Pending = tuple[Outgoing, "asyncio.Future[Stored]"]


class SendBatcher:
    """Collects the sends that arrive while a batch is being written; one writer at a time."""

    def __init__(self) -> None:
        self._queue: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None
        self._last_end = 0.0

    async def submit(self, deps: Deps, item: Outgoing) -> Stored:
        """Store ``item`` with whatever else is waiting; returns once it is committed.

        Raises:
            OurChatError: the send was refused (nothing of it was written).
        """
        future: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._drain(deps))
        return await future

    async def _drain(self, deps: Deps) -> None:
        try:
            while self._queue:
                busy = time.perf_counter() - self._last_end < BUSY_GAP_S
                if busy and len(self._queue) < MAX_BATCH:
                    for _ in range(GATHER_TURNS):
                        await asyncio.sleep(0)
                batch = self._queue[:MAX_BATCH]
                del self._queue[:MAX_BATCH]
                try:
                    await _write_isolated(deps, batch)
                except asyncio.CancelledError:
                    _fail(batch, OurChatError(details.SERVER_ERROR))
                    raise
                finally:
                    self._last_end = time.perf_counter()
        finally:
            self._writer = None


async def _write_isolated(deps: Deps, batch: Sequence[_Pending]) -> None:
    """Write ``batch``; if that raises before the commit, each waiting send again on its own."""
    try:
        await _write(deps, batch)
    except _AfterCommit as exc:
        _fail(batch, exc.error)
    except Exception as exc:
        if len(batch) == 1:
            _fail(batch, exc)
            return
        for pending in batch:
            if not pending[1].done():
                await _write_isolated(deps, [pending])


class _AfterCommit(Exception):
    """A batch committed, then publishing its events failed: writing it again would repeat it."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _fail(batch: Sequence[_Pending], exc: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)


def _refusal(item: Outgoing, state: session_store.SenderState | None) -> OurChatError | None:
    if state is None:
        return PermissionDenied(details.USER_NOT_IN_SESSION)
    if not state.can_send:
        return PermissionDenied(details.PERMISSION_DENIED)
    if state.muted:
        return PermissionDenied(details.USER_MUTED)
    if item.is_encrypted and not state.e2ee_on:
        return PermissionDenied(details.E2EE_NOT_ON)
    return None


async def _write(deps: Deps, batch: Sequence[_Pending]) -> None:
    """Store the accepted sends of ``batch`` in one transaction, then answer each of them.

    Raises:
        _AfterCommit: the transaction committed, then publishing its events failed.
        Exception: anything else happened before the commit (nothing was written).
    """
    accepted: list[_Pending] = []
    refused: list[tuple[_Pending, OurChatError]] = []
    opened: list[Tx] = []
    try:
        async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
            opened.append(tx)
            unreadable = await _unreadable_files(tx, batch)

            def decide(states: send_batches.States) -> list[stored_events.NewEvent]:
                accepted.clear()
                refused.clear()
                for index, pending in enumerate(batch):
                    item = pending[0]
                    refusal = _refusal(item, states.get((item.session_id, item.sender_id)))
                    refusal = refusal or unreadable.get(index)
                    if refusal is None:
                        accepted.append(pending)
                    else:
                        refused.append((pending, refusal))
                return [_new_event(item) for item, _ in accepted]

            oldest_key = tx.now_us - deps.settings.room_key_duration_seconds * US_PER_SECOND

            def rotations(states: send_batches.States) -> dict[int, int]:
                """The e2ee sessions (with their first sender) whose room key is due."""
                rotating: dict[int, int] = {}
                for item, _ in accepted:
                    state = states[(item.session_id, item.sender_id)]
                    if state.e2ee_on and (
                        state.leaving_to_process or state.room_key_time < oldest_key
                    ):
                        rotating.setdefault(item.session_id, item.sender_id)
                return rotating

            pairs = [(item.session_id, item.sender_id) for item, _ in batch]
            states, stored = await send_batches.check_and_store(
                tx, pairs, decide, lambda states: bool(rotations(states))
            )
            for (_, future), refusal in refused:
                if not future.done():
                    future.set_exception(refusal)
            for session_id, sender_id in rotations(states).items():
                await room_keys.rotate_if_due(deps, tx, session_id, sender_id)
    except Exception as exc:
        if opened and opened[0].committed:
            raise _AfterCommit(exc) from exc
        raise
    for (_, future), event in zip(accepted, stored, strict=True):
        if not future.done():
            future.set_result(Stored(event.msg_id, event.time_us))


async def _unreadable_files(tx: Tx, batch: Sequence[_Pending]) -> dict[int, OurChatError]:
    """The refusal of each send (by its index) naming a file its sender may not read."""
    refusals: dict[int, OurChatError] = {}
    for index, (item, _) in enumerate(batch):
        if item.involved_files:
            try:
                await require_readable(tx.conn, list(item.involved_files), item.sender_id)
            except OurChatError as exc:
                refusals[index] = exc
    return refusals


def _new_event(item: Outgoing) -> stored_events.NewEvent:
    kind, payload = payloads.message(
        session_id=item.session_id,
        sender_id=item.sender_id,
        markdown_text=item.markdown_text,
        involved_files=item.involved_files,
        is_encrypted=item.is_encrypted,
    )
    return stored_events.NewEvent(
        kind=kind,
        payload=payload,
        audience=Audience.SESSION,
        sender_id=item.sender_id,
        session_id=item.session_id,
        is_encrypted=item.is_encrypted,
    )
