"""Every method of every service, driven with random requests: never INTERNAL, never UNKNOWN.

The methods come from the generated descriptors, so a method added to the protocol is fuzzed
without touching this file. Each example sets up a caller who owns a group session (with a
second member), a message in it and a file, then calls every method once with a random
well-typed request (hypothesis strategies built from the message descriptors, with the
caller's real ids mixed into the id fields) and once with random bytes. No call may end with
INTERNAL or UNKNOWN, and nothing may be logged at ERROR (no server traceback).
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ourchat.server.app import OurChatServer
from ourchat.server.servicers import SERVICES
from tests.helpers import User, make_group, png
from tests.rpc.auth.common import deps_of

NewUser = Callable[..., Awaitable[User]]
F = FieldDescriptor
#: Examples per database; each calls every method twice (typed request, raw bytes).
EXAMPLES = 8
#: How long a server-streaming call is read before the client leaves it.
STREAM_SECONDS = 0.2
#: The caller's own account goes last: Unregister ends it.
LAST = ("Unregister",)
FORBIDDEN = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}
METHODS: list[tuple[str, MethodDescriptor]] = sorted(
    (
        (f"/{service.full_name}/{m.name}", m)
        for service in SERVICES.values()
        for m in service.methods
    ),
    key=lambda item: item[1].name in LAST,
)

INT_RANGES = {
    F.TYPE_INT32: (-(2**31), 2**31 - 1),
    F.TYPE_SINT32: (-(2**31), 2**31 - 1),
    F.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    F.TYPE_UINT32: (0, 2**32 - 1),
    F.TYPE_FIXED32: (0, 2**32 - 1),
    F.TYPE_INT64: (-(2**63), 2**63 - 1),
    F.TYPE_SINT64: (-(2**63), 2**63 - 1),
    F.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    F.TYPE_UINT64: (0, 2**64 - 1),
    F.TYPE_FIXED64: (0, 2**64 - 1),
}
EDGES = (0, 1, 2**31 - 1, 2**32 - 1, 2**63 - 1, 2**63, 2**64 - 1)


def _integers(field: FieldDescriptor, ids: Sequence[int]) -> st.SearchStrategy[int]:
    low, high = INT_RANGES[field.type]
    choices = [st.integers(low, high), st.sampled_from([e for e in EDGES if low <= e <= high])]
    if field.type in (F.TYPE_UINT64, F.TYPE_INT64) and ids:
        choices.append(st.sampled_from([i for i in ids if low <= i <= high]))
    small = st.integers(max(low, -5), min(high, 50))
    return st.one_of(small, *choices)


def _scalar(field: FieldDescriptor, ids: Sequence[int], texts: Sequence[str], depth: int) -> Any:
    if field.type in INT_RANGES:
        return _integers(field, ids)
    if field.type == F.TYPE_BOOL:
        return st.booleans()
    if field.type in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
        return st.floats(allow_nan=True, width=32 if field.type == F.TYPE_FLOAT else 64)
    if field.type == F.TYPE_STRING:
        return st.one_of(st.text(max_size=40), st.sampled_from(texts))
    if field.type == F.TYPE_BYTES:
        return st.binary(max_size=48)
    if field.type == F.TYPE_ENUM:
        numbers = [v.number for v in field.enum_type.values]
        return st.one_of(st.sampled_from(numbers), st.integers(-3, 200))
    if field.type == F.TYPE_MESSAGE:
        return messages(field.message_type, ids, texts, depth + 1)
    raise AssertionError(f"no strategy for {field.full_name}")


def messages(
    descriptor: Descriptor, ids: Sequence[int], texts: Sequence[str], depth: int = 0
) -> st.SearchStrategy[Message]:
    """Random messages of ``descriptor``'s type: each field set or not, one field per oneof."""
    cls = message_factory.GetMessageClass(descriptor)
    if depth > 3:
        return st.just(cls())
    fields = {}
    for field in descriptor.fields:
        value = _scalar(field, ids, texts, depth)
        if field.is_repeated:
            fields[field.name] = st.lists(value, max_size=3)
        else:
            fields[field.name] = st.one_of(st.none(), value)
    oneof_of = {
        f.name: f.containing_oneof.name for f in descriptor.fields if f.containing_oneof is not None
    }

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        message = cls()
        chosen: dict[str, str] = {}
        for name, strategy in fields.items():
            value = draw(strategy)
            if value is None or value == []:
                continue
            group = oneof_of.get(name)
            if group is not None:
                if group in chosen:
                    continue
                chosen[group] = name
            field = descriptor.fields_by_name[name]
            target = (
                getattr(message, name)
                if field.is_repeated or field.type == F.TYPE_MESSAGE
                else None
            )
            if field.is_repeated:
                if field.type == F.TYPE_MESSAGE:
                    for item in value:
                        target.add().CopyFrom(item)
                else:
                    target.extend(value)
            elif field.type == F.TYPE_MESSAGE:
                target.CopyFrom(value)
            else:
                setattr(message, name, value)
        return message

    return build()


async def call(
    channel: grpc.aio.Channel,
    path: str,
    method: MethodDescriptor,
    frames: Sequence[bytes],
    token: str,
) -> grpc.StatusCode:
    """Send ``frames`` (one request, or a client stream of them); the call's final code."""
    metadata = [("authorization", f"Bearer {token}")]
    try:
        if method.client_streaming:

            async def stream() -> AsyncIterator[bytes]:
                for frame in frames:
                    yield frame

            await channel.stream_unary(path)(stream(), metadata=metadata, timeout=10)
        elif method.server_streaming:
            responses = channel.unary_stream(path)(frames[0], metadata=metadata, timeout=10)
            try:
                async with asyncio.timeout(STREAM_SECONDS):
                    async for _ in responses:
                        pass
            except TimeoutError:
                responses.cancel()
                return grpc.StatusCode.OK
        else:
            await channel.unary_unary(path)(frames[0], metadata=metadata, timeout=10)
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


class World:
    """A caller owning a group session with a second member, a message and a file."""

    def __init__(self, me: User, other: User, session_id: int, msg_id: int, key: str) -> None:
        self.me, self.other = me, other
        self.ids = [me.id, other.id, session_id, msg_id, 1, 2, 3]
        self.texts = [key, me.ocid, other.ocid, me.email, "", "\x00"]


async def new_world(server: OurChatServer, new_user: NewUser, tmp_path: Path) -> World:
    me, other = await new_user("fuzz"), await new_user("other")
    session_id = await make_group(deps_of(server), me, other)
    sent = await me.client.send_msg(session_id, "hello")
    path = tmp_path / f"file-{me.id}.png"
    path.write_bytes(png(str(me.id).encode()))
    key = await me.client.upload_file(path, session_id=session_id)
    return World(me, other, session_id, sent.msg_id, key)


@pytest.fixture
async def channel(server: OurChatServer) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # No shrinking: the assertion lists every offending call already, and shrinking a run
    # of a hundred calls takes minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_request_gets_internal_or_unknown(
    data: st.DataObject,
    server: OurChatServer,
    channel: grpc.aio.Channel,
    new_user: NewUser,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    world = await new_world(server, new_user, tmp_path)
    token = world.me.client.token
    assert token is not None
    codes: collections.Counter[str] = collections.Counter()
    bad = []
    for path, method in METHODS:
        request = data.draw(messages(method.input_type, world.ids, world.texts), label=path)
        frames = [request.SerializeToString()]
        if method.client_streaming:
            more = data.draw(
                st.lists(messages(method.input_type, world.ids, world.texts), max_size=2)
            )
            frames += [m.SerializeToString() for m in more]
        raw = data.draw(st.binary(max_size=64), label=f"{path} bytes")
        for kind, sent in (("typed", frames), ("bytes", [raw])):
            code = await call(channel, path, method, sent, token)
            codes[code.name] += 1
            if code in FORBIDDEN:
                bad.append((path, kind, code.name, request if kind == "typed" else raw))
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    caplog.clear()
    print(f"fuzz example: {sum(codes.values())} calls, codes {dict(codes)}")
    assert bad == []
    assert errors == []
