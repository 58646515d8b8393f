"""The one server interceptor: the maintenance gate, authentication (unless allow-listed) and
error mapping.

Every method not under :data:`PUBLIC_PREFIXES` needs a valid bearer token; the caller is
then available through :func:`ourchat.caller.current_user_id`. A request whose bytes did not
decode is answered ``INVALID_ARGUMENT "Request Invalid Value"`` before authentication (for a
client stream: at the message that did not decode). An :class:`OurChatError`
becomes its status and detail; anything else is logged and becomes ``INTERNAL "Server Error"``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, NoReturn

import grpc

from ourchat import details, metrics
from ourchat.caller import address_of_peer, set_caller, set_client_address
from ourchat.deps import Deps
from ourchat.domain import maintenance
from ourchat.domain.authentication import authenticate, authenticate_if_present
from ourchat.errors import InvalidArgument, OurChatError
from ourchat.rpc.requests import Undecodable, check_decoded, checked_stream, lenient_decoder

log = logging.getLogger(__name__)

PUBLIC_PREFIXES: tuple[str, ...] = (
    "/service.auth.v1.AuthService/",
    "/service.basic.v1.BasicService/",
    "/grpc.health.v1.Health/",
    "/grpc.reflection.",
)

#: Public methods that still identify a caller who sends a valid token (for extras only).
OPTIONAL_AUTH_METHODS: frozenset[str] = frozenset({"/service.basic.v1.BasicService/GetVoipConfig"})


class ServerInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Authenticates, maps errors and counts every RPC of our services."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Any]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Any:
        handler: Any = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None:
            return handler
        if method.startswith(("/grpc.health.", "/grpc.reflection.")):
            return _decoding_checked(handler)
        needs_auth = not method.startswith(PUBLIC_PREFIXES)
        return _wrap(self._deps, handler, method, needs_auth, handler_call_details)


async def _enter(
    deps: Deps,
    needs_auth: bool,
    call_details: grpc.HandlerCallDetails,
    context: grpc.aio.ServicerContext[Any, Any],
    request: Any,
) -> None:
    set_client_address(address_of_peer(context.peer()))
    maintenance.check_call(deps, call_details.method)
    check_decoded(request)
    if needs_auth:
        set_caller(await authenticate(deps, call_details.invocation_metadata))
    elif call_details.method in OPTIONAL_AUTH_METHODS:
        set_caller(await authenticate_if_present(deps, call_details.invocation_metadata))
    else:
        set_caller(None)


async def _fail(
    context: grpc.aio.ServicerContext[Any, Any], method: str, exc: Exception, started: float
) -> NoReturn:
    elapsed = time.perf_counter() - started
    if isinstance(exc, OurChatError):
        metrics.observe_error(method, exc.code.name, elapsed)
        await context.abort(exc.code, exc.detail)
    else:
        log.exception("unhandled error in %s", method, exc_info=exc)
        metrics.observe_error(method, grpc.StatusCode.INTERNAL.name, elapsed)
        await context.abort(grpc.StatusCode.INTERNAL, details.SERVER_ERROR)
    raise AssertionError("abort returned")


def _decoding_checked(handler: Any) -> Any:
    """A library's handler (health, reflection) answering undecodable requests like ours."""
    if handler.request_deserializer is None:
        return handler
    codecs = {
        "request_deserializer": lenient_decoder(handler.request_deserializer),
        "response_serializer": handler.response_serializer,
    }

    async def refuse(context: grpc.aio.ServicerContext[Any, Any]) -> NoReturn:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, details.REQUEST_INVALID_VALUE)
        raise AssertionError("abort returned")

    if handler.unary_unary is not None:
        unary_unary = handler.unary_unary

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            if isinstance(request, Undecodable):
                await refuse(context)
            return await unary_unary(request, context)

        return grpc.unary_unary_rpc_method_handler(unary, **codecs)
    if handler.unary_stream is not None:
        unary_stream = handler.unary_stream

        async def streaming(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            if isinstance(request, Undecodable):
                await refuse(context)
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
                await refuse(context)

        return grpc.stream_stream_rpc_method_handler(both, **codecs)
    return handler


def _wrap(
    deps: Deps,
    handler: Any,
    method: str,
    needs_auth: bool,
    call_details: grpc.HandlerCallDetails,
) -> Any:
    """The same handler, authenticating first and turning failures into statuses."""
    codecs = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_stream is not None:
        inner_stream = handler.unary_stream

        async def streaming(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            started = time.perf_counter()
            try:
                await _enter(deps, needs_auth, call_details, context, request)
                async for item in inner_stream(request, context):
                    yield item
            except grpc.aio.AbortError:
                raise
            except Exception as exc:
                await _fail(context, method, exc, started)
            metrics.observe_ok(method, time.perf_counter() - started)

        return grpc.unary_stream_rpc_method_handler(streaming, **codecs)
    inner = handler.unary_unary or handler.stream_unary
    if inner is None:
        return handler

    client_streaming = handler.stream_unary is not None

    # One wrapper serves unary calls and client-streaming calls (whose "request" is the
    # iterator of request messages).
    async def single_response(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        started = time.perf_counter()
        try:
            if client_streaming:
                await _enter(deps, needs_auth, call_details, context, None)
                response = await inner(checked_stream(request), context)
            else:
                await _enter(deps, needs_auth, call_details, context, request)
                response = await inner(request, context)
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            await _fail(context, method, exc, started)
        metrics.observe_ok(method, time.perf_counter() - started)
        return response

    if handler.unary_unary is not None:
        return grpc.unary_unary_rpc_method_handler(single_response, **codecs)
    return grpc.stream_unary_rpc_method_handler(single_response, **codecs)
