"""When each account was last seen (an authenticated call or stream), kept to the minute.

Calls only note the user in memory; :meth:`LastSeen.flush` writes the notes in one batch
(every ``LAST_SEEN_FLUSH_SECONDS``, before ListUsers, and at shutdown), so authentication never
waits for a write.
"""

from __future__ import annotations

from ourchat.clock import US_PER_SECOND
from ourchat.storage import last_seen as last_seen_store
from ourchat.storage.engine import Database

MINUTE_US = 60 * US_PER_SECOND
LAST_SEEN_FLUSH_SECONDS = 30.0
_MAX_REMEMBERED = 100_000


class LastSeen:
    """Notes of accounts seen since the last flush (this process only)."""

    def __init__(self) -> None:
        self._pending: dict[int, int] = {}
        self._written: dict[int, int] = {}

    def saw(self, user_id: int, now_us: int) -> None:
        """Note that ``user_id`` made an authenticated call at ``now_us``."""
        minute = now_us - now_us % MINUTE_US
        if self._written.get(user_id) == minute or self._pending.get(user_id) == minute:
            return
        self._pending[user_id] = minute

    async def flush(self, db: Database) -> None:
        """Write every note taken since the last flush."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        async with db.write() as conn:
            await last_seen_store.record(conn, pending)
        if len(self._written) > _MAX_REMEMBERED:
            self._written.clear()
        self._written.update(pending)
