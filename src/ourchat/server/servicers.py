"""Native gRPC binding: every method of the method table served by grpcio through the pipeline.

Requests arrive as raw bytes and responses leave as bytes: decoding, the maintenance gate,
authentication, metrics and error mapping all happen in :class:`ourchat.rpc.pipeline.Pipeline`,
the same code gRPC-Web uses. Only aborting with the status is done here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc

from ourchat.caller import address_of_peer
from ourchat.rpc.methods import SERVICES, Kind, Method, implemented_methods
from ourchat.rpc.pipeline import CallFailed, Pipeline

__all__ = ["SERVICES", "generic_handlers", "implemented_methods"]

#: The peer string of a call (``ipv4:127.0.0.1:5000``) → the client's real address.
PeerResolver = Callable[[str], str]


def _same(data: bytes) -> bytes:
    return data


def _method_handler(pipeline: Pipeline, method: Method, resolve: PeerResolver) -> Any:
    codecs: dict[str, Any] = {"request_deserializer": _same, "response_serializer": _same}

    if method.kind is Kind.SERVER_STREAM:

        async def streaming(
            request: bytes, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[bytes]:
            address = resolve(context.peer())
            metadata: Any = context.invocation_metadata() or ()
            try:
                async for item in pipeline.stream(method, request, metadata, address):
                    yield item
            except CallFailed as failed:
                await context.abort(failed.code, failed.detail)

        return grpc.unary_stream_rpc_method_handler(streaming, **codecs)

    async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        address = resolve(context.peer())
        metadata: Any = context.invocation_metadata() or ()
        try:
            return await pipeline.unary(method, request, metadata, address)
        except CallFailed as failed:
            await context.abort(failed.code, failed.detail)
            raise AssertionError("abort returned") from None

    if method.kind is Kind.CLIENT_STREAM:
        return grpc.stream_unary_rpc_method_handler(unary, **codecs)
    if method.kind is Kind.UNARY:
        return grpc.unary_unary_rpc_method_handler(unary, **codecs)
    raise ValueError(f"{method.path}: bidirectional streaming is not served")


def generic_handlers(pipeline: Pipeline, resolve: PeerResolver = address_of_peer) -> list[Any]:
    """One generic handler per service, covering every method the protocol defines."""
    by_service: dict[str, dict[str, Any]] = {}
    for method in pipeline.methods.values():
        service = method.path.split("/")[1]
        by_service.setdefault(service, {})[method.name] = _method_handler(pipeline, method, resolve)
    return [grpc.method_handlers_generic_handler(name, h) for name, h in by_service.items()]
