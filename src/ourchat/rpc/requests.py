"""Request bytes that do not decode: a transport hands the handler a marker instead of raising.

The gRPC core calls the request deserializer outside any handler, so an exception raised there
becomes ``UNKNOWN`` plus a logged traceback. :func:`lenient_decoder` returns
:data:`UNDECODABLE` instead, and :func:`check_decoded` / :func:`checked_stream` turn the marker
into ``INVALID_ARGUMENT "Request Invalid Value"`` where the call path can answer it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Final

from ourchat import details
from ourchat.errors import InvalidArgument


class Undecodable:
    """The request in place of bytes that are not a valid message of the method's type."""

    def __repr__(self) -> str:
        return "UNDECODABLE"


UNDECODABLE: Final = Undecodable()


def lenient_decoder(parse: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    """``parse`` (a message class's ``FromString``), answering :data:`UNDECODABLE` on failure."""

    def _decode(data: bytes) -> Any:
        try:
            return parse(data)
        except Exception:  # any failure to parse is the sender's bytes
            return UNDECODABLE

    return _decode


def check_decoded(request: Any) -> None:
    """Raise ``InvalidArgument("Request Invalid Value")`` if ``request`` did not decode."""
    if isinstance(request, Undecodable):
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)


async def checked_stream(requests: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """The messages of a client stream, raising at the first one that did not decode."""
    async for request in requests:
        check_decoded(request)
        yield request
