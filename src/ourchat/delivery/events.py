"""The event that travels on the delivery bus once its row is committed."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ourchat.delivery.payloads import frame


class Audience(enum.IntEnum):
    """Who an event is for; stored in ``events.audience``."""

    SESSION = 0
    USERS = 1
    EVERYONE = 2


@dataclass(frozen=True, slots=True)
class Event:
    """A committed event.

    Attributes:
        msg_id: the row's id, shared by the live push and every replay.
        time_us: the row's time in microseconds; unique and increasing with ``msg_id``.
        payload: serialized ``FetchMsgsResponse`` holding only the event variant.
        recipients: user ids to push to, or ``None`` for every connected user.
        is_announcement: whether ``announcement_only`` streams want it.
        live_only: not stored (a call signal or room notice): never replayed, so a stream
            delivers it even when its replay already passed a higher ``msg_id``.
        wire: the complete ``FetchMsgsResponse`` bytes, encoded once for every stream.
    """

    msg_id: int
    time_us: int
    payload: bytes
    recipients: frozenset[int] | None
    is_announcement: bool = False
    live_only: bool = False
    wire: bytes = field(default=b"", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.wire:
            object.__setattr__(self, "wire", frame(self.payload, self.msg_id, self.time_us))
