"""Fixtures of the HTTP side: the base URL of a running server's HTTP routes and gRPC-Web."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from ourchat.server.app import OurChatServer


@pytest.fixture
def base_url(server: OurChatServer) -> str:
    """Where the server answers HTTP and gRPC-Web."""
    assert server.http_port is not None
    return f"http://127.0.0.1:{server.http_port}"


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP/1.1 client of the server."""
    async with httpx.AsyncClient(base_url=base_url) as client:
        yield client
