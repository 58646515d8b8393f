"""Driving ourchat: accounts and sessions through the SDK, pre-serialized requests for the loops.

Set-up (registering, befriending, group sessions) goes through :class:`OurChatClient`. The
measured loops call SendMsg and FetchMsgs on raw grpc.aio channels with requests serialized
once in advance and responses left as bytes, exactly as they call the bare server, so client
cost is the same on both sides.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ourchat._pb.service.basic.v1 import basic_pb2
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsRequest,
    FetchMsgsResponse,
    SendMsgRequest,
)
from ourchat._pb.service.ourchat.v1 import ourchat_pb2
from ourchat.client import NotFoundError, OurChatClient, SessionValue

_OURCHAT = ourchat_pb2.DESCRIPTOR.services_by_name["OurChatService"].full_name
_BASIC = basic_pb2.DESCRIPTOR.services_by_name["BasicService"].full_name
SEND_MSG_METHOD = f"/{_OURCHAT}/SendMsg"
FETCH_MSGS_METHOD = f"/{_OURCHAT}/FetchMsgs"
PING_METHOD = f"/{_BASIC}/Ping"

PASSWORD = "benchmark horse battery staple"
#: Registrations in flight at once while setting up.
SETUP_CONCURRENCY = 16
#: The text of the measured messages: about 100 bytes on the wire, like the bare payloads.
TEXT_PADDING = "x" * 64


@functools.cache
def public_key() -> bytes:
    """One RSA public key (DER) shared by every benchmark account."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True)
class Account:
    """A registered benchmark user."""

    id: int
    email: str
    token: str

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        """The call metadata that authenticates as this user."""
        return (("authorization", f"Bearer {self.token}"),)


_run = uuid.uuid4().hex[:8]
_serial = itertools.count(1)


async def register(target: str, count: int, prefix: str = "bench") -> list[Account]:
    """Register ``count`` new users on ``target`` (a few at a time)."""
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)
    key = public_key()

    async def one() -> Account:
        n = next(_serial)
        email = f"{prefix}-{_run}-{n}@example.com"
        async with gate, OurChatClient(target) as client:
            response = await client.register(email, PASSWORD, f"{prefix}{n}", key)
        return Account(response.id, email, response.token)

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def befriend(target: str, a: Account, b: Account) -> int:
    """Make ``a`` and ``b`` friends; returns their private (2-member) session."""
    async with OurChatClient(target, a.token) as ca, OurChatClient(target, b.token) as cb:
        await ca.add_friend(friend_id=b.id)
        response = await cb.accept_friend_invitation(friend_id=a.id)
    return response.session_id


async def group(target: str, owner: Account, members: Sequence[Account]) -> int:
    """A group session owned by ``owner`` that every one of ``members`` is in.

    NewSession adds the owner's friends at once and invites the others, who accept.

    Raises:
        RuntimeError: someone did not end up a member.
    """
    async with OurChatClient(target, owner.token) as client:
        created = await client.new_session(members=[m.id for m in members], name="bench")
    if created.failed_members:
        raise RuntimeError(f"could not invite {list(created.failed_members)}")
    session_id = created.session_id
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def accept(member: Account) -> None:
        async with gate, OurChatClient(target, member.token) as client:
            with contextlib.suppress(NotFoundError):  # a friend: added without invitation
                await client.accept_join_session_invitation(session_id=session_id)

    await asyncio.gather(*(accept(m) for m in members))
    async with OurChatClient(target, owner.token) as client:
        info = await client.get_session_info(
            session_id=session_id, values=[SessionValue.QUERY_VALUES_MEMBERS]
        )
    missing = {m.id for m in members} - set(info.members)
    if missing:
        raise RuntimeError(f"{len(missing)} users did not join session {session_id}")
    return session_id


async def login(target: str, account: Account) -> None:
    """Log ``account`` in once more (an Auth call: one password verification)."""
    async with OurChatClient(target) as client:
        await client.login(PASSWORD, email=account.email)


async def server_time_us(target: str) -> int:
    """The server's clock, in microseconds."""
    async with OurChatClient(target) as client:
        return await client.server_time_us()


def send_request(session_id: int, seq: int = 0) -> bytes:
    """A serialized SendMsgRequest whose text starts with ``seq``."""
    text = f"{seq} {TEXT_PADDING}"
    return SendMsgRequest(session_id=session_id, markdown_text=text).SerializeToString()


def fetch_request(since_us: int) -> bytes:
    """A serialized FetchMsgsRequest for every event after ``since_us``."""
    request = FetchMsgsRequest()
    request.time.FromMicroseconds(since_us)
    return request.SerializeToString()


def message_seq(frame: bytes) -> int | None:
    """The ``seq`` of a chat message event sent with :func:`send_request`, else None."""
    event = FetchMsgsResponse.FromString(frame)
    if event.WhichOneof("respond_event_type") != "msg":
        return None
    head = event.msg.markdown_text.split(" ", 1)[0]
    return int(head) if head.isdigit() else None
