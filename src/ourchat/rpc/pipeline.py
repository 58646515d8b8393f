"""The one call path from any transport to a handler: gate, authentication, decoding, errors.

A transport (native gRPC in :mod:`ourchat.server.servicers`, gRPC-Web in
:mod:`ourchat.http.grpc_web`) hands over the method, the raw request bytes, the request metadata
and the client's address, and gets encoded response bytes back, or :class:`CallFailed` with the
status and detail to send. In order, every call:

1. records the client's address (:func:`ourchat.caller.client_address`);
2. passes the maintenance gate (:func:`ourchat.domain.maintenance.check_call`);
3. decodes the request: bytes that are no valid message answer ``INVALID_ARGUMENT "Request
   Invalid Value"`` with or without a token (a client stream's messages are decoded as the
   handler reads them, after the token);
4. authenticates the bearer token unless the method is public (the caller is then
   :func:`ourchat.caller.current_user_id`) and runs the handler (none yet: ``UNIMPLEMENTED``);
5. counts the outcome in the metrics. An :class:`OurChatError` becomes its code and detail;
   anything else is logged with its traceback and becomes ``INTERNAL "Server Error"``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import grpc

from ourchat import details, metrics
from ourchat.caller import set_caller, set_client_address
from ourchat.deps import Deps
from ourchat.domain import maintenance
from ourchat.domain.authentication import authenticate, authenticate_if_present
from ourchat.errors import InvalidArgument, OurChatError, Unimplemented
from ourchat.rpc.methods import Method, method_table

log = logging.getLogger(__name__)

#: Request metadata: ``(name, value)`` pairs with lower-case names.
Metadata = Sequence[Any]


class CallFailed(Exception):
    """A call ended with a status other than OK; the transport sends ``code`` and ``detail``."""

    def __init__(self, code: grpc.StatusCode, detail: str) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


class Pipeline:
    """Runs calls of the method table for one server process."""

    def __init__(self, deps: Deps, methods: Mapping[str, Method] | None = None) -> None:
        self._deps = deps
        self.methods: Mapping[str, Method] = method_table() if methods is None else methods

    def find(self, path: str) -> Method | None:
        """The method at ``path`` (``/package.Service/Name``), if the protocol defines one."""
        return self.methods.get(path)

    async def unary(
        self,
        method: Method,
        request: bytes | AsyncIterator[bytes],
        metadata: Metadata,
        address: str,
    ) -> bytes:
        """Run a unary call (or a client-streaming one: ``request`` iterates the messages).

        Raises:
            CallFailed: the status to answer with.
        """
        started = time.perf_counter()
        try:
            if isinstance(request, bytes):
                handle, message = await self._enter(method, request, metadata, address)
                response = await handle(self._deps, message, None)
            else:
                handle, _ = await self._enter(method, None, metadata, address)
                response = await handle(self._deps, _decode_each(method, request), None)
            body = encode(method, response)
        except Exception as exc:
            raise _failed(method, exc, started) from None
        metrics.observe_ok(method.path, time.perf_counter() - started)
        return body

    async def stream(
        self, method: Method, request: bytes, metadata: Metadata, address: str
    ) -> AsyncIterator[bytes]:
        """Run a server-streaming call, yielding each encoded response.

        Raises:
            CallFailed: the status the stream ends with.
        """
        started = time.perf_counter()
        try:
            handle, message = await self._enter(method, request, metadata, address)
            async for response in handle(self._deps, message, None):
                yield encode(method, response)
        except Exception as exc:
            raise _failed(method, exc, started) from None
        metrics.observe_ok(method.path, time.perf_counter() - started)

    async def _enter(
        self, method: Method, request: bytes | None, metadata: Metadata, address: str
    ) -> tuple[Any, Any]:
        """Gate, decode (bytes are looked at before the token), authenticate; the handler."""
        set_client_address(address)
        maintenance.check_call(self._deps, method.path)
        message = None if request is None else decode(method, request)
        if method.optional_auth:
            set_caller(await authenticate_if_present(self._deps, metadata))
        elif method.public:
            set_caller(None)
        else:
            set_caller(await authenticate(self._deps, metadata))
        if method.handle is None:
            raise Unimplemented()
        return method.handle, message


def decode(method: Method, data: bytes) -> Any:
    """The request message in ``data``.

    Raises:
        InvalidArgument: "Request Invalid Value" for bytes that are no such message.
    """
    try:
        return method.request_type.FromString(data)
    except Exception:  # any failure to parse is the sender's bytes
        raise InvalidArgument(details.REQUEST_INVALID_VALUE) from None


async def _decode_each(method: Method, messages: AsyncIterator[bytes]) -> AsyncIterator[Any]:
    async for data in messages:
        yield decode(method, data)


def encode(method: Method, response: Any) -> bytes:
    """The wire bytes of a response; bytes are messages a handler already encoded."""
    if isinstance(response, bytes):
        return response
    data: bytes = response.SerializeToString()
    return data


def _failed(method: Method, exc: Exception, started: float) -> CallFailed:
    elapsed = time.perf_counter() - started
    if isinstance(exc, CallFailed):
        return exc
    if isinstance(exc, OurChatError):
        metrics.observe_error(method.path, exc.code.name, elapsed)
        return CallFailed(exc.code, exc.detail)
    log.error("unhandled error in %s", method.path, exc_info=exc)
    metrics.observe_error(method.path, grpc.StatusCode.INTERNAL.name, elapsed)
    return CallFailed(grpc.StatusCode.INTERNAL, details.SERVER_ERROR)
