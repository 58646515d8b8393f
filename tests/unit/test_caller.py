"""The caller context: client addresses read from gRPC peer strings."""

from __future__ import annotations

import pytest

from ourchat.caller import address_of_peer


@pytest.mark.parametrize(
    ("peer", "address"),
    [
        ("ipv4:127.0.0.1:50512", "127.0.0.1"),
        ("ipv6:[::1]:50512", "::1"),
        ("ipv6:[2001:db8::7]:1", "2001:db8::7"),
        ("unix:/tmp/sock", ""),
        ("", ""),
    ],
)
def test_address_of_peer(peer: str, address: str) -> None:
    assert address_of_peer(peer) == address
