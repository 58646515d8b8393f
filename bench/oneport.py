"""Figure 9: what the one port costs, and gRPC-Web beside native gRPC, on one server process.

The public port is the front: it reads the first bytes of a connection and joins native gRPC
connections to grpcio's internal loopback port of the same process. This server prints that
internal port, so one run can measure, interleaved repetition by repetition:

* native SendMsg calls/s (4 connections, 4 calls in flight each) through the public port and
  straight to grpcio's internal port: their ratio is the front's cost;
* one SendMsg at a time (p50/p99) on both paths;
* GetServerInfo calls/s over gRPC-Web (HTTP/1.1, 16 in flight) beside the same calls over
  native gRPC through the public port (4 connections, 4 in flight each);
* deliveries/s on one FetchMsgs stream read over gRPC-Web beside one read natively, while a
  native client sends into the session as fast as the server takes it; and the native one
  beside the same read straight from grpcio (what the front costs a stream).
"""

from __future__ import annotations

import asyncio
import json
import struct
import sys
import time
from pathlib import Path

import httpx

from bench import driver, procs
from bench.loops import (
    Metadata,
    channels,
    close_all,
    closed_loop,
    open_stream,
    unary,
    wait_counts,
)
from bench.modes import Mode
from bench.results import Figure
from bench.stats import latency_summary

GET_SERVER_INFO = "/service.basic.v1.BasicService/GetServerInfo"
#: Calls in flight for the unary rates: connections x calls each (gRPC-Web: HTTP/1.1 clients).
CONNECTIONS = 4
IN_FLIGHT_EACH = 4
#: Sequential calls timed for the latency rows.
LATENCY_CALLS = 400
#: Messages sent for each stream delivery rate.
STREAM_MESSAGES = 2000
WEB_HEADERS = {"content-type": "application/grpc-web+proto"}

#: The server process: ``ourchat serve``'s server, writing its two ports to a file.
_CHILD = """
import asyncio, json, signal, sys
from ourchat import event_loop
from ourchat.config import Settings
from ourchat.server.app import OurChatServer

async def main():
    server = OurChatServer(Settings())
    await server.start()
    with open(sys.argv[1], "w") as out:
        json.dump({"port": server.port, "grpc_port": server.grpc_port}, out)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await server.stop(grace=1)

event_loop.run(main(), Settings().event_loop)
"""


async def start_server(root: Path, log_dir: Path) -> tuple[procs.ServerProcess, str]:
    """Figure 9's server; returns it (its target is the public port) and grpcio's target."""
    data_dir = root / "oneport"
    data_dir.mkdir(parents=True, exist_ok=True)
    ports_file = data_dir / "ports.json"
    port = procs.free_port()
    env = procs.ourchat_env(cheap_argon2=True)
    env.update(OURCHAT_PORT=str(port), OURCHAT_DATA_DIR=str(data_dir / "data"))
    server = procs.ServerProcess(
        "ourchat-oneport", [sys.executable, "-c", _CHILD, str(ports_file)], env, port, log_dir
    )
    server.start()
    try:
        await server.wait_ready(driver.PING_METHOD, b"")
        deadline = time.monotonic() + procs.START_TIMEOUT_S
        while not ports_file.exists() or not ports_file.read_text():
            if time.monotonic() > deadline:
                raise RuntimeError(f"ourchat-oneport wrote no ports:\n{server.log_tail()}")
            await asyncio.sleep(0.05)
        ports = json.loads(ports_file.read_text())
    except BaseException:
        server.stop()
        raise
    return server, f"{procs.HOST}:{int(ports['grpc_port'])}"


async def native_rate(
    target: str, method: str, request: bytes, metadata: Metadata, seconds: float
) -> float:
    async with channels(target, CONNECTIONS) as chans:
        callers = [unary(c, method, request, metadata) for c in chans]
        await closed_loop(callers, IN_FLIGHT_EACH, min(0.5, seconds), 10_000_000)
        result = await closed_loop(callers, IN_FLIGHT_EACH, seconds, 10_000_000)
    if result.errors:
        raise RuntimeError(f"{method} failed on {target}: {result.first_error}")
    return result.rate


async def send_latencies(
    target: str, account: driver.Account, session: int, count: int = LATENCY_CALLS
) -> list[float]:
    async with channels(target, 1) as (channel,):
        call = unary(
            channel, driver.SEND_MSG_METHOD, driver.send_request(session), account.metadata
        )
        await call()
        times = []
        for _ in range(count):
            started = time.perf_counter()
            await call()
            times.append(time.perf_counter() - started)
    return times


def web_body(message: bytes) -> bytes:
    """A gRPC-Web request body holding one message."""
    return struct.pack(">BI", 0, len(message)) + message


async def web_unary_rate(base: str, seconds: float) -> float:
    done = 0
    in_flight = CONNECTIONS * IN_FLIGHT_EACH
    limits = httpx.Limits(max_connections=in_flight)
    async with httpx.AsyncClient(base_url=base, limits=limits) as http:

        async def worker(end: float) -> None:
            nonlocal done
            while time.perf_counter() < end:
                response = await http.post(
                    GET_SERVER_INFO, content=web_body(b""), headers=WEB_HEADERS
                )
                if b"grpc-status:0" not in response.content:
                    raise RuntimeError(f"gRPC-Web call failed: {response.content[-60:]!r}")
                done += 1

        warm_end = time.perf_counter() + min(0.5, seconds)
        await asyncio.gather(*(worker(warm_end) for _ in range(in_flight)))
        done = 0
        started = time.perf_counter()
        await asyncio.gather(*(worker(started + seconds) for _ in range(in_flight)))
        return done / (time.perf_counter() - started)


async def _flood(target: str, sender: driver.Account, session: int, count: int) -> None:
    """Send ``count`` messages into ``session`` as fast as the server takes them."""
    async with channels(target, CONNECTIONS) as chans:
        callers = [
            unary(c, driver.SEND_MSG_METHOD, driver.send_request(session), sender.metadata)
            for c in chans
        ]
        result = await closed_loop(callers, IN_FLIGHT_EACH, 120, count)
    if result.errors:
        raise RuntimeError(f"SendMsg failed while streaming: {result.first_error}")


async def web_stream_rate(
    base: str,
    target: str,
    sender: driver.Account,
    reader: driver.Account,
    session: int,
    count: int = STREAM_MESSAGES,
) -> float:
    """Deliveries/s on one gRPC-Web FetchMsgs stream, first to last message.

    The stream asks for everything since before the sends: messages sent before it is
    subscribed are replayed, so none is missed whenever the server starts it.
    """
    since = await driver.server_time_us(target)
    headers = {**WEB_HEADERS, "authorization": f"Bearer {reader.token}"}
    received = 0
    first = last = 0.0
    got_all = asyncio.Event()

    async def read() -> None:
        nonlocal received, first, last
        buffer = b""
        body = web_body(driver.fetch_request(since))
        async with (
            httpx.AsyncClient(base_url=base, timeout=None) as http,
            http.stream("POST", driver.FETCH_MSGS_METHOD, content=body, headers=headers) as resp,
        ):
            async for chunk in resp.aiter_raw():
                buffer += chunk
                while len(buffer) >= 5:
                    flag, length = struct.unpack(">BI", buffer[:5])
                    if len(buffer) < 5 + length:
                        break
                    buffer = buffer[5 + length :]
                    if flag == 0:
                        received += 1
                        last = time.perf_counter()
                        first = first or last
                        if received >= count:
                            got_all.set()
                            return

    reading = asyncio.create_task(read())
    try:
        await asyncio.sleep(0.3)
        await _flood(target, sender, session, count)
        await asyncio.wait_for(got_all.wait(), 120)
    finally:
        reading.cancel()
        await asyncio.gather(reading, return_exceptions=True)
    return (received - 1) / (last - first) if last > first else 0.0


async def native_stream_rate(
    target: str,
    sender: driver.Account,
    reader: driver.Account,
    session: int,
    count: int = STREAM_MESSAGES,
) -> float:
    """Deliveries/s on one native FetchMsgs stream, first to last message."""
    since = await driver.server_time_us(target)
    first = 0.0

    def on_frame(_frame: bytes, at: float) -> None:
        nonlocal first
        first = first or at

    async with channels(target, 1) as (channel,):
        stream = open_stream(
            channel,
            driver.FETCH_MSGS_METHOD,
            driver.fetch_request(since),
            reader.metadata,
            on_frame=on_frame,
        )
        try:
            await asyncio.sleep(0.3)
            await _flood(target, sender, session, count)
            if not await wait_counts([stream], [count], 120):
                raise RuntimeError(f"native stream got {stream.count} of {count}")
            if stream.error:
                raise RuntimeError(f"native stream failed: {stream.error}")
        finally:
            await close_all([stream])
    return (stream.count - 1) / (stream.last_at - first) if stream.last_at > first else 0.0


def _figures(mode: Mode) -> dict[str, Figure]:
    calls = f"{CONNECTIONS} connections x {IN_FLIGHT_EACH} calls in flight"
    direct = "grpcio direct"
    return {
        "send": Figure(
            key="oneport_send",
            title="Native SendMsg/s through the one port vs straight to grpcio",
            unit="calls/s",
            higher_is_better=True,
            baseline_label=direct,
            notes=(
                f"one server process; {calls}, {mode.window_s:g} s windows, the two paths "
                "interleaved in each repetition; the counterpart calls grpcio's internal "
                "loopback port of the same process"
            ),
        ),
        "p50": Figure(
            key="oneport_latency_p50",
            title="SendMsg p50, one call at a time, one port vs grpcio direct",
            unit="ms",
            higher_is_better=False,
            baseline_label=direct,
            notes=f"{LATENCY_CALLS} sequential calls on one connection per path",
        ),
        "p99": Figure(
            key="oneport_latency_p99",
            title="SendMsg p99, one call at a time, one port vs grpcio direct",
            unit="ms",
            higher_is_better=False,
            baseline_label=direct,
            notes=f"{LATENCY_CALLS} sequential calls on one connection per path",
        ),
        "stream": Figure(
            key="oneport_stream",
            title="Deliveries/s on one native FetchMsgs stream, one port vs grpcio direct",
            unit="deliveries/s",
            higher_is_better=True,
            baseline_label=direct,
            notes=(
                f"{STREAM_MESSAGES:,} messages sent ({calls}) into a 2-member session while the "
                "other member reads one stream, senders and reader on the same path; first to "
                "last delivery"
            ),
        ),
        "web_unary": Figure(
            key="grpc_web_unary",
            title="gRPC-Web unary calls/s (GetServerInfo) vs native gRPC, both on the one port",
            unit="calls/s",
            higher_is_better=True,
            baseline_label="native",
            notes=(
                f"gRPC-Web: {CONNECTIONS * IN_FLIGHT_EACH} HTTP/1.1 requests in flight (httpx); "
                f"native: {calls}; {mode.window_s:g} s windows"
            ),
        ),
        "web_stream": Figure(
            key="grpc_web_stream",
            title="Deliveries/s on one FetchMsgs stream, gRPC-Web vs native",
            unit="deliveries/s",
            higher_is_better=True,
            baseline_label="native",
            notes=(
                f"{STREAM_MESSAGES:,} messages sent natively ({calls}) into a 2-member session "
                "while the other member reads one stream; first to last delivery"
            ),
        ),
    }


async def oneport(root: Path, log_dir: Path, mode: Mode) -> list[Figure]:
    """Figure 9 on a fresh server process."""
    server, internal = await start_server(root, log_dir)
    figs = _figures(mode)
    try:
        public = server.target
        alice, bob = await driver.register(public, 2, "oneport")
        session = await driver.befriend(public, alice, bob)
        base = f"http://{public}"
        send_request = driver.send_request(session)
        for _ in range(mode.reps):
            for fig_side, target in (("ourchat", public), ("bare", internal)):
                rate = await native_rate(
                    target, driver.SEND_MSG_METHOD, send_request, alice.metadata, mode.window_s
                )
                getattr(figs["send"], fig_side).append(rate)
                times = latency_summary(await send_latencies(target, alice, session))
                getattr(figs["p50"], fig_side).append(times["p50_ms"])
                getattr(figs["p99"], fig_side).append(times["p99_ms"])
            figs["web_unary"].ourchat.append(await web_unary_rate(base, mode.window_s))
            figs["web_unary"].bare.append(
                await native_rate(public, GET_SERVER_INFO, b"", (), mode.window_s)
            )
            figs["web_stream"].ourchat.append(
                await web_stream_rate(base, public, alice, bob, session)
            )
            native = await native_stream_rate(public, alice, bob, session)
            figs["web_stream"].bare.append(native)
            figs["stream"].ourchat.append(native)
            figs["stream"].bare.append(await native_stream_rate(internal, alice, bob, session))
    finally:
        server.stop()
    return list(figs.values())
