"""Figure 8: does one hostile account slow everybody else? Another user's p99 under abuse.

A fresh ourchat with its **default limits** (the other figures turn them off). One account, in
a separate client process, opens ``abuse_streams`` FetchMsgs streams that it never reads, starts
``abuse_uploads`` streamed Uploads that declare 19 MB each and then send nothing, and sends
messages to a session of its own as fast as the server lets it (each one fans out to all of its
streams). Meanwhile another user calls SendMsg and Ping at ``health_rate`` each per second; its
p99 latencies are compared with the same window without the abuse.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import urllib.request
from collections.abc import AsyncIterator
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any

import grpc

from bench import driver, procs
from bench.loops import CHANNEL_OPTIONS, LoopResult, channels, open_loop, unary
from bench.modes import Mode
from bench.results import Figure
from bench.stats import latency_summary
from ourchat._pb.service.ourchat.upload.v1.upload_pb2 import Header, UploadRequest
from ourchat._pb.service.ourchat.v1 import ourchat_pb2

_OURCHAT = ourchat_pb2.DESCRIPTOR.services_by_name["OurChatService"].full_name
UPLOAD_METHOD = f"/{_OURCHAT}/Upload"
#: Connections the abuser spreads its streams over.
ABUSER_CONNECTIONS = 20
#: The size each stalled upload declares.
STALLED_UPLOAD_BYTES = 19 * 1024 * 1024
#: How long the abuser gets to set up before the measurement starts.
SETTLE_S = 3.0


def _stalled_upload_request() -> bytes:
    header = Header(hash=bytes(32), size=STALLED_UPLOAD_BYTES, auto_clean=True)
    return UploadRequest(metadata=header).SerializeToString()


def abuser_main(
    target: str,
    token: str,
    session_id: int,
    streams: int,
    uploads: int,
    ready: EventType,
    stop: EventType,
    report: Any,
) -> None:
    """Body of the abuser's process; puts its own tally in ``report`` when told to stop."""
    asyncio.run(_abuse(target, token, session_id, streams, uploads, ready, stop, report))


async def _abuse(
    target: str,
    token: str,
    session_id: int,
    streams: int,
    uploads: int,
    ready: EventType,
    stop: EventType,
    report: Any,
) -> None:
    metadata = (("authorization", f"Bearer {token}"),)
    chans = [
        grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS)
        for _ in range(ABUSER_CONNECTIONS)
    ]
    since = driver.fetch_request(time.time_ns() // 1000)
    unread = [
        chans[i % len(chans)].unary_stream(
            driver.FETCH_MSGS_METHOD, request_serializer=None, response_deserializer=None
        )(since, metadata=metadata)
        for i in range(streams)
    ]
    silence = asyncio.Event()

    async def stalled() -> AsyncIterator[bytes]:
        yield _stalled_upload_request()
        await silence.wait()

    upload_stub = chans[0].stream_unary(
        UPLOAD_METHOD, request_serializer=None, response_deserializer=None
    )
    upload_calls = [upload_stub(stalled(), metadata=metadata) for _ in range(uploads)]
    tally = {"sent": 0, "refused": 0, "first_refusal": ""}
    async with grpc.aio.insecure_channel(target) as channel:
        send = unary(channel, driver.SEND_MSG_METHOD, driver.send_request(session_id), metadata)
        started = time.perf_counter()
        while not stop.is_set():
            try:
                await send()
                tally["sent"] += 1
            except grpc.aio.AioRpcError as exc:
                tally["refused"] += 1
                tally["first_refusal"] = (
                    tally["first_refusal"] or f"{exc.code().name}: {exc.details()}"
                )
                await asyncio.sleep(0.01)
            if not ready.is_set() and time.perf_counter() - started > SETTLE_S:
                ready.set()
    upload_codes: dict[str, int] = {}
    for call in upload_calls:
        if call.done():
            code = (await call.code()).name
        else:
            code = "still open"
            call.cancel()
        upload_codes[code] = upload_codes.get(code, 0) + 1
    tally["uploads"] = upload_codes
    tally["streams_ended"] = sum(1 for c in unread if c.done())
    for call in unread:
        call.cancel()
    await asyncio.gather(*(c.close(None) for c in chans))
    report.update(tally)


async def _window(
    target: str, user: driver.Account, session_id: int, rate: float, seconds: float
) -> tuple[LoopResult, LoopResult]:
    """SendMsg and Ping, each at ``rate`` per second for ``seconds``, from one connection."""
    async with channels(target, 1) as (channel,):
        send = unary(
            channel, driver.SEND_MSG_METHOD, driver.send_request(session_id), user.metadata
        )
        ping = unary(channel, driver.PING_METHOD, b"")

        async def fire_send(_: int) -> object:
            return await send()

        async def fire_ping(_: int) -> object:
            return await ping()

        sends, pings = await asyncio.gather(
            open_loop(fire_send, rate, seconds, 100_000),
            open_loop(fire_ping, rate, seconds, 100_000),
        )
    return sends, pings


def _open_streams(server: procs.ServerProcess) -> int:
    url = f"http://{procs.HOST}:{server.port}/metrics"
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode()
    for line in body.splitlines():
        if line.startswith("ourchat_open_streams "):
            return int(float(line.split()[1]))
    return -1


async def start_server(
    root: Path, log_dir: Path, extra_env: dict[str, str] | None = None
) -> procs.ServerProcess:
    """Figure 8's server: ourchat with its default limits (``extra_env`` may change them)."""
    return await procs.start_ourchat(
        "ourchat-abuse", root / "abuse", log_dir, limits_off=False, extra_env=extra_env
    )


async def abuse(
    root: Path,
    log_dir: Path,
    mode: Mode,
    server: procs.ServerProcess | None = None,
    label: str = "default limits",
) -> list[Figure]:
    """Figure 8 on a fresh server (``server`` if already started)."""
    server = server or await start_server(root, log_dir)
    notes = (
        f"{label}; another user's SendMsg and Ping, each at {mode.health_rate:g}/s for "
        f"{mode.health_window_s:g} s, alone and while one account holds {mode.abuse_streams:,} "
        f"FetchMsgs streams it never reads (over {ABUSER_CONNECTIONS} connections), "
        f"{mode.abuse_uploads} streamed Uploads declaring 19 MB that send nothing, and sends "
        "messages to its own session back to back (each one fans out to all its streams)"
    )
    figs = {
        (kind, q): Figure(
            key=f"abuse_{kind}_{q}",
            title=f"Another user's {'SendMsg' if kind == 'send' else 'Ping'} {q} under abuse "
            "(vs without)",
            unit="ms",
            higher_is_better=False,
            baseline_label="no abuse",
            notes=notes,
        )
        for kind in ("send", "ping")
        for q in ("p99", "p50")
    }
    context = multiprocessing.get_context("spawn")
    try:
        abuser, victim, friend, other = await driver.register(server.target, 4, "abuse")
        victim_session = await driver.befriend(server.target, victim, friend)
        abuser_session = await driver.befriend(server.target, abuser, other)
        extra: list[dict[str, Any]] = []
        for _ in range(mode.reps):
            quiet = await _window(
                server.target, victim, victim_session, mode.health_rate, mode.health_window_s
            )
            ready, stop = context.Event(), context.Event()
            with context.Manager() as manager:
                report = manager.dict()
                proc = context.Process(
                    target=abuser_main,
                    args=(
                        server.target,
                        abuser.token,
                        abuser_session,
                        mode.abuse_streams,
                        mode.abuse_uploads,
                        ready,
                        stop,
                        report,
                    ),
                )
                proc.start()
                try:
                    await asyncio.to_thread(ready.wait, 120)
                    held = await asyncio.to_thread(_open_streams, server)
                    busy = await _window(
                        server.target,
                        victim,
                        victim_session,
                        mode.health_rate,
                        mode.health_window_s,
                    )
                finally:
                    stop.set()
                    await asyncio.to_thread(proc.join, 60)
                    if proc.is_alive():
                        proc.kill()
                tally = dict(report)
            for (kind, q), fig in figs.items():
                index = 0 if kind == "send" else 1
                key = f"{q}_ms"
                fig.bare.append(latency_summary(quiet[index].latencies_s)[key])
                fig.ourchat.append(latency_summary(busy[index].latencies_s)[key])
            extra.append(
                {
                    "abuser": tally,
                    "server_open_streams": held,
                    "victim_errors": [
                        r.first_error for r in (*quiet, *busy) if r.first_error is not None
                    ],
                }
            )
        for fig in figs.values():
            fig.extra["repetitions"] = extra
    finally:
        server.stop()
    return [
        figs[("send", "p99")],
        figs[("ping", "p99")],
        figs[("send", "p50")],
        figs[("ping", "p50")],
    ]
