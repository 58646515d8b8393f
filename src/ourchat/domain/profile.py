"""Account profiles: what GetAccountInfo shows to whom, and the rules of SetSelfInfo."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.deps import Deps
from ourchat.domain import avatars, validation
from ourchat.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from ourchat.files.store import FileStore
from ourchat.storage import sessions as session_store
from ourchat.storage import users
from ourchat.storage.uow import unit_of_work

MAX_AVATAR_KEY_CHARS = 128


class AccountField(enum.IntEnum):
    """The values GetAccountInfo can be asked for (numbers of the wire enum ``QueryValues``)."""

    UNSPECIFIED = 0
    OCID = 1
    EMAIL = 2
    USER_NAME = 3
    DISPLAY_NAME = 4
    STATUS = 5
    AVATAR_KEY = 6
    REGISTER_TIME = 7
    PUBLIC_UPDATED_TIME = 8
    UPDATED_TIME = 9
    SESSIONS = 10
    FRIENDS = 11


OWNER_ONLY: frozenset[AccountField] = frozenset(
    {AccountField.EMAIL, AccountField.SESSIONS, AccountField.FRIENDS, AccountField.UPDATED_TIME}
)


@dataclass
class AccountInfo:
    """The requested values of one account; None means "not requested" or "not set"."""

    ocid: str | None = None
    email: str | None = None
    user_name: str | None = None
    display_name: str | None = None
    status: str | None = None
    avatar_key: str | None = None
    register_time_us: int | None = None
    public_updated_time_us: int | None = None
    updated_time_us: int | None = None
    sessions: list[int] | None = None
    friends: list[int] | None = None


def visible_status(user: RowMapping, now_us: int) -> str | None:
    """The user-defined status while it has not expired, else None."""
    status, expires_at = user["user_status"], user["user_status_expires_at"]
    if status is None or expires_at is None or expires_at <= now_us:
        return None
    return str(status)


async def get_account_info(
    deps: Deps, *, caller: int, target: int, requested: Sequence[int]
) -> AccountInfo:
    """The values ``caller`` asked for about ``target`` (which may be the caller).

    Accounts that were unregistered under the ``disable`` policy are still shown. Another
    user's DISPLAY_NAME is the caller's contact name for them ("" without one); for oneself it
    stays unset. STATUS stays unset when there is none or it has expired.

    Raises:
        NotFound: "User Not Found" when ``target`` has no user row.
        InvalidArgument: "Request Invalid Value" for a number that is not a known value.
        PermissionDenied: "Permission Denied" for an owner-only value (EMAIL, SESSIONS, FRIENDS,
            UPDATED_TIME) asked about someone else; nothing is answered then.
    """
    async with deps.db.read() as conn:
        user = await users.get(conn, target)
        if user is None:
            raise NotFound(details.USER_NOT_FOUND)
        known = {int(f) for f in AccountField}
        if any(value not in known for value in requested):
            raise InvalidArgument(details.REQUEST_INVALID_VALUE)
        fields = {AccountField(value) for value in requested}
        is_self = caller == target
        if not is_self and fields & OWNER_ONLY:
            raise PermissionDenied(details.PERMISSION_DENIED)
        info = AccountInfo()
        if AccountField.OCID in fields:
            info.ocid = str(user["ocid"])
        if AccountField.EMAIL in fields:
            info.email = str(user["email"])
        if AccountField.USER_NAME in fields:
            info.user_name = str(user["name"])
        if AccountField.DISPLAY_NAME in fields and not is_self:
            info.display_name = await users.contact_display_name(conn, caller, target) or ""
        if AccountField.STATUS in fields:
            info.status = visible_status(user, deps.clock.now_us())
        if AccountField.AVATAR_KEY in fields:
            info.avatar_key = user["avatar_key"] or ""
        if AccountField.REGISTER_TIME in fields:
            info.register_time_us = int(user["register_time"])
        if AccountField.PUBLIC_UPDATED_TIME in fields:
            info.public_updated_time_us = int(user["public_update_time"])
        if AccountField.UPDATED_TIME in fields:
            info.updated_time_us = int(user["update_time"])
        if AccountField.SESSIONS in fields:
            info.sessions = await session_store.sessions_of(conn, target)
        if AccountField.FRIENDS in fields:
            info.friends = await users.friend_ids(conn, target)
    return info


@dataclass(frozen=True)
class ProfileChange:
    """What SetSelfInfo was given; None means "leave as it is"."""

    user_name: str | None = None
    avatar_key: str | None = None
    status: str | None = None
    ocid: str | None = None


async def check_avatar_key(conn: AsyncConnection, store: FileStore, user_id: int, key: str) -> None:
    """The one place that decides whether ``user_id`` may use ``key`` as their avatar.

    Called by :func:`set_self_info` for every non-empty key, inside its transaction and before
    anything is written: the key must fit the column and name an image file ``user_id`` owns
    (:func:`ourchat.domain.avatars.check_user_avatar`).

    Raises:
        InvalidArgument: "Request Invalid Value" for a key longer than 128 characters, or a
            file that is not a PNG, JPEG, GIF or WebP image.
        PermissionDenied: "Permission Denied" for a key naming no file ``user_id`` owns.
    """
    if len(key) > MAX_AVATAR_KEY_CHARS:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    await avatars.check_user_avatar(conn, store, user_id, key)


async def set_self_info(deps: Deps, user_id: int, change: ProfileChange) -> None:
    """Change the caller's own name, avatar, status and/or ocid, all or nothing.

    Every rule is checked before anything is written, in this order: name, status length, ocid
    length, avatar key, ocid uniqueness. A status is kept for ``user_defined_status_ttl_seconds``;
    an empty status or avatar key clears it. ``update_time`` is always set;
    ``public_update_time`` only when the name, the visible status, the avatar or the ocid
    actually changes. Nobody is notified.

    Raises:
        InvalidArgument: "Username Is Invalid", "Status Too Long", "Ocid Too Long", or
            "Request Invalid Value" for an unusable avatar key.
        AlreadyExists: "Conflict" when another account has the ocid.
        NotFound: "User Not Found" if the account vanished meanwhile.
    """
    if change.user_name is not None and not validation.is_valid_user_name(change.user_name):
        raise InvalidArgument(details.USERNAME_INVALID)
    if change.status is not None and len(change.status.encode()) > validation.MAX_STATUS_BYTES:
        raise InvalidArgument(details.STATUS_TOO_LONG)
    if change.ocid is not None and len(change.ocid.encode()) > validation.MAX_OCID_BYTES:
        raise InvalidArgument(details.OCID_TOO_LONG)
    try:
        async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
            now = tx.now_us
            user = await users.get(tx.conn, user_id)
            if user is None:
                raise NotFound(details.USER_NOT_FOUND)
            if change.avatar_key:
                await check_avatar_key(tx.conn, deps.file_store, user_id, change.avatar_key)
            if change.ocid is not None and change.ocid != user["ocid"]:
                other = await users.find_by(tx.conn, ocid=change.ocid)
                if other is not None:
                    raise AlreadyExists(details.CONFLICT)
            values: dict[str, Any] = {"update_time": now}
            public_change = False
            if change.user_name is not None:
                values["name"] = change.user_name
                public_change |= change.user_name != user["name"]
            if change.ocid is not None:
                values["ocid"] = change.ocid
                public_change |= change.ocid != user["ocid"]
            if change.avatar_key is not None:
                values["avatar_key"] = change.avatar_key or None
                public_change |= (change.avatar_key or None) != user["avatar_key"]
            if change.status is not None:
                new_status = change.status or None
                values["user_status"] = new_status
                values["user_status_expires_at"] = (
                    now + deps.settings.user_defined_status_ttl_seconds * US_PER_SECOND
                    if new_status is not None
                    else None
                )
                public_change |= new_status != visible_status(user, now)
            if public_change:
                values["public_update_time"] = now
            await users.set_fields(tx.conn, user_id, **values)
    except IntegrityError:
        # Another account took the ocid between the check and the write.
        raise AlreadyExists(details.CONFLICT) from None
