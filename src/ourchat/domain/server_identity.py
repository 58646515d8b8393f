"""The identity every process of one server shares: JWT secret, unique id and name."""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass

from ourchat.storage import server_info
from ourchat.storage.engine import Database

_ALNUM = string.ascii_letters + string.digits


def random_alnum(length: int) -> str:
    """``length`` characters from ``[A-Za-z0-9]``, from the OS's CSPRNG."""
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


@dataclass(frozen=True)
class ServerIdentity:
    """What makes this server itself; kept in the database so it survives restarts."""

    jwt_secret: str
    unique_identifier: str
    server_name: str


async def load_or_create(db: Database) -> ServerIdentity:
    """Read the identity, creating it on first start (the first process to commit wins)."""
    async with db.write() as conn:
        await server_info.insert_missing(
            conn,
            {
                "jwt_secret": random_alnum(32),
                "unique_identifier": str(uuid.uuid4()),
                "server_name": random_alnum(10),
            },
        )
    async with db.read() as conn:
        values = await server_info.get_all(conn)
    return ServerIdentity(
        jwt_secret=values["jwt_secret"],
        unique_identifier=values["unique_identifier"],
        server_name=values["server_name"],
    )
