"""A small gRPC-Web client over httpx, written from the protocol (not from the server's code)."""

from __future__ import annotations

import base64
import struct
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from google.protobuf.message import Message


@dataclass
class Answer:
    """What a gRPC-Web call returned: messages, trailers and the HTTP response headers."""

    status: int | None = None
    message: str = ""
    messages: list[bytes] = field(default_factory=list)
    trailers: dict[str, str] = field(default_factory=dict)
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    http_status: int = 0

    def parsed(self, response_type: type[Any]) -> list[Any]:
        return [response_type.FromString(m) for m in self.messages]


class FrameParser:
    """Splits a response body (binary frames, or base64 text of them) into messages and trailers."""

    def __init__(self, text: bool) -> None:
        self.text = text
        self._raw = b""
        self._buffer = b""

    def feed(self, chunk: bytes, answer: Answer) -> list[bytes]:
        if self.text:
            self._raw += chunk
            # Each piece the server sends is padded base64; decode whole 4-char groups.
            usable = len(self._raw) // 4 * 4
            data = b""
            pos = 0
            while pos < usable:
                group = self._raw[pos : pos + 4]
                data += base64.b64decode(group)
                pos += 4
            self._raw = self._raw[usable:]
            self._buffer += data
        else:
            self._buffer += chunk
        found: list[bytes] = []
        while len(self._buffer) >= 5:
            flag, length = struct.unpack(">BI", self._buffer[:5])
            if len(self._buffer) < 5 + length:
                break
            payload, self._buffer = self._buffer[5 : 5 + length], self._buffer[5 + length :]
            if flag & 0x80:
                for line in payload.decode().split("\r\n"):
                    if line:
                        name, _, value = line.partition(":")
                        answer.trailers[name.strip().lower()] = value.strip()
                answer.status = int(answer.trailers["grpc-status"])
                answer.message = urllib.parse.unquote(answer.trailers.get("grpc-message", ""))
            else:
                found.append(payload)
        return found


def request_body(message: Message | bytes, text: bool) -> bytes:
    data = message if isinstance(message, bytes) else message.SerializeToString()
    body = struct.pack(">BI", 0, len(data)) + data
    return base64.b64encode(body) if text else body


class GrpcWebClient:
    """Calls methods by full path over gRPC-Web, in binary or text mode."""

    def __init__(self, http: httpx.AsyncClient, *, text: bool = False) -> None:
        self.http = http
        self.text = text
        self.content_type = "application/grpc-web-text" if text else "application/grpc-web+proto"

    def headers(self, token: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"content-type": self.content_type, "x-grpc-web": "1"}
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        headers.update(extra or {})
        return headers

    async def unary(
        self,
        path: str,
        request: Message | bytes,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        response = await self.http.post(
            path, content=request_body(request, self.text), headers=self.headers(token, headers)
        )
        answer = Answer(headers=response.headers, http_status=response.status_code)
        if response.status_code == 200:
            answer.messages = FrameParser(self.text).feed(response.content, answer)
        return answer

    async def stream(
        self, path: str, request: Message, *, token: str | None = None
    ) -> AsyncIterator[tuple[Answer, bytes]]:
        """Yield ``(answer, message)`` per message; the last has ``b""`` and the trailers."""
        answer = Answer()
        parser = FrameParser(self.text)
        async with self.http.stream(
            "POST", path, content=request_body(request, self.text), headers=self.headers(token)
        ) as response:
            answer.headers, answer.http_status = response.headers, response.status_code
            async for chunk in response.aiter_raw():
                for message in parser.feed(chunk, answer):
                    yield answer, message
        yield answer, b""
