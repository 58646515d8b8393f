"""The web client's files at ``/``: the committed build is current, complete and served."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.http.webclient import assets_dir
from ourchat.server.app import OurChatServer

WEB = Path(__file__).resolve().parents[2] / "web"
ROOT_FILES = ("index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts")


def source_hash(root: Path) -> str:
    """The fingerprint web/scripts/source-hash.ts records in the build."""
    files = [root / f for f in ROOT_FILES]
    files += [
        p for p in (root / "src").rglob("*") if p.is_file() and not p.name.endswith(".test.ts")
    ]
    digest = hashlib.sha256()
    for rel in sorted(p.relative_to(root).as_posix() for p in files):
        content = hashlib.sha256((root / rel).read_bytes()).hexdigest()
        digest.update(f"{rel}\0{content}\n".encode())
    return digest.hexdigest()


def test_committed_build_matches_the_sources() -> None:
    if not WEB.is_dir():
        pytest.skip("no web/ sources beside this checkout (installed package)")
    recorded = (assets_dir() / "build-sources.txt").read_text().strip()
    assert recorded == source_hash(WEB), (
        "src/ourchat/webclient is stale: run `cd web && npm ci && npm run build` and commit it"
    )


def test_build_references_only_shipped_files() -> None:
    index = (assets_dir() / "index.html").read_text()
    refs = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)
    assert any(r.endswith(".js") for r in refs)
    for ref in refs:
        assert (assets_dir() / ref.lstrip("/")).is_file(), ref


@pytest.fixture
async def http(server: OurChatServer) -> AsyncIterator[httpx.AsyncClient]:
    assert server.http_port is not None
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.http_port}") as client:
        yield client


async def test_page_and_assets_are_served(http: httpx.AsyncClient) -> None:
    page = await http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    assert '<div id="app">' in page.text
    script = re.search(r'src="(/assets/[^"]+\.js)"', page.text)
    assert script is not None
    js = await http.get(script.group(1))
    assert js.status_code == 200
    assert "javascript" in js.headers["content-type"]
    assert "immutable" in js.headers["cache-control"]
    assert (await http.get("/assets/nothing-here.js")).status_code == 404
    # The plain HTTP routes are still answered by their own endpoints.
    assert (await http.get("/v1/status")).status_code == 200


async def test_page_loads_during_maintenance(settings: Settings, clock: ManualClock) -> None:
    srv = OurChatServer(settings, clock=clock, start_in_maintenance=True)
    await srv.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{srv.http_port}") as http:
            page = await http.get("/")
            assert page.status_code == 200
            script = re.search(r'src="(/assets/[^"]+\.js)"', page.text)
            assert script is not None
            assert (await http.get(script.group(1))).status_code == 200
            assert (await http.get("/v1/avatar?user_id=1")).status_code == 503
    finally:
        await srv.stop(grace=0.5)
