"""Test helpers: users, friendships and reading events off FetchMsgs streams."""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ourchat.client import OurChatClient, OurChatRpcError
from ourchat.delivery.events import Audience
from ourchat.deps import Deps
from ourchat.domain import membership
from ourchat.ids import PredefinedRole
from ourchat.storage import events as stored_events
from ourchat.storage import sessions as session_store
from ourchat.storage.uow import unit_of_work

PASSWORD = "correct horse battery staple"
#: The signature of a PNG file: enough for a file to count as an image (avatars).
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(tag: bytes = b"") -> bytes:
    """Content that starts like a PNG image (distinct per ``tag``)."""
    return PNG_SIGNATURE + b"\x00\x00\x00\x0dIHDR" + tag


_counter = itertools.count(1)


@functools.cache
def public_key() -> bytes:
    """One 2048-bit RSA public key (SubjectPublicKeyInfo DER), shared by all test users."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass
class User:
    """A registered user and its logged-in client."""

    id: int
    ocid: str
    email: str
    name: str
    client: OurChatClient


async def register_user(client: OurChatClient, name: str = "user") -> User:
    """Register a new unique user through ``client``."""
    n = next(_counter)
    email = f"{name}{n}@example.com"
    response = await client.register(email, PASSWORD, f"{name}{n}", public_key())
    return User(response.id, response.ocid, email, f"{name}{n}", client)


class Stream:
    """An open FetchMsgs stream whose events are collected in the background."""

    def __init__(self, client: OurChatClient, since_us: int = 0, **kwargs: bool) -> None:
        self.events: list[object] = []
        self.error: OurChatRpcError | None = None
        self._new = asyncio.Event()
        self._iter: AsyncIterator[object] = client.fetch_msgs(since_us, **kwargs)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            async for ev in self._iter:
                self.events.append(ev)
                self._new.set()
        except OurChatRpcError as exc:
            self.error = exc
            self._new.set()
        except asyncio.CancelledError:
            pass

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[object]:
        """Wait until at least ``count`` events arrived; returns all events so far."""
        async with asyncio.timeout(timeout):
            while len(self.events) < count and self.error is None:
                self._new.clear()
                await self._new.wait()
        return list(self.events)

    async def settle(self, delay: float = 0.2) -> list[object]:
        """Give in-flight events ``delay`` seconds to arrive; returns all events so far."""
        await asyncio.sleep(delay)
        return list(self.events)

    async def close(self) -> None:
        """Stop reading."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def expect_error(awaitable: object, code: grpc.StatusCode, detail: str) -> OurChatRpcError:
    """Await ``awaitable`` and check that it fails with exactly ``code`` and ``detail``."""
    with pytest.raises(OurChatRpcError) as info:
        await awaitable  # type: ignore[misc]
    assert (info.value.code, info.value.detail) == (code, detail)
    return info.value


async def make_group(deps: Deps, *members: User, roles: Sequence[int] = ()) -> int:
    """A group session holding ``members`` (first one owner, others ``roles`` or member).

    Built directly in the database, for tests that are not about creating sessions.
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        session_id = deps.ids.next_id()
        await session_store.create(tx.conn, session_id=session_id, now_us=tx.now_us, name="group")
        for index, user in enumerate(members):
            if index < len(roles):
                role = roles[index]
            else:
                role = PredefinedRole.OWNER if index == 0 else PredefinedRole.MEMBER
            await membership.join(tx, session_id, user.id, role)
    return session_id


def batch_messages(
    pairs: Iterable[tuple[int, int]], *, copies: int = 1, encrypted_in: int | None = None
) -> list[stored_events.NewEvent]:
    """A send batch's messages: ``copies`` per ``(session_id, sender_id)``, in sorted order.

    Each payload names its message: ``sid:uid``, or ``sid:uid:n`` with several copies. Those
    in session ``encrypted_in`` are marked encrypted.
    """
    return [
        stored_events.NewEvent(
            kind=5,
            payload=(f"{sid}:{uid}" if copies == 1 else f"{sid}:{uid}:{n}").encode(),
            audience=Audience.SESSION,
            sender_id=uid,
            session_id=sid,
            is_encrypted=sid == encrypted_in,
        )
        for sid, uid in sorted(pairs)
        for n in range(copies)
    ]


def kinds(events: Sequence[object]) -> list[str | None]:
    """The variant name of each FetchMsgsResponse."""
    return [e.WhichOneof("respond_event_type") for e in events]  # type: ignore[attr-defined]
