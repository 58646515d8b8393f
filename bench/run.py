"""One benchmark run: start the servers, measure every figure, judge the targets.

A figure that fails is recorded as a problem and the run goes on with the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import platform
import subprocess
import tempfile
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc

from bench import (
    abuse,
    driver,
    figures,
    health,
    holders,
    idle,
    oneport,
    procs,
    profile,
    replay,
    targets,
)
from bench.figures import World
from bench.loops import describe
from bench.modes import Mode
from bench.report import figure_line
from bench.results import Figure, RunResult

Say = Callable[[str], None]
KIB = 1024
#: The parts of a run that ``--only`` can pick.
FIGURE_NAMES = (
    "send",
    "fanout",
    "latency",
    "replay",
    "idle",
    "auth",
    "abuse",
    "oneport",
    "extended",
)


@dataclass(frozen=True)
class Options:
    """What to run and where to write."""

    mode: Mode
    out_dir: Path
    profile: bool
    pg_url: str
    redis_url: str
    only: frozenset[str] = frozenset(FIGURE_NAMES)


def cpu_times() -> list[int] | None:
    """The machine's CPU time counters (``/proc/stat``'s first line), or None off Linux."""
    try:
        with open("/proc/stat") as stat:
            return [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def steal_share(before: list[int] | None, after: list[int] | None) -> float | None:
    """Share of all CPU time between two :func:`cpu_times` the hypervisor gave elsewhere."""
    if before is None or after is None or len(before) < 8 or len(after) < 8:
        return None
    spent = [b - a for a, b in zip(before[:8], after[:8], strict=True)]
    total = sum(spent)
    return spent[7] / total if total > 0 else None


def environment(mode: Mode) -> dict[str, object]:
    """The machine and code a run measured."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
            )
        except OSError:
            return ""
        return done.stdout.strip()

    return {
        "cpus": os.cpu_count(),
        "machine_note": "shared machine; other work may run at the same time",
        "platform": platform.platform(),
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "src")),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "setup_note": (
            "Servers run as separate processes on 127.0.0.1; this process is the client. "
            "Servers used for figures 1-5 hash passwords with cheap Argon2 settings "
            f"({', '.join(f'{k}={v}' for k, v in procs.CHEAP_ARGON2.items())}) so that "
            "registering the test users is quick; figure 6 "
            "uses ourchat's default Argon2 cost. Every ourchat server but figure 8's runs with its "
            "per-user and "
            f"per-address limits off ({', '.join(f'{k}={v}' for k, v in procs.NO_LIMITS.items())})"
            ": "
            "the benchmark sends from few accounts and one address, with up to 100 streams per "
            "account. "
            + (
                "Quick mode: one repetition, short windows, "
                f"{mode.idle_streams:,} idle streams instead of 50,000, "
                f"{mode.replay_events:,} stored events to replay instead of 100,000."
                if mode.name == "quick"
                else f"Each figure is the median of {mode.reps} repetitions, but figure 4 "
                f"({mode.idle_reps} repetition of {mode.idle_streams:,} streams) and figure 7 "
                "(one repetition each)."
            )
        ),
    }


@contextlib.asynccontextmanager
async def _step(result: RunResult, what: str, say: Say) -> AsyncIterator[None]:
    """Record a failing figure as a problem instead of ending the run."""
    started = time.perf_counter()
    say(f"# {what} ...")
    try:
        yield
    except Exception as exc:
        where = next(
            (
                f"{Path(f.filename).name}:{f.lineno}"
                for f in reversed(traceback.extract_tb(exc.__traceback__))
                if "/bench/" in f.filename
            ),
            "?",
        )
        problem = f"{what}: {describe(exc)} (at {where})"
        result.problems.append(problem)
        say(f"# FAILED {problem}")
    else:
        say(f"# {what} done in {time.perf_counter() - started:.1f} s")


def _add(result: RunResult, figs: list[Figure], say: Say, info: bool = False) -> None:
    (result.informational if info else result.figures).extend(figs)
    for fig in figs:
        print(figure_line(fig), flush=True)


def _label(figs: list[Figure], prefix: str, label: str) -> list[Figure]:
    for fig in figs:
        fig.key = f"{prefix}_{fig.key}"
        fig.title = f"[{label}] {fig.title}"
    return figs


async def _replay(
    bare_target: str,
    server: procs.ServerProcess,
    database_url: str,
    world: World,
    mode: Mode,
) -> Figure:
    """Figure 5: stop the server, store the events, start it again, replay."""
    sender, receiver, session_id = world.pairs[0]
    server.stop()
    started = time.perf_counter()
    since = await replay.seed_messages(database_url, session_id, sender.id, mode.replay_events)
    fig = replay.replay_figure(mode, time.perf_counter() - started)
    server.start()
    await server.wait_ready(driver.PING_METHOD, b"")
    received = []
    for _ in range(mode.reps):
        rate, _count, error = await replay.replay_bare(bare_target, mode.replay_events)
        fig.bare.append(rate)
        rate, count, error = await replay.replay_ourchat(
            server.target, receiver, since, mode.replay_events
        )
        fig.ourchat.append(rate)
        received.append(count)
        if error:
            fig.extra["error"] = error
    fig.extra["received"] = received
    return fig


async def _suite(
    result: RunResult,
    bare_target: str,
    server: procs.ServerProcess,
    database_url: str | None,
    mode: Mode,
    say: Say,
    label: tuple[str, str] | None = None,
    after_latency: Callable[[World], Awaitable[None]] | None = None,
    only: frozenset[str] = frozenset(FIGURE_NAMES),
) -> None:
    """Figures 1, 2, 3 (and 5 when ``database_url`` is given) on one ourchat server."""
    info = label is not None
    if not only & {"send", "fanout", "latency", "replay"}:
        return

    def named(figs: list[Figure]) -> list[Figure]:
        return _label(figs, *label) if label else figs

    world = await figures.build_world(server.target, mode)
    max_rate = float("nan")
    if "send" in only:
        async with _step(result, "send throughput", say):
            send_figs = await figures.send_throughput(bare_target, world, mode)
            max_rate = send_figs[0].ourchat_median
            _add(result, named(send_figs), say, info)
    if "fanout" in only:
        async with _step(result, "group fan-out", say):
            _add(result, named(await figures.group_fanout(bare_target, world, mode)), say, info)
    if "latency" in only:
        async with _step(result, "latency", say):
            rate = max_rate if max_rate == max_rate else 200.0  # NaN without figure 1
            _add(result, named(await figures.latency(bare_target, world, mode, rate)), say, info)
    if after_latency is not None:
        await after_latency(world)
    if database_url is not None and "replay" in only:
        async with _step(result, "replay", say):
            fig = await _replay(bare_target, server, database_url, world, mode)
            _add(result, named([fig]), say, info)


@contextlib.asynccontextmanager
async def _pg_database(base_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database next to ``base_url``'s, dropped afterwards."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    admin = make_url(base_url).set(drivername="postgresql+asyncpg")
    name = f"ourchat_bench_{uuid.uuid4().hex[:10]}"

    async def execute(statement: str) -> None:
        engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(statement))
        finally:
            await engine.dispose()

    await execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        await execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _extended(
    result: RunResult, bare_target: str, root: Path, opts: Options, say: Say
) -> None:
    """Figure 7: PostgreSQL, then two workers sharing PostgreSQL and Redis (one repetition)."""
    mode = dataclasses.replace(opts.mode, reps=1)
    log_dir = opts.out_dir / "logs"
    async with _step(result, "PostgreSQL", say), _pg_database(opts.pg_url) as url:
        server = await procs.start_ourchat(
            "ourchat-postgres", root / "pg", log_dir, database_url=url
        )
        try:
            await _suite(result, bare_target, server, url, mode, say, ("pg", "PostgreSQL"))
        finally:
            server.stop()
    async with _step(result, "--workers 2 + Redis", say), _pg_database(opts.pg_url) as url:
        server = await procs.start_ourchat(
            "ourchat-workers2",
            root / "workers",
            log_dir,
            database_url=url,
            redis_url=opts.redis_url,
            workers=2,
            extra_env={"OURCHAT_REDIS_CHANNEL_PREFIX": f"bench-{uuid.uuid4().hex[:8]}"},
        )
        try:
            await _suite(result, bare_target, server, None, mode, say, ("w2", "2 workers + Redis"))
        finally:
            server.stop()


async def run(opts: Options, say: Say) -> tuple[RunResult, str | None]:
    """Measure everything ``opts.mode`` asks for; returns the result and a profile section."""
    mode = opts.mode
    started = time.perf_counter()
    cpu_before = cpu_times()
    result = RunResult(mode=mode.name, environment=environment(mode))
    log_dir = opts.out_dir / "logs"
    profile_md: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ourchat-bench-") as tmp:
        root = Path(tmp)
        data_dir = root / "sqlite"
        # Every server a run needs first is started at once; the later ones stay idle
        # (and fresh) until their figure.
        launched = await asyncio.gather(
            procs.start_bare(log_dir),
            procs.start_ourchat("ourchat-sqlite", data_dir, log_dir),
            procs.start_bare(log_dir, "bare-idle"),
            idle.start_idle_ourchat(root, log_dir, "0"),
            health.start_server(root, log_dir),
            return_exceptions=True,
        )
        servers = [s for s in launched if isinstance(s, procs.ServerProcess)]
        try:
            failed = [s for s in launched if isinstance(s, BaseException)]
            if failed:
                raise failed[0]
            bare_server, server, bare_idle, ourchat_idle, health_server = servers

            async def do_profile(world: World) -> None:
                if opts.profile:
                    async with _step(result, "profile", say):
                        profile_md.extend(
                            await profile.profile_server(server, world, mode, opts.out_dir)
                        )

            try:
                await _suite(
                    result,
                    bare_server.target,
                    server,
                    replay.sqlite_url(data_dir),
                    mode,
                    say,
                    after_latency=do_profile,
                    only=opts.only,
                )
            finally:
                server.stop()
            if "idle" in opts.only:
                async with _step(result, "idle streams", say):
                    _add(result, await _idle(root, log_dir, mode, bare_idle, ourchat_idle), say)
            if "auth" in opts.only:
                async with _step(result, "Auth burst", say):
                    figs = await health.auth_burst(root, log_dir, mode, health_server)
                    _add(result, figs, say)
            if "abuse" in opts.only:
                async with _step(result, "abuse", say):
                    _add(result, await abuse.abuse(root, log_dir, mode), say)
            if "oneport" in opts.only:
                async with _step(result, "one port and gRPC-Web", say):
                    _add(result, await oneport.oneport(root, log_dir, mode), say)
            if mode.extended and "extended" in opts.only:
                await _extended(result, bare_server.target, root, opts, say)
        finally:
            for srv in servers:
                srv.stop()
    result.targets = [
        {"name": t.name, "rule": t.rule, "verdict": t.verdict(), "detail": t.detail}
        for t in targets.evaluate(result, mode)
    ]
    result.environment["load_after"] = [round(x, 2) for x in os.getloadavg()]
    steal = steal_share(cpu_before, cpu_times())
    result.environment["cpu_steal"] = None if steal is None else round(steal, 4)
    result.environment["duration_s"] = time.perf_counter() - started
    return result, "\n".join(profile_md) or None


async def _idle(
    root: Path,
    log_dir: Path,
    mode: Mode,
    bare_server: procs.ServerProcess,
    ourchat_server: procs.ServerProcess,
) -> list[Figure]:
    """Figure 4 and the rate of stream opens, each repetition on fresh servers."""
    per_channel = max(1, mode.idle_streams // mode.idle_users)
    fig = Figure(
        key="stream_rss",
        title=f"Server memory per idle stream ({mode.idle_streams:,} FetchMsgs streams)",
        unit="KiB/stream",
        higher_is_better=False,
        notes=(
            f"fresh server per repetition; {mode.idle_users} users with {per_channel} streams "
            f"each on one connection per user, held by {holders.STREAMS_PER_HOLDER:,}-stream "
            f"client processes and opened {idle.OPEN_STEP} at a time, each step waiting until "
            "the server counts them open (ourchat: ourchat_open_streams on /metrics); growth "
            "of the server's RSS (VmRSS) once every stream received one event, divided by "
            "the streams the server has open; bare: as many Subscribe streams. A stream "
            f"without the event after {mode.live_timeout_s:g} s counts as hung"
        ),
    )
    details = []
    opens: dict[str, list[float]] = {"bare": [], "ourchat": []}
    for rep in range(mode.idle_reps):
        last = rep == mode.idle_reps - 1
        b = await idle.idle_bare(
            log_dir, mode, per_channel, bare_server if rep == 0 else None, with_storm=last
        )
        o = await idle.idle_ourchat(
            root, log_dir, mode, str(rep), ourchat_server if rep == 0 else None, with_storm=last
        )
        fig.bare.append(b.per_stream / KIB)
        fig.ourchat.append(o.per_stream / KIB)
        opens["bare"].append(b.open_rate)
        opens["ourchat"].append(o.open_rate)
        details.append({"ourchat": dataclasses.asdict(o), "bare": dataclasses.asdict(b)})
    fig.extra.update(
        streams=mode.idle_streams,
        ourchat_live=[d["ourchat"]["live"] for d in details],
        ourchat_failed=[d["ourchat"]["failed"] for d in details],
        ourchat_server_open=[d["ourchat"]["server_open"] for d in details],
        bare_live=[d["bare"]["live"] for d in details],
        bare_server_open=[d["bare"]["server_open"] for d in details],
        ourchat_open_per_s=[round(o, 1) for o in opens["ourchat"]],
        bare_open_per_s=[round(o, 1) for o in opens["bare"]],
        ourchat_stalls=[d["ourchat"]["stalls"] for d in details],
        repetitions=details,
    )
    opened = Figure(
        key="stream_opens",
        title="New FetchMsgs streams per second while opening the idle streams",
        unit="streams/s",
        higher_is_better=True,
        ourchat=opens["ourchat"],
        bare=opens["bare"],
        notes=(
            "from figure 4: streams the server counted open divided by the time to open "
            f"them all, {idle.OPEN_STEP} at a time (each step waits for the server)"
        ),
    )
    figs = [fig, opened]
    if o.storm and b.storm:
        figs.append(
            Figure(
                key="stream_storm",
                title=(
                    f"Streams left hanging when {o.storm[0]:,} open at "
                    f"{mode.storm_per_s:,.0f}/s right after {mode.idle_streams:,} closed"
                ),
                unit="% hung",
                higher_is_better=False,
                ourchat=[100 * (1 - o.storm[1] / o.storm[0])],
                bare=[100 * (1 - b.storm[1] / b.storm[0])],
                notes=(
                    "after figure 4's last repetition, on the same servers, once their count "
                    "of open streams has settled: the streams are opened at a fixed "
                    f"{mode.storm_per_s:,.0f}/s, as clients reconnecting after a restart would; "
                    "a stream the server never counts open (no handler runs, no error reaches "
                    "the client) is hung"
                ),
                extra={"ourchat": list(o.storm), "bare": list(b.storm)},
            )
        )
    return figs
