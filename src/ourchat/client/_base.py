"""The connection every SDK method goes through: one gRPC channel, the token, calls by name."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message

from ourchat._pb.service.auth.v1 import auth_pb2
from ourchat._pb.service.basic.v1 import basic_pb2
from ourchat._pb.service.ourchat.v1 import ourchat_pb2
from ourchat._pb.service.server_manage.v1 import server_manage_pb2
from ourchat.client._errors import from_rpc_error

_SERVICES = [
    auth_pb2.DESCRIPTOR.services_by_name["AuthService"],
    basic_pb2.DESCRIPTOR.services_by_name["BasicService"],
    ourchat_pb2.DESCRIPTOR.services_by_name["OurChatService"],
    server_manage_pb2.DESCRIPTOR.services_by_name["ServerManageService"],
]
# By method name ("SendMsg"; the first service wins a shared name, so OurChatService's BanUser
# is "BanUser") and by "Service/Method" ("ServerManageService/BanUser").
_METHODS: dict[str, MethodDescriptor] = {}
for _service in _SERVICES:
    for _method in _service.methods:
        _METHODS.setdefault(_method.name, _method)
        _METHODS[f"{_service.name}/{_method.name}"] = _method

#: Largest message the client sends or accepts (the server accepts up to 4 MiB).
MAX_MESSAGE_BYTES = 8 * 1024 * 1024


def _path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


class BaseClient:
    """A connection to one OurChat server, optionally logged in.

    Every call raises an :class:`~ourchat.client.OurChatRpcError` subclass when the server
    refuses it; its ``detail`` is the server's exact message.

    Args:
        target: ``host:port`` of the server.
        token: a token from an earlier login, to call authenticated methods right away.
    """

    def __init__(self, target: str, token: str | None = None) -> None:
        self.target = target
        self.token = token
        self.user_id: int | None = None
        self.ocid: str | None = None
        self._channel = grpc.aio.insecure_channel(
            target,
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                # Notice a restarted server quickly; the SDK does its own retry pacing. (Not
                # "grpc.min_reconnect_backoff_ms": it is also the time a connection attempt
                # gets, and a busy machine needs more than a fraction of a second.)
                ("grpc.initial_reconnect_backoff_ms", 100),
                ("grpc.max_reconnect_backoff_ms", 2000),
            ],
        )

    async def __aenter__(self) -> BaseClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection (open streams end)."""
        await self._channel.close(None)

    def _metadata(self) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.token}")] if self.token else []

    async def call(self, name: str, request: Message, *, timeout: float | None = None) -> Any:
        """Call a unary RPC by its method name (e.g. ``"SendMsg"``) and return its response.

        Args:
            name: the method name of any AuthService, BasicService or OurChatService RPC, or
                ``"Service/Method"`` (``"ServerManageService/BanUser"``).
            request: its request message.
            timeout: seconds before the call fails with DEADLINE_EXCEEDED.

        Raises:
            OurChatRpcError: the typed error for the server's refusal.
        """
        method = _METHODS[name]
        response_cls = message_factory.GetMessageClass(method.output_type)
        unary = self._channel.unary_unary(
            _path(method),
            request_serializer=type(request).SerializeToString,
            response_deserializer=response_cls.FromString,
        )
        try:
            return await unary(request, metadata=self._metadata(), timeout=timeout)
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc) from None

    async def call_streaming(
        self,
        name: str,
        requests: AsyncIterable[Message] | Iterable[Message],
        *,
        timeout: float | None = None,
    ) -> Any:
        """Call a client-streaming RPC (e.g. ``"Upload"``) with an iterable of requests.

        Raises:
            OurChatRpcError: the typed error for the server's refusal.
        """
        method = _METHODS[name]
        request_cls = message_factory.GetMessageClass(method.input_type)
        response_cls = message_factory.GetMessageClass(method.output_type)
        stub = self._channel.stream_unary(
            _path(method),
            request_serializer=request_cls.SerializeToString,
            response_deserializer=response_cls.FromString,
        )
        try:
            return await stub(requests, metadata=self._metadata(), timeout=timeout)  # type: ignore[arg-type]
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc) from None

    async def stream(
        self, name: str, request: Message, *, timeout: float | None = None
    ) -> AsyncIterator[Any]:
        """Call a server-streaming RPC by name and yield its messages.

        Raises:
            OurChatRpcError: the typed error the stream ended with.
        """
        method = _METHODS[name]
        response_cls = message_factory.GetMessageClass(method.output_type)
        stub = self._channel.unary_stream(
            _path(method),
            request_serializer=type(request).SerializeToString,
            response_deserializer=response_cls.FromString,
        )
        call = stub(request, metadata=self._metadata(), timeout=timeout)
        try:
            async for item in call:
                yield item
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc) from None
        finally:
            call.cancel()
