"""The REST API's view of an account (``user`` objects), read from the shared tables."""

from __future__ import annotations

from datetime import UTC, datetime

from ourchat.deps import Deps
from ourchat.gateways.json_ws.frames import Json
from ourchat.storage import friends, rest_profiles, users

FILE_PREFIX = "files/"


def file_path(key: str | None) -> str:
    """The API path of a stored file ("" for none)."""
    return f"{FILE_PREFIX}{key}" if key else ""


def file_key(path: str) -> str:
    """The file key in an API path (a bare key is accepted too)."""
    return path.removeprefix("/").removeprefix("api/v1/").removeprefix(FILE_PREFIX)


async def user_objects(deps: Deps, viewer: int, user_ids: list[int]) -> list[Json]:
    """The seed's ``user`` object of each existing, active account, as ``viewer`` sees it."""
    found: list[Json] = []
    async with deps.db.read() as conn:
        for user_id in user_ids:
            user = await users.get(conn, user_id)
            if user is None or user["account_status"] != 0:
                continue
            profile = await rest_profiles.get(conn, user_id)
            is_self = user_id == viewer
            alias = None if is_self else await friends.contact_name(conn, viewer, user_id)
            modified = datetime.fromtimestamp(user["public_update_time"] / 1e6, UTC)
            found.append(
                {
                    "id": str(user_id),
                    "ocid": str(user["ocid"]),
                    "username": str(user["name"]),
                    "phone": (profile["phone"] or "") if profile is not None else "",
                    "avatar": file_path(user["avatar_key"]),
                    "desc": str(profile["description"]) if profile is not None else "",
                    "sex": int(profile["sex"]) if profile is not None else 0,
                    "alias": alias or "",
                    "friends": await friends.count_friends(conn, user_id),
                    "isFriend": (not is_self) and await friends.are_friends(conn, viewer, user_id),
                    "modifyAt": modified.replace(microsecond=0).isoformat(),
                }
            )
    return found
