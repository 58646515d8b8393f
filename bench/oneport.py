"""The one port's cost: native gRPC through the front vs grpcio direct, and gRPC-Web rates.

``python -m bench.oneport [--seconds S]`` starts one server process and measures, in one run:

* native SendMsg calls/s (16 in flight on 4 connections) and single-call latency (p50/p99)
  through the public port (the front joins each connection to grpcio) and straight to grpcio's
  internal port of the same process: the ratio is the front's cost;
* gRPC-Web unary calls/s (GetServerInfo over HTTP/1.1, 16 in flight);
* gRPC-Web stream deliveries/s (one FetchMsgs stream read over HTTP/1.1 while a native client
  sends into its session as fast as the server takes it).

The figures are printed and written as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench import driver, procs
from bench.loops import channels, closed_loop, unary

SEND_MSG = "/service.ourchat.v1.OurChatService/SendMsg"
FETCH_MSGS = "/service.ourchat.v1.OurChatService/FetchMsgs"
GET_SERVER_INFO = "/service.basic.v1.BasicService/GetServerInfo"

_CHILD = """
import asyncio, json, sys
from ourchat.config import Settings
from ourchat.server.app import OurChatServer

async def main():
    server = OurChatServer(Settings())
    await server.start()
    print(json.dumps({"port": server.port, "grpc_port": server.grpc_port}), flush=True)
    await asyncio.to_thread(sys.stdin.read)
    await server.stop(grace=1)

asyncio.run(main())
"""


def _start(data_dir: Path) -> tuple[subprocess.Popen[str], int, int]:
    env = procs.ourchat_env(cheap_argon2=True)
    env.update(OURCHAT_PORT=str(procs.free_port()), OURCHAT_DATA_DIR=str(data_dir))
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    ports = json.loads(child.stdout.readline())
    return child, int(ports["port"]), int(ports["grpc_port"])


async def _send_rate(target: str, token: str, session: int, seconds: float) -> float:
    metadata = (("authorization", f"Bearer {token}"),)
    async with channels(target, 4) as chans:
        callers = [unary(c, SEND_MSG, driver.send_request(session), metadata) for c in chans]
        result = await closed_loop(callers, 4, seconds, 10_000_000)
    if result.errors:
        raise RuntimeError(f"SendMsg failed on {target}: {result.first_error}")
    return result.rate


async def _send_latency(target: str, token: str, session: int, count: int) -> tuple[float, float]:
    metadata = (("authorization", f"Bearer {token}"),)
    async with channels(target, 1) as (channel,):
        call = unary(channel, SEND_MSG, driver.send_request(session), metadata)
        await call()
        times = []
        for _ in range(count):
            started = time.perf_counter()
            await call()
            times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99) - 1] * 1000


def _web_body(message: bytes) -> bytes:
    return struct.pack(">BI", 0, len(message)) + message


async def _web_unary_rate(base: str, seconds: float) -> float:
    headers = {"content-type": "application/grpc-web+proto"}
    done = 0
    end = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=16)) as http:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < end:
                response = await http.post(GET_SERVER_INFO, content=_web_body(b""), headers=headers)
                if b"grpc-status:0" not in response.content:
                    raise RuntimeError(f"gRPC-Web call failed: {response.content[-60:]!r}")
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(16)))
        return done / (time.perf_counter() - started)


async def _web_stream_rate(
    base: str, target: str, sender: driver.Account, reader: driver.Account, session: int, count: int
) -> float:
    since = await driver.server_time_us(target)
    headers = {
        "content-type": "application/grpc-web+proto",
        "authorization": f"Bearer {reader.token}",
    }
    received = 0
    first: float | None = None
    got_all = asyncio.Event()

    async def read() -> None:
        nonlocal received, first
        buffer = b""
        async with (
            httpx.AsyncClient(base_url=base, timeout=None) as http,
            http.stream(
                "POST", FETCH_MSGS, content=_web_body(driver.fetch_request(since)), headers=headers
            ) as response,
        ):
            async for chunk in response.aiter_raw():
                buffer += chunk
                while len(buffer) >= 5:
                    flag, length = struct.unpack(">BI", buffer[:5])
                    if len(buffer) < 5 + length:
                        break
                    buffer = buffer[5 + length :]
                    if flag == 0:
                        received += 1
                        first = first or time.perf_counter()
                        if received >= count:
                            got_all.set()
                            return

    reading = asyncio.create_task(read())
    await asyncio.sleep(0.5)
    metadata = sender.metadata
    async with channels(target, 4) as chans:
        callers = [unary(c, SEND_MSG, driver.send_request(session), metadata) for c in chans]
        await closed_loop(callers, 4, 120, count)
    await asyncio.wait_for(got_all.wait(), 120)
    finished = time.perf_counter()
    reading.cancel()
    assert first is not None
    return (received - 1) / (finished - first)


async def measure(seconds: float) -> dict[str, Any]:
    """Every figure of this benchmark, from one server process."""
    with tempfile.TemporaryDirectory(prefix="ourchat-oneport-") as tmp:
        child, port, grpc_port = _start(Path(tmp) / "data")
        try:
            public, internal = f"{procs.HOST}:{port}", f"{procs.HOST}:{grpc_port}"
            await driver.server_time_us(public)
            alice, bob = await driver.register(public, 2, "oneport")
            session = await driver.group(public, alice, [bob])
            figures: dict[str, Any] = {}
            rates: dict[str, list[float]] = {"front": [], "direct": []}
            for _ in range(2):  # interleaved, so drift on a shared machine hits both
                rates["front"].append(await _send_rate(public, alice.token, session, seconds))
                rates["direct"].append(await _send_rate(internal, alice.token, session, seconds))
            figures["send_msg_per_s_one_port"] = max(rates["front"])
            figures["send_msg_per_s_grpcio_direct"] = max(rates["direct"])
            figures["send_msg_ratio_one_port_vs_direct"] = max(rates["front"]) / max(
                rates["direct"]
            )
            for name, target in (("one_port", public), ("grpcio_direct", internal)):
                p50, p99 = await _send_latency(target, alice.token, session, 400)
                figures[f"send_msg_latency_ms_p50_{name}"] = p50
                figures[f"send_msg_latency_ms_p99_{name}"] = p99
            base = f"http://{public}"
            figures["grpc_web_unary_per_s"] = await _web_unary_rate(base, seconds)
            figures["grpc_web_stream_deliveries_per_s"] = await _web_stream_rate(
                base, public, alice, bob, session, 2000
            )
            figures["cpus"] = os.cpu_count()
            return figures
        finally:
            assert child.stdin is not None
            child.stdin.close()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each rate run")
    parser.add_argument("--out", type=Path, default=Path("bench-oneport.json"))
    args = parser.parse_args()
    figures = asyncio.run(measure(args.seconds))
    for name, value in figures.items():
        print(f"{name:45} {value:10.2f}" if isinstance(value, float) else f"{name:45} {value}")
    args.out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
