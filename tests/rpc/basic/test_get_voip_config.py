"""GetVoipConfig: STUN and TURN from settings; shared-secret TURN credentials for a valid token."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable

import pytest
from pydantic import SecretStr

from ourchat.client import OurChatClient
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.domain import voip
from tests.helpers import User

SECRET = "coturn-shared-secret"
TTL = 3600
STUN = ["stun:stun.example.com:3478"]
TURN_URL = "turn:turn.example.com:3478?transport=udp"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A server with a TURN server and its shared secret."""
    return settings.model_copy(
        update={
            "stun_servers": STUN,
            "turn_enabled": True,
            "turn_server_url": TURN_URL,
            "turn_shared_secret": SecretStr(SECRET),
            "turn_ttl_seconds": TTL,
        }
    )


async def test_anonymous_callers_get_servers_but_no_credentials(
    connect: Callable[[], OurChatClient],
) -> None:
    config = await connect().get_voip_config()
    assert list(config.stun_servers) == STUN
    assert (config.turn_enabled, config.turn_server_url, config.turn_ttl) == (True, TURN_URL, TTL)
    assert (config.turn_username, config.turn_password) == ("", "")


async def test_a_logged_in_caller_gets_time_limited_credentials_of_their_own(
    new_user: Callable[..., Awaitable[User]], clock: ManualClock
) -> None:
    alice = await new_user("alice")
    config = await alice.client.get_voip_config()
    expiry = clock.now_us() // 1_000_000 + TTL
    assert config.turn_username == f"{expiry}:{alice.id}"
    expected = hmac.new(SECRET.encode(), config.turn_username.encode(), hashlib.sha1).digest()
    assert base64.b64decode(config.turn_password) == expected
    assert (config.turn_server_url, config.turn_ttl) == (TURN_URL, TTL)


async def test_a_refused_token_is_treated_as_anonymous(
    new_user: Callable[..., Awaitable[User]],
) -> None:
    alice = await new_user("alice")
    alice.client.token = "not-a-jwt"
    config = await alice.client.get_voip_config()
    assert (config.turn_username, config.turn_password) == ("", "")
    assert list(config.stun_servers) == STUN


def test_defaults_of_section_14_4() -> None:
    config = voip.config_for(Settings(), user_id=5, now_us=0)
    assert config == voip.VoipConfig(
        stun_servers=["stun:stun.l.google.com:19302", "stun:stun1.l.google.com:19302"],
        turn_enabled=False,
        turn_server_url="",
        turn_username="",
        turn_password="",
        turn_ttl=86400,
    )


def test_static_credentials_go_to_logged_in_callers_only() -> None:
    settings = Settings(
        turn_enabled=True,
        turn_server_url=TURN_URL,
        turn_username="static",
        turn_password=SecretStr("pw"),
    )
    logged_in = voip.config_for(settings, user_id=5, now_us=0)
    assert (logged_in.turn_username, logged_in.turn_password) == ("static", "pw")
    anonymous = voip.config_for(settings, user_id=None, now_us=0)
    assert (anonymous.turn_username, anonymous.turn_password) == ("", "")


def test_credentials_follow_the_shared_secret_scheme() -> None:
    # RFC 5389 long-term credentials from the TURN REST scheme (coturn use-auth-secret).
    username, password = voip.turn_credentials("north", 42, 1_700_000_000)
    assert username == "1700000000:42"
    digest = hmac.new(b"north", b"1700000000:42", hashlib.sha1).digest()
    assert password == base64.b64encode(digest).decode()
    assert len(base64.b64decode(password)) == 20
