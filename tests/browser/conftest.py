"""Browser fixtures: Debian's Chromium driven by Playwright against a real server on port 0.

Fixtures for any browser test:

* ``chromium_path``: the Chromium binary (``OURCHAT_TEST_CHROMIUM``, default
  ``/usr/bin/chromium``; ``scripts/install-browser`` installs it). Missing: the test is skipped,
  or fails under ``CI=true``.
* ``browser``: a launched headless Chromium (closed after the test).
* ``web_url``: the base URL that serves the web client and gRPC-Web of the ``server`` fixture.
* ``new_page``: ``await new_page()`` opens ``web_url`` in a fresh browser context (own storage,
  like another person's browser); ``new_page(width=390, height=844)`` for phone width.
* ``shot``: ``await shot(page, "name")`` saves a full-page PNG to ``OURCHAT_SCREENSHOT_DIR``
  (default ``build/screenshots``).

Browser tests run on SQLite only: they test the client, the storage tests run elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from ourchat.server.app import OurChatServer
from tests.conftest import IN_CI

CHROMIUM_ENV = "OURCHAT_TEST_CHROMIUM"
SCREENSHOT_ENV = "OURCHAT_SCREENSHOT_DIR"
REPO = Path(__file__).resolve().parents[2]

NewPage = Callable[..., Awaitable[Any]]


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """Browser tests use a new SQLite file (the client is what they test)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'ourchat.db'}"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, or a skip (a failure under CI) when it is not installed."""
    path = os.environ.get(CHROMIUM_ENV, "/usr/bin/chromium")
    if not os.access(path, os.X_OK):
        reason = f"browser tests need Chromium at {path} (scripts/install-browser installs it)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        import playwright  # noqa: F401
    except ImportError:
        reason = "browser tests need the playwright package (pip install -e '.[dev]')"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[Any]:
    """A headless Chromium for this test."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def web_url(server: OurChatServer) -> str:
    """Where the server serves the web client (and gRPC-Web beside it)."""
    port = server.http_port if server.http_port is not None else server.port
    return f"http://127.0.0.1:{port}"


@pytest.fixture
async def new_page(browser: Any, web_url: str) -> AsyncIterator[NewPage]:
    """Open the web client in a fresh context: ``await new_page(width=..., locale=...)``."""
    contexts: list[Any] = []

    async def _open(
        width: int = 1280, height: int = 800, locale: str = "en-US", path: str = "/"
    ) -> Any:
        context = await browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = await context.new_page()
        await page.goto(web_url + path)
        return page

    yield _open
    for context in contexts:
        await context.close()


@pytest.fixture
def shot() -> Callable[[Any, str], Awaitable[Path]]:
    """Save a screenshot of a page under a name."""
    folder = Path(os.environ.get(SCREENSHOT_ENV, REPO / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)

    async def _shot(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
