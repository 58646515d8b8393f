"""The VoIP configuration handed to clients: STUN servers, the TURN server and its credentials.

With ``turn_shared_secret`` set, TURN credentials follow the shared-secret scheme TURN servers
such as coturn (``use-auth-secret``) check without asking us: the username is
``<expiry unix time>:<user id>`` and the password the base64 HMAC-SHA1 of the username under
the secret, so they are good for ``turn_ttl_seconds`` and name the user they were made for.
Credentials go only to an authenticated caller, and only while TURN is enabled.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from ourchat.clock import US_PER_SECOND
from ourchat.config import Settings


@dataclass(frozen=True, slots=True)
class VoipConfig:
    """What GetVoipConfig answers."""

    stun_servers: list[str]
    turn_enabled: bool
    turn_server_url: str
    turn_username: str
    turn_password: str
    turn_ttl: int


def turn_credentials(secret: str, user_id: int, expires_at: int) -> tuple[str, str]:
    """Shared-secret TURN credentials of ``user_id`` valid until ``expires_at`` (unix seconds)."""
    username = f"{expires_at}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def config_for(settings: Settings, user_id: int | None, now_us: int) -> VoipConfig:
    """The configuration for ``user_id`` (None: an anonymous caller, given no credentials)."""
    username = password = ""
    if settings.turn_enabled and user_id is not None:
        if settings.turn_shared_secret is not None:
            expires_at = now_us // US_PER_SECOND + settings.turn_ttl_seconds
            username, password = turn_credentials(
                settings.turn_shared_secret.get_secret_value(), user_id, expires_at
            )
        else:
            username = settings.turn_username
            password = settings.turn_password.get_secret_value() if settings.turn_password else ""
    return VoipConfig(
        stun_servers=list(settings.stun_servers),
        turn_enabled=settings.turn_enabled,
        turn_server_url=settings.turn_server_url,
        turn_username=username,
        turn_password=password,
        turn_ttl=settings.turn_ttl_seconds,
    )
