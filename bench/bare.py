"""The bare transport: a minimal grpc.aio server that only echoes, fans out and replays bytes.

It is what ourchat is compared with. Messages are raw bytes (no protobuf), handlers do nothing
but move them, so every figure of this server is the cost of grpc.aio itself on this machine.

Methods (service ``bench.Bare``):

- ``Echo`` (unary): answers the request bytes.
- ``Subscribe`` (server-streaming): the request names a group; streams every payload
  published to that group from an in-memory queue, until cancelled.
- ``Publish`` (unary): ``group + b"\\n" + payload``; puts ``payload`` on the queue of every
  subscriber of ``group`` and answers the number of subscribers reached (4 bytes).
- ``Replay`` (server-streaming): the request is a count (8 bytes); streams that many
  ~100-byte frames prepared in advance.
- ``Count`` (unary): the number of subscribers of the group named by the request (4 bytes).

Run it as ``python -m bench.bare --port N``. Like ``ourchat serve``, it runs on uvloop where
uvloop is installed (``--loop asyncio`` for asyncio's own loop), so both servers share a loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import signal
import struct
from collections.abc import AsyncIterator
from typing import Any

import grpc

SERVICE = "bench.Bare"
ECHO = f"/{SERVICE}/Echo"
SUBSCRIBE = f"/{SERVICE}/Subscribe"
PUBLISH = f"/{SERVICE}/Publish"
REPLAY = f"/{SERVICE}/Replay"
COUNT = f"/{SERVICE}/Count"

#: Frames a subscriber may fall behind before its stream is ended (as ourchat's default).
QUEUE_LIMIT = 10_000
#: The size of a replayed frame, about that of an ourchat chat-message event.
FRAME_BYTES = 100


def publish_request(group: bytes, payload: bytes) -> bytes:
    """The bytes of a ``Publish`` request."""
    return group + b"\n" + payload


def replay_request(count: int) -> bytes:
    """The bytes of a ``Replay`` request for ``count`` frames."""
    return struct.pack("!Q", count)


class BareService:
    """The handlers and the in-memory groups of subscriber queues."""

    def __init__(self, queue_limit: int = QUEUE_LIMIT) -> None:
        self.groups: dict[bytes, set[asyncio.Queue[bytes | None]]] = {}
        self.queue_limit = queue_limit
        self.frame = bytes(range(FRAME_BYTES))

    async def echo(self, request: bytes, context: Any) -> bytes:
        return request

    async def subscribe(self, request: bytes, context: Any) -> AsyncIterator[bytes]:
        # None marks a subscriber that fell too far behind: its stream ends.
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        members = self.groups.setdefault(request, set())
        members.add(queue)
        try:
            while True:
                item = await queue.get()
                if item is None:
                    await context.abort(grpc.StatusCode.UNAVAILABLE, "lagged")
                    return
                yield item
        finally:
            members.discard(queue)
            if not members:
                self.groups.pop(request, None)

    async def publish(self, request: bytes, context: Any) -> bytes:
        group, _, payload = request.partition(b"\n")
        members = self.groups.get(group, set())
        limit = self.queue_limit
        for queue in list(members):
            if queue.qsize() >= limit:
                members.discard(queue)
                queue.put_nowait(None)
            else:
                queue.put_nowait(payload)
        return struct.pack("!I", len(members))

    async def count(self, request: bytes, context: Any) -> bytes:
        return struct.pack("!I", len(self.groups.get(request, ())))

    async def replay(self, request: bytes, context: Any) -> AsyncIterator[bytes]:
        (count,) = struct.unpack("!Q", request)
        frame = self.frame
        for _ in range(count):
            yield frame

    def handler(self) -> grpc.GenericRpcHandler:  # type: ignore[type-arg]
        """One generic handler for the five methods (bytes in, bytes out)."""
        return grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "Echo": grpc.unary_unary_rpc_method_handler(self.echo),
                "Subscribe": grpc.unary_stream_rpc_method_handler(self.subscribe),
                "Publish": grpc.unary_unary_rpc_method_handler(self.publish),
                "Replay": grpc.unary_stream_rpc_method_handler(self.replay),
                "Count": grpc.unary_unary_rpc_method_handler(self.count),
            },
        )


async def start(host: str = "127.0.0.1", port: int = 0) -> tuple[grpc.aio.Server, int]:
    """Start a bare server in this process; returns it and its bound port."""
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((BareService().handler(),))
    bound = server.add_insecure_port(f"{host}:{port}")
    await server.start()
    return server, bound


async def _main(host: str, port: int) -> None:
    server, bound = await start(host, port)
    loop = asyncio.get_running_loop()
    kind = type(loop).__module__.split(".")[0]
    print(f"bare server listening on {host}:{bound} ({kind})", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(grace=1)


def main() -> None:
    """Entry point of ``python -m bench.bare``."""
    parser = argparse.ArgumentParser(description="the bare grpc.aio server of the benchmark")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--loop", choices=("auto", "uvloop", "asyncio"), default="auto")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        if args.loop != "asyncio" and importlib.util.find_spec("uvloop") is not None:
            import uvloop

            uvloop.run(_main(args.host, args.port))
        else:
            asyncio.run(_main(args.host, args.port))


if __name__ == "__main__":
    main()
