"""Which stored files may become avatars, and which avatar ``/v1/avatar`` shows.

Avatars are public (``/v1/avatar`` needs no token), so an avatar can never be a way to publish a
file that others may not read. A user's avatar must be a file that user **owns**; a session's
avatar must be a file the setter owns or one uploaded to that session, which the setter may read.
Either way the content must be a PNG, JPEG, GIF or WebP image, judged by its first bytes, never
by its name. ``/v1/avatar`` checks the same again when it serves (the file may have gone, or the
key may predate these rules) and falls back to the default picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from ourchat import details
from ourchat.deps import Deps
from ourchat.domain.files import is_readable
from ourchat.errors import InvalidArgument, PermissionDenied
from ourchat.files.store import FileStore
from ourchat.storage import files as file_rows
from ourchat.storage import users as user_rows

#: Bytes enough to recognise every accepted format.
SNIFF_BYTES = 12


def image_type(head: bytes) -> str | None:
    """The content type of an accepted avatar image starting with ``head``, else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


async def stored_image_type(store: FileStore, key: str) -> str | None:
    """The image type of the content stored under ``key``; None if not an image or gone."""
    blocks = store.read(key, SNIFF_BYTES)
    head = b""
    try:
        while len(head) < SNIFF_BYTES:
            block = await anext(blocks, b"")
            if not block:
                break
            head += block
    except FileNotFoundError:
        return None
    finally:
        await blocks.aclose()
    return image_type(head)


async def _require_image(store: FileStore, key: str) -> None:
    if await stored_image_type(store, key) is None:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)


async def check_user_avatar(
    conn: AsyncConnection, store: FileStore, user_id: int, key: str
) -> None:
    """Whether ``user_id`` may make ``key`` their avatar.

    Raises:
        PermissionDenied: "Permission Denied" for a key naming no file ``user_id`` owns.
        InvalidArgument: "Request Invalid Value" when the file is not a PNG, JPEG, GIF or WebP.
    """
    row = await file_rows.get(conn, key)
    if row is None or int(row["user_id"]) != user_id:
        raise PermissionDenied(details.PERMISSION_DENIED)
    await _require_image(store, key)


async def check_session_avatar(
    conn: AsyncConnection, store: FileStore, user_id: int, session_id: int | None, key: str
) -> None:
    """Whether ``user_id`` may make ``key`` the avatar of ``session_id`` (None: a new session).

    Raises:
        PermissionDenied: "Permission Denied" unless ``user_id`` owns the file, or it was
            uploaded to this session and ``user_id`` may read it.
        InvalidArgument: "Request Invalid Value" when the file is not a PNG, JPEG, GIF or WebP.
    """
    row = await file_rows.get(conn, key)
    if row is None:
        raise PermissionDenied(details.PERMISSION_DENIED)
    owned = int(row["user_id"]) == user_id
    of_session = session_id is not None and row["session_id"] == session_id
    if not (owned or (of_session and await is_readable(conn, key, user_id))):
        raise PermissionDenied(details.PERMISSION_DENIED)
    await _require_image(store, key)


@dataclass(frozen=True)
class Avatar:
    """What ``/v1/avatar`` shows: a stored image and its type, or the default (key None)."""

    key: str | None
    content_type: str | None = None


DEFAULT = Avatar(None)


async def avatar_of(deps: Deps, user_id: int) -> Avatar | None:
    """The avatar to show for ``user_id``; None if there is no such user.

    The default picture unless the key names a stored file that the user owns and whose
    content is an accepted image.
    """
    async with deps.db.read() as conn:
        user = await user_rows.get(conn, user_id)
        if user is None:
            return None
        key = user["avatar_key"]
        if not key:
            return DEFAULT
        row = await file_rows.get(conn, key)
    if row is None or int(row["user_id"]) != user_id:
        return DEFAULT
    content_type = await stored_image_type(deps.file_store, str(key))
    if content_type is None:
        return DEFAULT
    return Avatar(str(key), content_type)
