"""The admin panel's metrics page: live figures and charts of the stored snapshots."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from ourchat.clock import US_PER_SECOND
from ourchat.config import Settings
from ourchat.domain import server_roles
from ourchat.server.app import OurChatServer
from ourchat.storage import server_metrics as metrics_store
from tests.browser.conftest import NewPage
from tests.browser.helpers import register, tab

Shot = Callable[[Any, str], Awaitable[Path]]
POINTS = 12
STEP_S = 300


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No snapshot of the server's own during the test: the stored ones are the test's."""
    return settings.model_copy(update={"metrics_snapshot_interval_seconds": 7 * 86_400.0})


def snapshot(k: int) -> dict[str, Any]:
    """The figures of the k-th stored snapshot (k = 0 is the oldest)."""
    return {
        "active_connections": k % 4,
        "total_users": 10 + k,
        "messages_per_second": k / 4,
        "uptime_seconds": 60 * k,
        "total_sessions": 3 + k // 2,
        "active_sessions": k % 3,
        "database_connections": 2,
        "bus_connections": 1,
        "cpu_usage_percent": 5.0 * k,
        "memory_usage_percent": 40.0 + k,
        "disk_usage_percent": None if k == 5 else 70.0,
        "processes": 1,
        "live_tasks": 20,
        "loop_lag_us": 100,
    }


async def test_metrics_chart_every_stored_series(
    new_page: NewPage, server: OurChatServer, shot: Shot
) -> None:
    now = server.clock.now_us()
    async with server.deps.db.write() as conn:
        for k in range(POINTS):
            ts = now - ((POINTS - k) * STEP_S - 150) * US_PER_SECOND  # all within the hour
            assert await metrics_store.add_snapshot(conn, ts, snapshot(k))
        # Outside the last hour: not drawn.
        await metrics_store.add_snapshot(conn, now - 2 * 3600 * US_PER_SECOND, snapshot(99))

    admin = await new_page()
    ocid = await register(admin, "Admin")
    assert await server_roles.grant_by_ocid(server.deps.db, ocid)
    await admin.reload()
    await tab(admin, "Admin")
    await (
        admin.get_by_role("navigation", name="Admin").get_by_role("button", name="Metrics").click()
    )
    panel = admin.locator(".admin .panel")
    await panel.get_by_test_id("live-figures").wait_for()

    expected = {
        "activity": ["Connections", "Active sessions", "Database connections", "Bus connections"],
        "totals": ["Users", "Sessions"],
        "messages": ["Messages per second"],
        "system": ["CPU", "Memory", "Disk"],
    }
    for chart, labels in expected.items():
        figure = panel.get_by_test_id(f"chart-{chart}")
        await figure.wait_for()
        lines = figure.locator("svg[role=img] path.line")
        assert [await p.get_attribute("data-series") for p in await lines.all()] == labels
        for line in await lines.all():
            # One point per snapshot of the hour; Disk has a gap, where its line breaks.
            d = str(await line.get_attribute("d"))
            gap = await line.get_attribute("data-series") == "Disk"
            assert (d.count("M"), d.count("L")) == ((2, POINTS - 3) if gap else (1, POINTS - 1))
        legend = await figure.locator(".legend li").all_inner_texts()
        assert [text.split("\n")[0].strip() for text in legend] == labels

    # The accessible name says what the chart shows, with figures.
    users = panel.get_by_role("img", name="Accounts and sessions")
    name = str(await users.get_attribute("aria-labelledby"))
    assert name == "totals-title totals-desc"
    desc = str(await panel.locator("#totals-desc").text_content())
    assert "Users: latest 21, lowest 10, highest 21" in desc
    assert "Sessions: latest 8, lowest 3, highest 8" in desc
    system = str(await panel.locator("#system-desc").text_content())
    assert "CPU: latest 55, lowest 0, highest 55" in system
    # Percentages are drawn on a 0-100 scale; counts on a rounded-up one.
    assert (
        await panel.get_by_test_id("chart-system").locator(".grid text").last.text_content()
        == "100"
    )
    assert (
        await panel.get_by_test_id("chart-totals").locator(".grid text").last.text_content() == "50"
    )

    # The data table has every snapshot of the hour, oldest first.
    await panel.get_by_text("Data table").click()
    table = panel.get_by_test_id("metrics-table")
    rows = table.locator("tbody tr")
    assert await rows.count() == POINTS
    headers = await table.locator("thead th").all_inner_texts()
    users_col = headers.index("Users")
    disk_col = headers.index("Disk")
    cells = [await r.locator("td").all_inner_texts() for r in await rows.all()]
    assert [row[users_col] for row in cells] == [str(10 + k) for k in range(POINTS)]
    assert cells[5][disk_col] == "—"
    await admin.set_viewport_size({"width": 1280, "height": 1300})
    await shot(admin, "admin-metrics")

    # A longer period averages per bucket, and takes in the older snapshot.
    await panel.get_by_label("Period").select_option(label="Last 24 hours")
    await panel.locator("#totals-desc").filter(has_text="highest 109").wait_for(state="attached")
