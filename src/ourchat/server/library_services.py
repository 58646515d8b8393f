"""gRPC health and reflection (grpcio's own servicers), answering bad bytes like our methods.

Their handlers are registered through :class:`DecodingChecked`, which wraps each one so that
request bytes that do not decode answer ``INVALID_ARGUMENT "Request Invalid Value"`` (not
``UNKNOWN`` with a logged traceback). Our own methods never come here: they decode in the pipeline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any, NoReturn

import grpc

from ourchat import details
from ourchat.errors import InvalidArgument
from ourchat.rpc.requests import Undecodable, checked_stream, lenient_decoder


async def _refuse(context: grpc.aio.ServicerContext[Any, Any]) -> NoReturn:
    await context.abort(grpc.StatusCode.INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE)
    raise AssertionError("abort returned")


def decoding_checked(handler: Any) -> Any:
    """The same handler, answering undecodable requests ``INVALID_ARGUMENT``."""
    if handler is None or handler.request_deserializer is None:
        return handler
    codecs = {
        "request_deserializer": lenient_decoder(handler.request_deserializer),
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary is not None:
        unary_unary = handler.unary_unary

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            if isinstance(request, Undecodable):
                await _refuse(context)
            return await unary_unary(request, context)

        return grpc.unary_unary_rpc_method_handler(unary, **codecs)
    if handler.unary_stream is not None:
        unary_stream = handler.unary_stream

        async def streaming(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            if isinstance(request, Undecodable):
                await _refuse(context)
            async for item in unary_stream(request, context):
                yield item

        return grpc.unary_stream_rpc_method_handler(streaming, **codecs)
    if handler.stream_stream is not None:
        stream_stream = handler.stream_stream

        async def both(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            try:
                async for item in stream_stream(checked_stream(requests), context):
                    yield item
            except InvalidArgument:
                await _refuse(context)

        return grpc.stream_stream_rpc_method_handler(both, **codecs)
    return handler


class _CheckedGeneric(grpc.GenericRpcHandler):  # type: ignore[type-arg]
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> Any:
        return decoding_checked(self._inner.service(handler_call_details))


class DecodingChecked:
    """Stands in for the server when a library registers its servicer."""

    def __init__(self, server: Any) -> None:
        self._server = server

    def add_generic_rpc_handlers(self, handlers: Iterable[Any]) -> None:
        self._server.add_generic_rpc_handlers([_CheckedGeneric(h) for h in handlers])

    def add_registered_method_handlers(self, service: str, handlers: Mapping[str, Any]) -> None:
        checked = {name: decoding_checked(h) for name, h in handlers.items()}
        self._server.add_registered_method_handlers(service, checked)
