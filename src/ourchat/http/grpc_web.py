"""gRPC-Web on the HTTP side: every method of the call pipeline, for browsers.

A request is ``POST /package.Service/Method`` with ``content-type`` ``application/grpc-web``
or ``application/grpc-web+proto`` (binary) or ``application/grpc-web-text[+proto]`` (the same
bytes in base64). Its body holds length-prefixed frames (flag byte 0, 4-byte big-endian length,
message); the answer holds the response frames and then one trailer frame (flag ``0x80``) with
``grpc-status`` and the percent-encoded ``grpc-message``, always as a 200 response. Unary and
server-streaming methods are served; client-streaming ones read every frame of the body (browsers
cannot stream a request; they upload with the chunked API). A server stream stays open while
the client waits and ends when it goes away. CORS is open to any origin, as the reference
server's: preflights are answered and the gRPC status headers are exposed.

Framing errors answer ``INVALID_ARGUMENT "Request Invalid Value"``; everything after the
framing (maintenance gate, authentication, decoding, handler, errors, metrics) is
:class:`ourchat.rpc.pipeline.Pipeline`, as for native gRPC.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import re
from collections.abc import AsyncIterator, Callable

from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ourchat import details
from ourchat.errors import InvalidArgument, OurChatError, ResourceExhausted
from ourchat.rpc.methods import Kind, Method
from ourchat.rpc.pipeline import CallFailed, Pipeline

BINARY_TYPES = frozenset({"application/grpc-web", "application/grpc-web+proto"})
TEXT_TYPES = frozenset({"application/grpc-web-text", "application/grpc-web-text+proto"})
BINARY_RESPONSE_TYPE = "application/grpc-web+proto"
TEXT_RESPONSE_TYPE = "application/grpc-web-text+proto"
#: Headers a page on another origin may read from the answers.
EXPOSED_HEADERS = ("grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding")
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
METHOD_NOT_FOUND = "Method not found!"
DEADLINE_EXCEEDED = "Deadline Exceeded"
#: Status codes this module sends itself (the pipeline's carry their own).
OK, DEADLINE_EXCEEDED_CODE, UNIMPLEMENTED = 0, 4, 12
DATA_FLAG = 0x00
TRAILER_FLAG = 0x80
_TIMEOUT_UNITS = {"H": 3600.0, "M": 60.0, "S": 1.0, "m": 1e-3, "u": 1e-6, "n": 1e-9}
_TIMEOUT = re.compile(r"^([0-9]{1,8})([HMSmun])$")

#: The client's address of a request (the peer's IP, unless a front knows better).
AddressOf = Callable[[Scope], str]


def peer_address(scope: Scope) -> str:
    """The IP of the connection's peer."""
    client = scope.get("client")
    return str(client[0]) if client else ""


class _ClientGone(Exception):
    """The client disconnected before the request was read."""


def frame(flag: int, payload: bytes) -> bytes:
    """One length-prefixed gRPC-Web frame."""
    return bytes([flag]) + len(payload).to_bytes(4, "big") + payload


def percent_encode(text: str) -> str:
    """``grpc-message`` encoding: UTF-8, with bytes outside ``0x20..0x7E`` and ``%`` escaped."""
    return "".join(
        chr(b) if 0x20 <= b <= 0x7E and b != 0x25 else f"%{b:02X}" for b in text.encode()
    )


def trailers(code: int, detail: str) -> bytes:
    """The trailer frame ending every answer (``code``: the numeric gRPC status)."""
    text = f"grpc-status:{code}\r\n"
    if detail:
        text += f"grpc-message:{percent_encode(detail)}\r\n"
    return frame(TRAILER_FLAG, text.encode())


def parse_timeout(value: str) -> float | None:
    """Seconds of a ``grpc-timeout`` header (``"250m"``), or None when absent or malformed."""
    match = _TIMEOUT.match(value)
    if match is None:
        return None
    return int(match.group(1)) * _TIMEOUT_UNITS[match.group(2)]


class _Base64Reader:
    """Decodes base64 text arriving in pieces; padded chunks may follow each other."""

    def __init__(self) -> None:
        self._text = bytearray()

    def feed(self, chunk: bytes) -> bytes:
        self._text += chunk.translate(None, b" \t\r\n")
        usable = len(self._text) // 4 * 4
        out: list[bytes] = []
        start = 0
        try:
            pad = self._text.find(b"=", 0, usable)
            while pad != -1:
                end = (pad // 4 + 1) * 4
                out.append(binascii.a2b_base64(bytes(self._text[start:end]), strict_mode=True))
                start = end
                pad = self._text.find(b"=", start, usable)
            out.append(binascii.a2b_base64(bytes(self._text[start:usable]), strict_mode=True))
        except binascii.Error:
            raise InvalidArgument(details.REQUEST_INVALID_VALUE) from None
        del self._text[:usable]
        return b"".join(out)

    @property
    def pending(self) -> bool:
        return bool(self._text)


async def read_frames(receive: Receive, text: bool) -> AsyncIterator[bytes]:
    """The messages of a request body, frame by frame.

    Raises:
        InvalidArgument: "Request Invalid Value" for a body that is no sequence of
            uncompressed data frames.
        ResourceExhausted: a message larger than 4 MiB.
    """
    buffer = bytearray()
    decoder = _Base64Reader() if text else None
    more = True
    while True:
        while len(buffer) >= 5:
            flag = buffer[0]
            length = int.from_bytes(buffer[1:5], "big")
            if flag != DATA_FLAG:
                raise InvalidArgument(details.REQUEST_INVALID_VALUE)
            if length > MAX_MESSAGE_BYTES:
                raise ResourceExhausted(
                    f"Received message larger than max ({length} vs. {MAX_MESSAGE_BYTES})"
                )
            if len(buffer) < 5 + length:
                break
            yield bytes(buffer[5 : 5 + length])
            del buffer[: 5 + length]
        if not more:
            if buffer or (decoder is not None and decoder.pending):
                raise InvalidArgument(details.REQUEST_INVALID_VALUE)
            return
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone()
        chunk: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        buffer += decoder.feed(chunk) if decoder is not None else chunk


async def _one_message(receive: Receive, text: bool) -> bytes:
    messages = [m async for m in read_frames(receive, text)]
    if len(messages) != 1:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    return messages[0]


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


class GrpcWebEndpoint:
    """The ASGI endpoint answering gRPC-Web requests through the pipeline."""

    def __init__(self, pipeline: Pipeline, address_of: AddressOf = peer_address) -> None:
        self._pipeline = pipeline
        self._address_of = address_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await PlainTextResponse("Method Not Allowed", 405)(scope, receive, send)
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        content_type = next((v for k, v in headers if k == "content-type"), "")
        base_type = content_type.split(";", 1)[0].strip().lower()
        if base_type not in BINARY_TYPES and base_type not in TEXT_TYPES:
            await PlainTextResponse("Unsupported Media Type", 415)(scope, receive, send)
            return
        text = base_type in TEXT_TYPES
        reply = _Reply(send, text)
        method = self._pipeline.find(scope["path"])
        if method is None or method.kind is Kind.BIDI_STREAM:
            await reply.finish(UNIMPLEMENTED, METHOD_NOT_FOUND)
            return
        timeout = parse_timeout(next((v for k, v in headers if k == "grpc-timeout"), ""))
        address = self._address_of(scope)
        try:
            if method.kind is Kind.CLIENT_STREAM:
                body: bytes = b""
                request: bytes | AsyncIterator[bytes] = read_frames(receive, text)
            else:
                request = body = await _one_message(receive, text)
        except _ClientGone:
            return
        except OurChatError as exc:
            await reply.finish(exc.code.value[0], exc.detail)
            return
        if method.kind is Kind.SERVER_STREAM:
            await self._stream(method, body, headers, address, timeout, reply, receive)
            return
        try:
            async with asyncio.timeout(timeout):
                data = await self._pipeline.unary(method, request, headers, address)
        except CallFailed as failed:
            await reply.finish(failed.code.value[0], failed.detail)
        except TimeoutError:
            await reply.finish(DEADLINE_EXCEEDED_CODE, DEADLINE_EXCEEDED)
        else:
            await reply.finish(OK, "", data)

    async def _stream(
        self,
        method: Method,
        request: bytes,
        metadata: list[tuple[str, str]],
        address: str,
        timeout: float | None,
        reply: _Reply,
        receive: Receive,
    ) -> None:
        async def pump() -> None:
            try:
                async with asyncio.timeout(timeout):
                    async for data in self._pipeline.stream(method, request, metadata, address):
                        await reply.message(data)
            except CallFailed as failed:
                await reply.finish(failed.code.value[0], failed.detail)
            except TimeoutError:
                await reply.finish(DEADLINE_EXCEEDED_CODE, DEADLINE_EXCEEDED)
            else:
                await reply.finish(OK, "")

        streaming = asyncio.create_task(pump())
        watching = asyncio.create_task(_until_disconnect(receive))
        try:
            await asyncio.wait({streaming, watching}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (streaming, watching):
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        if not streaming.cancelled():
            streaming.result()


class _Reply:
    """Writes one gRPC-Web answer: headers once, then frames, then the trailers."""

    def __init__(self, send: Send, text: bool) -> None:
        self._send = send
        self._text = text
        self._started = False

    async def _start(self) -> None:
        if not self._started:
            self._started = True
            content_type = TEXT_RESPONSE_TYPE if self._text else BINARY_RESPONSE_TYPE
            start: Message = {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", content_type.encode())],
            }
            await self._send(start)

    def _encoded(self, data: bytes) -> bytes:
        return base64.b64encode(data) if self._text else data

    async def message(self, data: bytes) -> None:
        await self._start()
        body = self._encoded(frame(DATA_FLAG, data))
        await self._send({"type": "http.response.body", "body": body, "more_body": True})

    async def finish(self, code: int, detail: str, data: bytes | None = None) -> None:
        await self._start()
        payload = trailers(code, detail)
        if data is not None:
            payload = frame(DATA_FLAG, data) + payload
        body = self._encoded(payload)
        await self._send({"type": "http.response.body", "body": body, "more_body": False})


class GrpcWeb:
    """ASGI middleware sending gRPC-Web requests (and their CORS preflights) to the pipeline.

    Everything else goes on to the wrapped app.
    """

    def __init__(
        self, app: ASGIApp, pipeline: Pipeline, address_of: AddressOf = peer_address
    ) -> None:
        self.app = app
        self._methods = pipeline.methods
        self._endpoint = CORSMiddleware(
            GrpcWebEndpoint(pipeline, address_of),
            allow_origins=["*"],
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=list(EXPOSED_HEADERS),
            max_age=86400,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._is_grpc_web(scope):
            await self._endpoint(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _is_grpc_web(self, scope: Scope) -> bool:
        if scope["method"] == "OPTIONS":
            return scope["path"] in self._methods
        for name, value in scope["headers"]:
            if name == b"content-type":
                return bool(value.startswith(b"application/grpc-web"))
        return False
