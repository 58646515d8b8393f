"""The REST API fuzzed from its own OpenAPI document: never a 5xx, never a traceback.

The server runs in a thread with its own event loop, so schemathesis's plain HTTP calls reach
it over a real socket; every operation is called anonymously and as a logged-in account.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.gateways.support import PASSWORD


class _ServerThread:
    """An OurChat server on a loop of its own thread."""

    def __init__(self, data_dir: Path) -> None:
        self.settings = Settings(
            host="127.0.0.1",
            port=0,
            http_port=0,
            data_dir=data_dir,
            database_url=f"sqlite+aiosqlite:///{data_dir / 'fuzz.db'}",
            argon2_memory_kib=1024,
            argon2_time_cost=1,
            password_strength_limit=1,
        )
        self.loop = asyncio.new_event_loop()
        self.server = OurChatServer(self.settings)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(60)
        return f"http://127.0.0.1:{self.server.http_port}/api/v1"

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(grace=0.5), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a running server's REST API."""
    with _ServerThread(tmp_path_factory.mktemp("fuzz")) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def session_cookie(live_api: str) -> str:
    """The session cookie of an account registered for the fuzzing."""
    with httpx.Client(base_url=live_api, timeout=30) as client:
        client.post("/register", json={"phone": "13700000000", "password": PASSWORD})
        client.post("/login", json={"phone": "13700000000", "password": PASSWORD})
        token = client.cookies.get("sessionid")
    assert token
    return f"sessionid={token}"


@pytest.fixture(scope="module")
def api_schema(live_api: str) -> Any:
    """The OpenAPI document the server serves, loaded for schemathesis."""
    return schemathesis.openapi.from_url(f"{live_api}/openapi.json")


def _check(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text)
    assert "Traceback" not in response.text
    if "json" in response.headers.get("content-type", ""):
        assert set(response.json()) == {"status", "result", "message", "date"}


def test_no_operation_answers_5xx_or_a_traceback(
    api_schema: Any, live_api: str, session_cookie: str
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            _check(case.call(base_url=live_api, timeout=30))
            _check(case.call(base_url=live_api, timeout=30, headers={"Cookie": session_cookie}))

        call()
