"""Figure 6: does password hashing stall the event loop? SendMsg latency with and without Auth.

Runs on its own server with the real default Argon2 cost. A sender sends at a steady rate to
a friend who streams; its SendMsg latencies (call to response) are measured alone, then while
``auth_burst`` clients log in over and over.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench import driver, procs
from bench.loops import LoopResult, channels, close_all, closed_loop, open_loop, open_stream, unary
from bench.modes import Mode
from bench.results import Figure
from bench.stats import latency_summary
from ourchat._pb.service.auth.authorize.v1.authorize_pb2 import AuthRequest
from ourchat._pb.service.auth.v1 import auth_pb2

AUTH_METHOD = f"/{auth_pb2.DESCRIPTOR.services_by_name['AuthService'].full_name}/Auth"


async def _window(
    target: str,
    sender: driver.Account,
    session_id: int,
    rate: float,
    duration: float,
    burst: list[driver.Account],
) -> tuple[LoopResult, LoopResult | None]:
    """SendMsg at ``rate`` for ``duration``; logins of ``burst`` (one loop each) meanwhile."""
    async with channels(target, 1 + len(burst)) as (send_ch, *auth_chans):
        send = unary(
            send_ch, driver.SEND_MSG_METHOD, driver.send_request(session_id), sender.metadata
        )

        async def fire(_: int) -> object:
            return await send()

        logins = [
            unary(
                ch,
                AUTH_METHOD,
                AuthRequest(email=a.email, password=driver.PASSWORD).SerializeToString(),
            )
            for ch, a in zip(auth_chans, burst, strict=True)
        ]
        if not logins:
            return await open_loop(fire, rate, duration, 100_000), None
        auth_task = asyncio.create_task(closed_loop(logins, 1, duration + 0.5, 100_000))
        await asyncio.sleep(0.5)  # let the burst reach full swing first
        sends = await open_loop(fire, rate, duration, 100_000)
        return sends, await auth_task


async def start_server(root: Path, log_dir: Path) -> procs.ServerProcess:
    """The server of figure 6: ourchat with its default Argon2 cost."""
    return await procs.start_ourchat(
        "ourchat-argon2-default", root / "health", log_dir, cheap_argon2=False
    )


async def auth_burst(
    root: Path, log_dir: Path, mode: Mode, server: procs.ServerProcess | None = None
) -> list[Figure]:
    """Figure 6 on a fresh server with default Argon2 settings (``server`` if started)."""
    server = server or await start_server(root, log_dir)
    p99 = Figure(
        key="auth_burst_p99",
        title="SendMsg p99 during an Auth burst (vs without)",
        unit="ms",
        higher_is_better=False,
        baseline_label="no burst",
        notes=(
            f"default Argon2 cost; SendMsg at {mode.health_rate:g}/s for "
            f"{mode.health_window_s:g} s, alone and while {mode.auth_burst} clients log in "
            "back to back"
        ),
    )
    p50 = Figure(
        key="auth_burst_p50",
        title="SendMsg p50 during an Auth burst (vs without)",
        unit="ms",
        higher_is_better=False,
        baseline_label="no burst",
        notes=p99.notes,
    )
    try:
        started = time.perf_counter()
        sender, receiver, *burst = await driver.register(server.target, 2 + mode.auth_burst, "h")
        register_s = (time.perf_counter() - started) / (2 + mode.auth_burst)
        session_id = await driver.befriend(server.target, sender, receiver)
        since = await driver.server_time_us(server.target)
        async with channels(server.target, 1) as (recv_ch,):
            reader = open_stream(
                recv_ch, driver.FETCH_MSGS_METHOD, driver.fetch_request(since), receiver.metadata
            )
            try:
                auth_rates = []
                errors = []
                for _ in range(mode.reps):
                    quiet, _none = await _window(
                        server.target,
                        sender,
                        session_id,
                        mode.health_rate,
                        mode.health_window_s,
                        [],
                    )
                    busy, logins = await _window(
                        server.target,
                        sender,
                        session_id,
                        mode.health_rate,
                        mode.health_window_s,
                        burst,
                    )
                    for fig, q in ((p50, "p50_ms"), (p99, "p99_ms")):
                        fig.bare.append(latency_summary(quiet.latencies_s)[q])
                        fig.ourchat.append(latency_summary(busy.latencies_s)[q])
                    assert logins is not None
                    auth_rates.append(logins.rate)
                    errors += [
                        e for e in (quiet.first_error, busy.first_error, logins.first_error) if e
                    ]
            finally:
                await close_all([reader])
        p99.extra.update(
            auth_per_s=auth_rates,
            register_s_each=register_s,
            first_errors=errors[:3],
            stream_error=reader.error,
        )
    finally:
        server.stop()
    return [p99, p50]
