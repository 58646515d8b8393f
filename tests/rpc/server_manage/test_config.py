"""GetConfig (TOML, no secret) and SetConfig (validated, stored, live or after a restart)."""

from __future__ import annotations

import tomllib
from collections.abc import Awaitable, Callable

import grpc
import pytest
from pydantic import SecretStr

from ourchat import details
from ourchat.client import InvalidArgumentError, OurChatClient
from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from ourchat.storage import server_state as state_store
from tests.helpers import User, expect_error, make_group, register_user
from tests.rpc.server_manage.common import grant

NewUser = Callable[..., Awaitable[User]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with secrets in them."""
    return settings.model_copy(
        update={
            "smtp_password": SecretStr("hunter2-smtp"),
            "public_base_url": "https://chat:hunter2-url@chat.example.com",
        }
    )


async def _admin(server: OurChatServer, new_user: NewUser) -> User:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    return admin


async def test_get_config_is_the_settings_as_toml_without_secrets(
    server: OurChatServer, new_user: NewUser
) -> None:
    admin = await _admin(server, new_user)
    content = await admin.client.get_config()
    assert "hunter2" not in content
    config = tomllib.loads(content)
    assert config["smtp_password"] == "<redacted>"
    assert config["public_base_url"] == "https://chat:<redacted>@chat.example.com"
    assert config["max_message_bytes"] == 16384
    assert config["port"] == 0
    assert "initial_admin_ocid" in content  # unset settings are listed in a comment


async def test_a_live_setting_applies_at_once(server: OurChatServer, new_user: NewUser) -> None:
    admin = await _admin(server, new_user)
    session = await make_group(server.deps, admin)  # type: ignore[arg-type]
    await admin.client.send_msg(session, "x" * 40)

    response = await admin.client.set_config("max_message_bytes = 32\n")

    assert response.success
    assert not response.requires_restart
    assert list(response.restart_reasons) == []
    assert response.message == "Configuration updated successfully. Changes applied immediately."
    await expect_error(
        admin.client.send_msg(session, "x" * 40),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    assert tomllib.loads(await admin.client.get_config())["max_message_bytes"] == 32


async def test_a_restart_only_setting_is_reported_stored_and_used_after_restart(
    settings: Settings, clock: ManualClock
) -> None:
    first = OurChatServer(settings, clock=clock)
    await first.start()
    assert first.deps is not None
    client = OurChatClient(f"127.0.0.1:{first.port}")
    try:
        admin = await register_user(client, "admin")
        await grant(first.deps, admin.id)
        response = await client.set_config(
            "[ourchat]\ntoken_lifetime_seconds = 60\nfriend_limit = 7\n"
        )
        assert response.requires_restart
        assert list(response.restart_reasons) == ["Field 'token_lifetime_seconds' requires restart"]
        assert response.message == (
            "Configuration updated. Server restart required for: "
            "Field 'token_lifetime_seconds' requires restart"
        )
        assert first.deps.settings.token_lifetime_seconds == settings.token_lifetime_seconds
        assert first.deps.settings.friend_limit == 7
        assert "in effect after a restart" in await client.get_config()
    finally:
        await client.close()
        await first.stop(grace=0.5)

    second = OurChatServer(settings, clock=clock)
    await second.start()
    try:
        assert second.deps is not None
        assert second.deps.settings.token_lifetime_seconds == 60
        assert second.deps.settings.friend_limit == 7
    finally:
        await second.stop(grace=0.5)


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        ("max_message_bytes = [", "Invalid TOML: "),
        ("no_such_setting = 1", "Unknown setting 'no_such_setting'"),
        (
            'database_url = "sqlite:///x.db"',
            "Setting 'database_url' can only be set in the config file, the environment or a flag",
        ),
        ('port = "abc"', "Invalid value for 'port': "),
        ("password_strength_limit = 9", "Invalid value for 'password_strength_limit': "),
    ],
)
async def test_invalid_changes_are_refused_and_nothing_is_stored(
    server: OurChatServer, new_user: NewUser, content: str, detail: str
) -> None:
    assert server.deps is not None
    admin = await _admin(server, new_user)
    # A valid key beside the invalid one must not be applied either.
    with pytest.raises(InvalidArgumentError) as info:
        await admin.client.set_config(f"friend_limit = 3\n{content}\n")
    assert info.value.detail.startswith(detail)
    async with server.deps.db.read() as conn:
        assert await state_store.overrides(conn) == {}
    assert server.deps.settings.friend_limit == 5000


async def test_a_setting_pinned_by_the_environment_is_stored_but_reported(
    settings: Settings, clock: ManualClock
) -> None:
    settings.pinned = frozenset({"friend_limit"})
    server = OurChatServer(settings, clock=clock)
    await server.start()
    assert server.deps is not None
    client = OurChatClient(f"127.0.0.1:{server.port}")
    try:
        admin = await register_user(client, "admin")
        await grant(server.deps, admin.id)
        response = await client.set_config("friend_limit = 3")
        assert "pinned by an environment variable or flag: 'friend_limit'" in response.message
        assert server.deps.settings.friend_limit == 5000
        unchanged = await client.set_config("max_message_bytes = 16384")
        assert unchanged.message == "Nothing changed: every value given is already in effect."
    finally:
        await client.close()
        await server.stop(grace=0.5)
