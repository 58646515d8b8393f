"""The asyncio client: calls any RPC by name with typed errors, plus helpers for common flows."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Any, TypeVar

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message

from ourchat._pb.service.auth.authorize.v1.authorize_pb2 import AuthRequest, AuthResponse
from ourchat._pb.service.auth.register.v1.register_pb2 import RegisterRequest, RegisterResponse
from ourchat._pb.service.auth.v1 import auth_pb2
from ourchat._pb.service.basic.v1 import basic_pb2
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsRequest,
    FetchMsgsResponse,
    SendMsgRequest,
    SendMsgResponse,
)
from ourchat._pb.service.ourchat.v1 import ourchat_pb2
from ourchat.client._errors import from_rpc_error

R = TypeVar("R", bound=Message)

_SERVICES = [
    auth_pb2.DESCRIPTOR.services_by_name["AuthService"],
    basic_pb2.DESCRIPTOR.services_by_name["BasicService"],
    ourchat_pb2.DESCRIPTOR.services_by_name["OurChatService"],
]
_METHODS: dict[str, MethodDescriptor] = {m.name: m for s in _SERVICES for m in s.methods}


def _path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


class OurChatClient:
    """A connection to one OurChat server, optionally logged in.

    Every method raises an :class:`~ourchat.client.OurChatRpcError` subclass when the server
    refuses the call; its ``detail`` is the server's exact message.
    """

    def __init__(self, target: str, token: str | None = None) -> None:
        self.target = target
        self.token = token
        self.user_id: int | None = None
        self.ocid: str | None = None
        self._channel = grpc.aio.insecure_channel(
            target,
            options=[
                ("grpc.max_receive_message_length", 8 * 1024 * 1024),
                ("grpc.max_send_message_length", 8 * 1024 * 1024),
            ],
        )

    async def __aenter__(self) -> OurChatClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection (open streams end)."""
        await self._channel.close()

    def _metadata(self) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.token}")] if self.token else []

    async def call(self, name: str, request: Message, *, timeout: float | None = None) -> Any:
        """Call a unary RPC by its method name (e.g. ``"SendMsg"``) and return its response."""
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
        """Call a client-streaming RPC with an iterable of request messages."""
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
        """Call a server-streaming RPC by name and yield its messages."""
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

    # Accounts ---------------------------------------------------------------------------

    async def register(
        self, email: str, password: str, name: str, public_key: bytes
    ) -> RegisterResponse:
        """Create an account; on success this client is logged in as it."""
        response: RegisterResponse = await self.call(
            "Register",
            RegisterRequest(email=email, password=password, name=name, public_key=public_key),
        )
        self.token, self.user_id, self.ocid = response.token or None, response.id, response.ocid
        return response

    async def login(
        self, password: str, *, email: str | None = None, ocid: str | None = None
    ) -> AuthResponse:
        """Log in by email or ocid; on success this client uses the new token."""
        request = AuthRequest(password=password)
        if email is not None:
            request.email = email
        if ocid is not None:
            request.ocid = ocid
        response: AuthResponse = await self.call("Auth", request)
        self.token, self.user_id, self.ocid = response.token, response.id, response.ocid
        return response

    # Messages ---------------------------------------------------------------------------

    async def send_msg(
        self,
        session_id: int,
        text: str,
        *,
        involved_files: Iterable[str] = (),
        is_encrypted: bool = False,
    ) -> SendMsgResponse:
        """Send a message to a session."""
        response: SendMsgResponse = await self.call(
            "SendMsg",
            SendMsgRequest(
                session_id=session_id,
                markdown_text=text,
                involved_files=list(involved_files),
                is_encrypted=is_encrypted,
            ),
        )
        return response

    def fetch_msgs(
        self, since_us: int = 0, *, announcement_only: bool = False
    ) -> AsyncIterator[FetchMsgsResponse]:
        """Stream every event after ``since_us`` (replay first, then live)."""
        request = FetchMsgsRequest(announcement_only=announcement_only)
        request.time.FromMicroseconds(since_us)
        return self.stream("FetchMsgs", request)
