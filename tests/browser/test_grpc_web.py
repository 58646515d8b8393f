"""gRPC-Web from a real browser: a page of the server's origin and a page of another origin.

Each page calls GetServerInfo and reads a live FetchMsgs event with ``fetch()`` (the bytes of
the gRPC-Web protocol written out by hand, so nothing but the server is under test). The other
origin needs the server's CORS answers: the request's content type and ``authorization`` header
make the browser send a preflight first.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from ourchat._pb.service.basic.server.v1.server_pb2 import GetServerInfoResponse
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsRequest,
    FetchMsgsResponse,
)
from ourchat.server.app import OurChatServer
from tests.helpers import User, make_group

NewUser = Callable[..., Awaitable[User]]

GRPC_WEB_JS = """() => {
window.grpcWeb = async (url, body, token, untilMessage) => {
  const framed = new Uint8Array(5 + body.length);
  new DataView(framed.buffer).setUint32(1, body.length);
  framed.set(body, 5);
  const headers = {"content-type": "application/grpc-web+proto", "x-grpc-web": "1"};
  if (token) headers["authorization"] = "Bearer " + token;
  const response = await fetch(url, {method: "POST", body: framed, headers});
  const reader = response.body.getReader();
  let buffer = new Uint8Array(0);
  const messages = [];
  let trailers = "";
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    const joined = new Uint8Array(buffer.length + value.length);
    joined.set(buffer); joined.set(value, buffer.length); buffer = joined;
    while (buffer.length >= 5) {
      const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1);
      if (buffer.length < 5 + length) break;
      const payload = buffer.slice(5, 5 + length);
      if (buffer[0] & 0x80) trailers = new TextDecoder().decode(payload);
      else messages.push(Array.from(payload));
      buffer = buffer.slice(5 + length);
    }
    if (untilMessage && messages.length > 0) { await reader.cancel(); break; }
  }
  return {messages, trailers};
};
}"""

OTHER_PAGE = b"<!DOCTYPE html><html><head><title>elsewhere</title></head><body></body></html>"


@pytest.fixture
async def other_origin() -> AsyncIterator[str]:
    """A page on another origin (another port): a plain HTML page, nothing else."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
        writer.write(head + b"Content-Length: %d\r\n\r\n" % len(OTHER_PAGE) + OTHER_PAGE)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


async def until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never held")


async def _check_page(page: Any, server: OurChatServer, alice: User, bob: User) -> None:
    assert server.deps is not None
    deps = server.deps
    base = f"http://127.0.0.1:{server.port}"
    await page.evaluate(GRPC_WEB_JS)
    info = await page.evaluate(
        "([url]) => grpcWeb(url, new Uint8Array(0), null, false)",
        [f"{base}/service.basic.v1.BasicService/GetServerInfo"],
    )
    assert info["trailers"].startswith("grpc-status:0")
    [raw] = info["messages"]
    answer = GetServerInfoResponse.FromString(bytes(raw))
    assert answer.unique_identifier == deps.identity.unique_identifier

    session = await make_group(deps, alice, bob)
    request = list(FetchMsgsRequest(time=Timestamp(seconds=0)).SerializeToString())
    before = deps.bus.fanout.open_count
    await page.evaluate(
        "([url, body, token]) => {"
        " window.event = grpcWeb(url, new Uint8Array(body), token, true); }",
        [f"{base}/service.ourchat.v1.OurChatService/FetchMsgs", request, bob.client.token],
    )
    await until(lambda: deps.bus.fanout.open_count == before + 1)
    sent = await alice.client.send_msg(session, "hello, browser")
    event = await page.evaluate("window.event")
    [raw] = event["messages"]
    received = FetchMsgsResponse.FromString(bytes(raw))
    assert (received.msg_id, received.msg.markdown_text) == (sent.msg_id, "hello, browser")


async def test_a_page_of_the_server_uses_grpc_web(
    new_page: Callable[..., Awaitable[Any]], server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    page = await new_page(path="/v1/status")
    await _check_page(page, server, alice, bob)


async def test_a_page_of_another_origin_uses_grpc_web(
    new_page: Callable[..., Awaitable[Any]],
    server: OurChatServer,
    new_user: NewUser,
    other_origin: str,
) -> None:
    alice, bob = await new_user("alice"), await new_user("bob")
    page = await new_page(path="/v1/status")
    await page.goto(other_origin)
    assert await page.evaluate("location.origin") == other_origin
    await _check_page(page, server, alice, bob)
