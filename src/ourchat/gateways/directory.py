"""Look-ups the gateways need to speak in ocids and private/group terms (reads only)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ourchat.deps import Deps
from ourchat.storage import sessions as session_store
from ourchat.storage import users

ACCOUNT_ACTIVE = 0


async def user_id_of(deps: Deps, ocid: str) -> int | None:
    """The id of the active account with this ocid, or None."""
    async with deps.db.read() as conn:
        user = await users.find_by(conn, ocid=ocid)
    if user is None or user["account_status"] != ACCOUNT_ACTIVE:
        return None
    return int(user["id"])


async def ocids_of(deps: Deps, user_ids: Iterable[int]) -> dict[int, str]:
    """The ocid of each user that exists (deleted accounts keep theirs)."""
    found: dict[int, str] = {}
    async with deps.db.read() as conn:
        for user_id in set(user_ids):
            user = await users.get(conn, user_id)
            if user is not None:
                found[user_id] = str(user["ocid"])
    return found


async def ocid_of(deps: Deps, user_id: int) -> str:
    """The ocid of one user ("" if there is no such user)."""
    return (await ocids_of(deps, [user_id])).get(user_id, "")


@dataclass(frozen=True)
class SessionKind:
    """What a gateway that tells private chats from groups needs to know of a session."""

    is_private: bool
    name: str
    members: tuple[int, ...]

    def other_member(self, user_id: int) -> int | None:
        """In a private session, the member who is not ``user_id``."""
        return next((m for m in self.members if m != user_id), None)


async def session_kind(deps: Deps, session_id: int) -> SessionKind | None:
    """Whether a session is a two-person friend session, its name and members (None: gone)."""
    async with deps.db.read() as conn:
        row = await session_store.get(conn, session_id)
        if row is None:
            return None
        members = await session_store.member_ids(conn, session_id)
    return SessionKind(bool(row["is_private"]), str(row["name"]), tuple(members))
