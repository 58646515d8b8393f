"""JSON v3 codes 13 to 15: the server asks for verification, the client asks for the mail."""

from __future__ import annotations

import httpx
import pytest

from ourchat import details
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.gateways.support import PASSWORD, http_address, json_client
from tests.rpc.auth.test_verify import Inbox, inbox, link_of  # noqa: F401 (the fixture)
from tests.rpc.files.support import deps_of


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:  # noqa: F811 (the imported fixture)
    """Verification required, mail going to the test inbox."""
    settings.require_email_verification = True
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = inbox.port
    settings.smtp_starttls = False
    settings.smtp_sender = "noreply@ourchat.test"
    return settings


async def test_register_asks_for_verification_and_the_click_passes_it(
    server: OurChatServer,
    inbox: Inbox,  # noqa: F811
) -> None:
    deps_of(server).settings.public_base_url = f"http://{http_address(server)}"
    email = "verify-me@example.com"
    async with json_client(server) as client:
        created = await client.ask(
            {"code": 4, "email": email, "password": PASSWORD, "name": "v"}, 5
        )
        assert created["status"] == 0
        assert await client.next(13) == {"code": 13}
        login = {"code": 6, "login_type": 0, "account": email, "password": PASSWORD}
        refused = await client.ask(login, 7)
        assert (refused["status"], refused["details"]) == (1, details.EMAIL_NOT_VERIFIED)
        assert await client.next(13) == {"code": 13}
        await client.send({"code": 14})
        mail = await inbox.wait_for(1)
        link, _ = link_of(mail[0][1])
        async with httpx.AsyncClient() as http:
            assert (await http.get(link)).status_code == 200
        assert await client.next(15) == {"code": 15, "status": 0}
        assert (await client.ask(login, 7))["status"] == 0


async def test_without_a_mail_server_verification_fails(server: OurChatServer) -> None:
    deps_of(server).settings.smtp_host = None
    async with json_client(server) as client:
        await client.ask(
            {"code": 4, "email": "x@example.com", "password": PASSWORD, "name": "x"}, 5
        )
        await client.send({"code": 14})
        failed = await client.next(15)
        assert (failed["status"], failed["details"]) == (1, details.EMAIL_NOT_CONFIGURED)
    async with json_client(server) as fresh:
        assert (await fresh.ask({"code": 14}, 18))["details"] == details.REQUEST_INVALID_VALUE
