"""Ids that cannot exist (2^63 and above; storage is signed 64-bit) are unknown ids (§18).

Every ``uint64`` id field of every method is tried in turn with an unknown id that fits in
storage, with 2^63 and with 2^64 - 1, the other id fields holding real ids of the caller's
world; all three must get the same answer, and none INTERNAL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message

from ourchat import details
from ourchat._pb.service.ourchat.get_account_info.v1 import get_account_info_pb2 as info_pb
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import SendMsgRequest
from ourchat._pb.service.ourchat.session.get_role.v1 import get_role_pb2
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2
from ourchat._pb.service.ourchat.session.kick.v1 import kick_pb2 as kick_user_pb2
from ourchat.client import OurChatRpcError
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.server.servicers import SERVICES
from tests.helpers import User, make_group
from tests.rpc.auth.common import deps_of
from tests.rpc.server_manage.common import grant

NewUser = Callable[..., Awaitable[User]]

UNKNOWN = 987_654_321_987
OUT_OF_RANGE = (2**63, 2**64 - 1)
U64 = FieldDescriptor.TYPE_UINT64
MESSAGE = FieldDescriptor.TYPE_MESSAGE
#: uint64 fields that are amounts or positions, not ids of something to look up.
NOT_IDS = {"size", "chunk_id"}


def id_fields(descriptor: Descriptor, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths of the uint64 id fields of a message, nested messages included."""
    paths: list[tuple[str, ...]] = []
    for field in descriptor.fields:
        if field.type == U64 and field.name not in NOT_IDS:
            paths.append((*prefix, field.name))
        elif field.type == MESSAGE and not field.is_repeated and len(prefix) < 3:
            paths.extend(id_fields(field.message_type, (*prefix, field.name)))
    return paths


def put(message: Message, path: tuple[str, ...], value: int) -> None:
    """Set (or, for a repeated field, make the only element) the field at ``path``."""
    for name in path[:-1]:
        message = getattr(message, name)
    field = message.DESCRIPTOR.fields_by_name[path[-1]]
    if field.is_repeated:
        del getattr(message, path[-1])[:]
        getattr(message, path[-1]).append(value)
    else:
        setattr(message, path[-1], value)


@dataclass
class World:
    """Real ids the caller can use: its own, a fellow member's, a group it owns, a message."""

    me: User
    other: User
    session_id: int
    msg_id: int

    def real(self, name: str) -> int:
        if name == "session_id":
            return self.session_id
        if name == "msg_id":
            return self.msg_id
        if name in ("role_id", "permissions"):
            return int(PredefinedRole.MEMBER)
        if name == "chunk_id":
            return 0
        return self.other.id


@pytest.fixture
async def world(server: OurChatServer, new_user: NewUser) -> World:
    me, other = await new_user("me"), await new_user("other")
    deps = deps_of(server)
    await grant(deps, me.id)
    session_id = await make_group(deps, me, other)
    sent = await me.client.send_msg(session_id, "hello")
    return World(me, other, session_id, sent.msg_id)


@pytest.fixture
async def channel(server: OurChatServer) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


async def outcome(
    channel: grpc.aio.Channel, path: str, method: MethodDescriptor, request: Message, token: str
) -> tuple[grpc.StatusCode, str]:
    metadata = [("authorization", f"Bearer {token}")]
    data = request.SerializeToString()
    try:
        if method.client_streaming:

            async def one() -> AsyncIterator[bytes]:
                yield data

            await channel.stream_unary(path)(one(), metadata=metadata, timeout=10)
        else:
            await channel.unary_unary(path)(data, metadata=metadata, timeout=10)
    except grpc.aio.AioRpcError as exc:
        return exc.code(), exc.details() or ""
    return grpc.StatusCode.OK, ""


def upload_header(request: Message) -> None:
    """Upload's single message is its header (a small file)."""
    request.metadata.size = 10  # type: ignore[attr-defined]
    request.metadata.hash = b"\x00" * 32  # type: ignore[attr-defined]


async def test_every_id_field_treats_out_of_range_ids_as_unknown(
    channel: grpc.aio.Channel, world: World
) -> None:
    token = world.me.client.token
    assert token is not None
    mismatches = []
    tried = 0
    for service in SERVICES.values():
        for method in service.methods:
            if method.server_streaming:
                continue
            cls = message_factory.GetMessageClass(method.input_type)
            fields = id_fields(method.input_type)
            path = f"/{service.full_name}/{method.name}"
            for varied in fields:
                answers = []
                for value in (UNKNOWN, *OUT_OF_RANGE):
                    request = cls()
                    if method.name == "Upload":
                        upload_header(request)
                    for other in fields:
                        put(request, other, value if other == varied else world.real(other[-1]))
                    answers.append(await outcome(channel, path, method, request, token))
                tried += 1
                if len(set(answers)) != 1 or answers[0][0] == grpc.StatusCode.INTERNAL:
                    mismatches.append((method.name, ".".join(varied), answers))
    assert tried > 60
    assert mismatches == []


async def test_the_reported_cases(world: World) -> None:
    client = world.me.client

    async def answer(name: str, request: Message) -> tuple[grpc.StatusCode, str]:
        try:
            await client.call(name, request)
        except OurChatRpcError as exc:
            return exc.code, exc.detail
        return grpc.StatusCode.OK, ""

    session = get_session_info_pb2.GetSessionInfoRequest
    cases = [
        ("SendMsg", SendMsgRequest(session_id=2**63, markdown_text="hi")),
        ("GetSessionInfo", session(session_id=2**63, query_values=[1])),
        ("GetRole", get_role_pb2.GetRoleRequest(role_id=2**63)),
        ("KickUser", kick_user_pb2.KickUserRequest(session_id=world.session_id, user_id=2**63)),
        ("GetAccountInfo", info_pb.GetAccountInfoRequest(id=2**64 - 1, request_values=[1])),
    ]
    got = [(name, await answer(name, request)) for name, request in cases]
    assert got == [
        ("SendMsg", (grpc.StatusCode.PERMISSION_DENIED, details.USER_NOT_IN_SESSION)),
        ("GetSessionInfo", (grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND)),
        ("GetRole", (grpc.StatusCode.NOT_FOUND, details.ROLE_NOT_FOUND)),
        ("KickUser", (grpc.StatusCode.NOT_FOUND, details.USER_NOT_IN_SESSION)),
        ("GetAccountInfo", (grpc.StatusCode.NOT_FOUND, details.USER_NOT_FOUND)),
    ]
