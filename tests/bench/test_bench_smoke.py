"""Smoke test of the benchmark harness: its pieces run, on tiny loads; no performance asserted."""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from bench import bare, driver, oneport, replay
from bench.loops import Flow, close_all, closed_loop, open_loop, open_stream, unary, wait_counts
from bench.modes import QUICK
from bench.report import figure_line, summary, write_all
from bench.results import Figure, RunResult
from bench.stats import at_least, at_most, below, latency_summary, median, percentile, ratio
from bench.targets import evaluate
from ourchat.config import Settings
from ourchat.server.app import OurChatServer


@pytest.fixture
async def bare_target() -> AsyncIterator[str]:
    server, port = await bare.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        await server.stop(grace=0)


async def test_bare_echo_loop_counts_calls(bare_target: str) -> None:
    async with grpc.aio.insecure_channel(bare_target) as channel:
        result = await closed_loop([unary(channel, bare.ECHO, b"x" * 100)], 4, 0.3, 10_000)
        assert (await unary(channel, bare.ECHO, b"ping")()) == b"ping"
    assert result.ok > 0
    assert result.errors == 0
    assert result.elapsed_s > 0


async def test_bare_fanout_publish_reaches_every_subscriber_under_flow_control(
    bare_target: str,
) -> None:
    async with grpc.aio.insecure_channel(bare_target) as channel:
        readers = [open_stream(channel, bare.SUBSCRIBE, b"g") for _ in range(3)]
        publish = unary(channel, bare.PUBLISH, bare.publish_request(b"g", b"event"))
        for _ in range(100):  # subscribers register asynchronously
            await publish()
            if await wait_counts(readers, [1, 1, 1], 0.05):
                break
        flow = Flow(fanout=3, limit=6)
        base = sum(r.count for r in readers)
        for r in readers:
            r.flow = flow
        sent = await closed_loop([publish], 2, 0.3, 50, flow)
        assert await wait_counts(readers, [r.count for r in readers], 1.0)
        for _ in range(100):
            if flow.backlog() <= 0:
                break
            await wait_counts(readers, [base + 3 * sent.ok] * 3, 0.05)
        assert sent.ok > 0
        assert flow.delivered == 3 * sent.ok
        assert sum(r.count for r in readers) == base + 3 * sent.ok
        await close_all(readers)
        assert all(r.error is None for r in readers)


async def test_bare_replay_and_open_loop(bare_target: str) -> None:
    async with grpc.aio.insecure_channel(bare_target) as channel:
        reader = open_stream(channel, bare.REPLAY, bare.replay_request(250))
        assert await wait_counts([reader], [250], 5.0)
        await reader.close()
        echo = unary(channel, bare.ECHO, b"x")

        async def fire(_: int) -> object:
            return await echo()

        result = await open_loop(fire, rate=100, duration_s=0.2, max_count=20)
    assert reader.count == 250
    assert result.ok == 20
    assert len(result.latencies_s) == 20


async def test_seeded_events_are_replayed_to_a_reconnecting_member(settings: Settings) -> None:
    first = OurChatServer(settings)
    await first.start()
    try:
        target = f"127.0.0.1:{first.port}"
        alice, bob = await driver.register(target, 2, "smoke")
        session_id = await driver.befriend(target, alice, bob)
        group_id = await driver.group(target, alice, [bob, *await driver.register(target, 2, "g")])
    finally:
        await first.stop(grace=0)
    since = await replay.seed_messages(settings.resolved_database_url, session_id, alice.id, 30)
    # Like the benchmark: the server is started again on the seeded database.
    second = OurChatServer(settings.model_copy(update={"port": 0}))
    await second.start()
    try:
        rate, count, error = await replay.replay_ourchat(f"127.0.0.1:{second.port}", bob, since, 30)
    finally:
        await second.stop(grace=0)
    assert (count, error) == (30, None)
    assert rate > 0
    assert group_id > 0


async def test_one_port_and_grpc_web_rates_on_both_paths(settings: Settings) -> None:
    limits_off = {"send_msgs_per_user_per_minute": 0.0}
    server = OurChatServer(settings.model_copy(update=limits_off))
    await server.start()
    try:
        public, internal = f"127.0.0.1:{server.port}", f"127.0.0.1:{server.grpc_port}"
        alice, bob = await driver.register(public, 2, "oneport")
        session = await driver.befriend(public, alice, bob)
        request = driver.send_request(session)
        rates = [
            await oneport.native_rate(target, driver.SEND_MSG_METHOD, request, alice.metadata, 0.2)
            for target in (public, internal)
        ]
        times = await oneport.send_latencies(internal, alice, session, count=5)
        web = await oneport.web_unary_rate(f"http://{public}", 0.2)
        native = await oneport.native_rate(public, oneport.GET_SERVER_INFO, b"", (), 0.2)
        web_stream = await oneport.web_stream_rate(
            f"http://{public}", public, alice, bob, session, count=20
        )
        native_stream = await oneport.native_stream_rate(public, alice, bob, session, count=20)
    finally:
        await server.stop(grace=0)
    assert min(rates) > 0
    assert len(times) == 5
    assert min(times) > 0
    assert min(web, native, web_stream, native_stream) > 0


def test_stats_helpers() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([0, 10], 90) == pytest.approx(9)
    assert math.isnan(percentile([], 50))
    summary_ms = latency_summary([0.001, 0.002, 0.003])
    assert summary_ms["p50_ms"] == pytest.approx(2.0)
    assert summary_ms["count"] == 3
    assert median([3.0, math.nan, 1.0, 2.0]) == 2.0
    assert math.isnan(ratio(1.0, 0.0))
    assert at_least("a", 0.6, 0.5, "r").met is True
    assert at_most("b", 2.5, 2.0, "r").met is False
    assert below("c", math.nan, 2.0, "r").verdict() == "not measured"


def _synthetic() -> RunResult:
    result = RunResult(mode="quick", environment={"cpus": 2, "load_before": [0.1, 0.2, 0.3]})
    result.figures = [
        Figure("send_throughput", "Send", "calls/s", True, [600.0], [1000.0]),
        Figure("fanout_10", "Fan-out 10", "deliveries/s", True, [400.0], [1000.0]),
        Figure(
            "latency_low_p99",
            "p99",
            "ms",
            False,
            [3.0],
            [2.0],
            extra={"rate": 20.0, "curve_percentiles": [50.0, 99.0], "curves_ms": {"bare": [1, 2]}},
        ),
        Figure("replay", "Replay", "events/s", True, [60_000.0], [math.nan]),
        Figure("abuse_send_p99", "abuse", "ms", False, [30.0], [10.0], baseline_label="no abuse"),
        Figure("abuse_ping_p99", "abuse", "ms", False, [15.0], [10.0], baseline_label="no abuse"),
        Figure("oneport_send", "one port", "calls/s", True, [95.0], [100.0]),
        Figure("grpc_web_unary", "gRPC-Web", "calls/s", True, [50.0], [100.0]),
    ]
    return result


def test_report_writes_json_markdown_and_a_summary(tmp_path: Path) -> None:
    result = _synthetic()
    result.targets = [
        {"name": t.name, "rule": t.rule, "verdict": t.verdict(), "detail": t.detail}
        for t in evaluate(result, QUICK)
    ]
    verdicts = {t["name"]: t["verdict"] for t in result.targets}
    assert verdicts["send"] == "met"
    assert verdicts["fanout_10"] == "not met"
    assert verdicts["latency_low_p99"] == "met"
    assert verdicts["replay"] == "not measured"
    assert verdicts["auth_burst"] == "not measured"
    assert (verdicts["abuse_send"], verdicts["abuse_ping"]) == ("not met", "met")
    assert verdicts["one_port"] == "met"
    assert verdicts["grpc_web_unary"] == "met"
    details_ = {t["name"]: t["detail"] for t in result.targets}
    assert details_["abuse_send"] == "3 (needs <= 2)"
    assert details_["grpc_web_unary"] == "50 calls/s gRPC-Web, 100 native (0.50x)"
    json_path = write_all(result, tmp_path, "profile text")
    data = json.loads(json_path.read_text())
    assert [f["key"] for f in data["figures"]][:2] == ["send_throughput", "fanout_10"]
    assert (
        "| One hostile account raises another's SendMsg p99 <= 2x | not met |"
        in (tmp_path / "report.md").read_text()
    )
    assert data["figures"][3]["bare_median"] is None
    report = (tmp_path / "report.md").read_text()
    assert "Send" in report
    assert "profile text" in report
    if importlib.util.find_spec("matplotlib") is not None:
        assert (tmp_path / "throughput.png").stat().st_size > 0
        assert (tmp_path / "latency.png").stat().st_size > 0
    line = json.dumps(summary(result, json_path))
    assert json.loads(line)["figures"]["send_throughput"]["ratio"] == pytest.approx(0.6)
    assert "ratio 0.60x" in figure_line(result.figures[0])


def test_profile_summary_of_raw_stacks() -> None:
    from bench import profile

    raw = "\n".join(
        [
            "thread (1): MainThread;run (asyncio/runners.py:1);handle (ourchat/rpc/x.py:3) 30",
            "thread (1): MainThread;run (asyncio/runners.py:1);EpollSelector.select (s.py:9) 50",
            "thread (2): Thread-1 (_connection_worker_thread);run (aiosqlite/core.py:5) 20",
        ]
    )
    summary_ = profile.summarise(raw)
    assert summary_.samples == 100
    assert summary_.threads["aiosqlite worker"] == 20
    assert summary_.idle["MainThread (event loop)"] == 50
    assert summary_.loop_ourchat["handle (ourchat/rpc/x.py)"] == 30
    text = profile.to_markdown("t", raw, seconds=1.0)
    assert "15.0% handle (ourchat/rpc/x.py)" in text


def test_extended_targets_compare_ratios_to_bare() -> None:
    from bench.modes import FULL

    result = _synthetic()
    result.informational = [
        Figure("pg_send_throughput", "pg", "calls/s", True, [450.0], [1000.0]),
        Figure("w2_send_throughput", "w2", "calls/s", True, [300.0], [500.0]),
    ]
    by_name = {t.name: t for t in evaluate(result, FULL)}
    # PostgreSQL 0.45x bare vs SQLite 0.6x bare: 0.75 of SQLite, under 0.8.
    assert by_name["pg_send_throughput"].met is False
    assert by_name["pg_send_throughput"].detail.startswith("0.75 (needs >= 0.8)")
    # Two workers 0.6x bare vs one worker on PostgreSQL 0.45x: more.
    assert by_name["w2_send_throughput"].met is True
    assert by_name["pg_fanout_100"].verdict() == "not measured"
    assert by_name["storm"].verdict() == "not measured"


def test_cpu_steal_share_is_measured_and_reported(tmp_path: Path) -> None:
    from bench.run import cpu_times, steal_share

    # user nice system idle iowait irq softirq steal
    before = [100, 0, 50, 800, 0, 0, 0, 50]
    after = [300, 0, 100, 1400, 0, 0, 0, 200]
    assert steal_share(before, after) == pytest.approx(150 / 1000)
    assert steal_share(None, after) is None
    assert steal_share(before, before) is None
    now = cpu_times()
    if now is not None:  # Linux
        assert len(now) >= 8
    result = _synthetic()
    result.environment["cpu_steal"] = 0.15
    write_all(result, tmp_path, None)
    report = (tmp_path / "report.md").read_text()
    assert "CPU time taken by the hypervisor (steal) during the run 15.0 %" in report
