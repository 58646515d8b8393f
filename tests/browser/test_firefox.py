"""The web client in Firefox: Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi.

Python Playwright cannot drive Debian's Firefox, so ``web/scripts/firefox-smoke.mjs`` (Node,
puppeteer-core, a dev dependency of ``web/``) does: two people register in two browser contexts,
become friends and chat both ways; it saves a screenshot. The binary is ``OURCHAT_TEST_FIREFOX``
(default ``/usr/bin/firefox-esr``; ``scripts/install-browser`` installs it). Missing Firefox, Node
or the npm dependencies: skipped with the reason, or failed under ``CI=true``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, SCREENSHOT_ENV
from tests.conftest import IN_CI

FIREFOX_ENV = "OURCHAT_TEST_FIREFOX"
SCRIPT = REPO / "web" / "scripts" / "firefox-smoke.mjs"
DEADLINE_S = 480


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def firefox_path() -> str:
    """Debian's Firefox, with Node and puppeteer-core to drive it (or a skip, a failure in CI)."""
    path = os.environ.get(FIREFOX_ENV, "/usr/bin/firefox-esr")
    if not os.access(path, os.X_OK):
        _missing(f"the Firefox test needs Firefox at {path} (scripts/install-browser installs it)")
    if shutil.which("node") is None:
        _missing("the Firefox test needs node (scripts/web-check installs it)")
    if not (REPO / "web" / "node_modules" / "puppeteer-core").is_dir():
        _missing("the Firefox test needs the npm dependencies of web/ (cd web && npm ci)")
    return path


@pytest.fixture
def picture() -> Path:
    """Where the script saves its screenshot (none there yet)."""
    folder = Path(os.environ.get(SCREENSHOT_ENV, REPO / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "firefox-chat.png"
    path.unlink(missing_ok=True)
    return path


async def test_two_people_register_befriend_and_chat_in_firefox(
    web_url: str, firefox_path: str, picture: Path
) -> None:
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(SCRIPT),
        web_url,
        str(picture),
        cwd=REPO / "web",
        env={**os.environ, FIREFOX_ENV: firefox_path},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), DEADLINE_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    lines = out.decode().strip().splitlines()
    assert lines, f"no result from the Firefox script; stderr: {err.decode()[-2000:]}"
    result = json.loads(lines[-1])
    assert result["ok"], f"{result.get('error')}\nsteps:\n{err.decode()[-3000:]}"
    assert proc.returncode == 0
    assert result["browser"].lower().startswith("firefox/")
    assert picture.stat().st_size > 1000  # noqa: ASYNC240 (a local file, once the script ended)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # noqa: ASYNC240
