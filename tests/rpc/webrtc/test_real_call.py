"""A real WebRTC call: two aiortc peers signalled only through Signal and FetchMsgs."""

from __future__ import annotations

import pytest

from ourchat.config import Settings
from tests.rpc.webrtc.calls_scenario import real_call
from tests.rpc.webrtc.common import NewUser


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No STUN servers: the peers reach each other on this machine's own addresses."""
    return settings.model_copy(update={"stun_servers": []})


async def test_two_aiortc_peers_call_each_other_through_the_server(new_user: NewUser) -> None:
    await real_call(await new_user("alice"), await new_user("bob"))
