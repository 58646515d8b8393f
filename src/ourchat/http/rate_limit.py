"""The HTTP rate limit: plain HTTP requests (paths under ``/v1/``) per client address.

As the reference server: a burst of ``http_requests_per_address_burst`` (16) requests, then one
more every ``60 / http_requests_per_address_per_minute`` seconds (500 ms); past that, a bare
``429 Too Many Requests`` (the official client retries such answers every 500 ms). A rate of 0
turns the limit off. gRPC-Web and native gRPC calls have their own per-user and per-address
limits (:mod:`ourchat.domain.rate_limits`) and never get this 429.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ourchat import details
from ourchat.config import Settings
from ourchat.domain.rate_limits import TokenBucket

LIMITED_PREFIX = "/v1/"


class HttpRateLimit:
    """ASGI middleware answering 429 to an address past its budget of plain HTTP requests."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.bucket = TokenBucket(
            settings.http_requests_per_address_per_minute,
            settings.http_requests_per_address_burst,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and self.bucket.enabled
            and scope["path"].startswith(LIMITED_PREFIX)
            and not self.bucket.allow(_address(scope))
        ):
            response = PlainTextResponse(
                details.TOO_MANY_REQUESTS, status_code=429, headers={"Retry-After": "1"}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""
