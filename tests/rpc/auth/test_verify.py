"""AuthService.Verify and GET /v1/verify/confirm, with a real SMTP server collecting the mail."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import grpc
import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from ourchat import details
from ourchat._pb.service.auth.email_verify.v1.email_verify_pb2 import VerifyResponse
from ourchat.client import OurChatClient
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from ourchat.storage import verification as store
from ourchat.storage.tables import email_verifications
from tests.helpers import PASSWORD, expect_error, public_key
from tests.rpc.auth.common import deps_of, user_row

Connect = Callable[[], OurChatClient]
LINK = re.compile(r"(http://\S+/v1/verify/confirm\?token=([A-Za-z0-9]+))")
EXPIRY_S = 300
REFUSED_PREFIX = "refused"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every mail it accepts; refuses ``refused…`` recipients."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self.port = 0
        self._loop = loop
        self._arrived = asyncio.Event()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.startswith(REFUSED_PREFIX):
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append((list(envelope.rcpt_tos), parsed))
        self._loop.call_soon_threadsafe(self._arrived.set)  # from the SMTP server's thread
        return "250 Message accepted for delivery"

    async def wait_for(
        self, count: int, timeout: float = 5.0
    ) -> list[tuple[list[str], EmailMessage]]:
        """Wait until ``count`` mails arrived."""
        async with asyncio.timeout(timeout):
            while len(self.mails) < count:
                self._arrived.clear()
                if len(self.mails) < count:
                    await self._arrived.wait()
        return list(self.mails)


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    """A real SMTP server on 127.0.0.1 collecting mail."""
    handler = Inbox(asyncio.get_running_loop())
    handler.port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    """The test settings, sending mail to :func:`inbox`."""
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = inbox.port
    settings.smtp_starttls = False
    settings.smtp_sender = "noreply@ourchat.test"
    return settings


@pytest.fixture
async def base_url(server: OurChatServer) -> str:
    """The server's HTTP address, also used as ``public_base_url`` in the mailed links."""
    url = f"http://127.0.0.1:{server.port}"
    deps_of(server).settings.public_base_url = url
    return url


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the server's HTTP port."""
    async with httpx.AsyncClient() as client:
        yield client


async def _collect(stream: AsyncIterator[VerifyResponse]) -> list[VerifyResponse]:
    return [item async for item in stream]


def verify(client: OurChatClient, email: str) -> asyncio.Task[list[VerifyResponse]]:
    """Open a Verify stream in the background; the task ends with the stream."""
    return asyncio.create_task(_collect(client.verify_email(email)))


def link_of(mail: EmailMessage) -> tuple[str, str]:
    """The confirmation link of a mail (from its plain-text part) and its token."""
    body = mail.get_body(("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None
    return found.group(1), found.group(2)


async def links_in_db(server: OurChatServer) -> int:
    async with deps_of(server).db.read() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(email_verifications))).scalar_one()
        )


async def eventually(condition: Callable[[], bool], timeout: float = 2.0) -> bool:
    """Whether ``condition`` becomes true within ``timeout`` seconds (checked every 10 ms)."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()


async def hang_up(task: asyncio.Task[list[VerifyResponse]]) -> None:
    """Close a Verify stream from the client side."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def still_waiting(task: asyncio.Task[list[VerifyResponse]], delay: float = 0.3) -> bool:
    """Whether the stream is still open after ``delay`` seconds."""
    await asyncio.sleep(delay)
    return not task.done()


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@example.com", "alice@", "@x.org"])
async def test_invalid_address_is_refused_and_nothing_is_sent(
    server: OurChatServer, connect: Connect, inbox: Inbox, email: str
) -> None:
    await expect_error(
        verify(connect(), email), grpc.StatusCode.INVALID_ARGUMENT, details.EMAIL_INVALID
    )
    assert inbox.mails == []
    assert await links_in_db(server) == 0


async def test_mail_arrives_with_subject_link_and_html_and_the_stream_waits(
    server: OurChatServer, connect: Connect, inbox: Inbox, base_url: str, clock: ManualClock
) -> None:
    task = verify(connect(), "alice@example.com")
    [(recipients, mail)] = await inbox.wait_for(1)
    assert recipients == ["alice@example.com"]
    assert mail["Subject"] == "OurChat Verification"
    assert mail["To"] == "alice@example.com"
    assert mail["From"] == "noreply@ourchat.test"
    link, token = link_of(mail)
    assert link == f"{base_url}/v1/verify/confirm?token={token}"
    assert len(token) >= 20
    html_part = mail.get_body(("html",))
    assert html_part is not None
    assert f'href="{link}"' in html_part.get_content()

    async with deps_of(server).db.read() as conn:
        row = await store.get(conn, token)
    assert row is not None
    assert row["email"] == "alice@example.com"
    assert row["created_at"] == clock.now_us()
    assert row["expires_at"] == clock.now_us() + EXPIRY_S * US_PER_SECOND
    assert row["confirmed_at"] is None
    assert await still_waiting(task)
    await hang_up(task)


async def test_following_the_link_ends_the_stream_and_lets_the_account_log_in(
    server: OurChatServer, connect: Connect, inbox: Inbox, http: httpx.AsyncClient
) -> None:
    deps_of(server).settings.require_email_verification = True
    client = connect()
    registered = await client.register("alice@example.com", PASSWORD, "alice", public_key())
    assert registered.token == ""
    await expect_error(
        client.login(PASSWORD, email="alice@example.com"),
        grpc.StatusCode.UNAUTHENTICATED,
        details.EMAIL_NOT_VERIFIED,
    )

    task = verify(client, "alice@example.com")
    [(_, mail)] = await inbox.wait_for(1)
    link, _token = link_of(mail)
    assert await still_waiting(task)
    row = await user_row(server, registered.id)
    assert row is not None
    assert row["email_verified"] is False

    page = await http.get(link)
    assert page.status_code == 200
    assert "verified" in page.text
    # The click reached this process: the stream is woken at once, not at its next poll.
    assert await asyncio.wait_for(task, 0.5) == [VerifyResponse()]

    row = await user_row(server, registered.id)
    assert row is not None
    assert row["email_verified"] is True
    response = await client.login(PASSWORD, email="alice@example.com")
    assert response.id == registered.id
    assert response.token

    # A used link does not work twice.
    again = await http.get(link)
    assert again.status_code == 400


async def test_an_expired_link_fails_the_stream_and_answers_400(
    server: OurChatServer,
    connect: Connect,
    inbox: Inbox,
    http: httpx.AsyncClient,
    clock: ManualClock,
) -> None:
    deps_of(server).settings.require_email_verification = True
    client = connect()
    registered = await client.register("alice@example.com", PASSWORD, "alice", public_key())
    task = verify(client, "alice@example.com")
    [(_, mail)] = await inbox.wait_for(1)
    link, _token = link_of(mail)

    clock.advance(EXPIRY_S - 1)
    assert await still_waiting(task)
    clock.advance(1)
    await expect_error(
        asyncio.wait_for(task, 2),
        grpc.StatusCode.DEADLINE_EXCEEDED,
        details.VERIFICATION_FAILED,
    )
    page = await http.get(link)
    assert page.status_code == 400
    row = await user_row(server, registered.id)
    assert row is not None
    assert row["email_verified"] is False
    await expect_error(
        client.login(PASSWORD, email="alice@example.com"),
        grpc.StatusCode.UNAUTHENTICATED,
        details.EMAIL_NOT_VERIFIED,
    )


async def test_link_expiry_follows_the_setting(
    server: OurChatServer, connect: Connect, inbox: Inbox, clock: ManualClock
) -> None:
    deps_of(server).settings.verify_email_expiry_seconds = 10
    task = verify(connect(), "alice@example.com")
    await inbox.wait_for(1)
    clock.advance(10)
    await expect_error(
        asyncio.wait_for(task, 2), grpc.StatusCode.DEADLINE_EXCEEDED, details.VERIFICATION_FAILED
    )


@pytest.mark.parametrize(
    "query",
    ["", "?token=", "?token=unknownToken1234567890", "?token=%27%3B--", "?token=" + "a" * 500],
)
async def test_unknown_or_malformed_tokens_answer_400(
    http: httpx.AsyncClient, base_url: str, query: str
) -> None:
    page = await http.get(f"{base_url}/v1/verify/confirm{query}")
    assert page.status_code == 400


async def test_an_address_without_account_is_mailed_and_only_the_exact_address_is_verified(
    server: OurChatServer, connect: Connect, inbox: Inbox, http: httpx.AsyncClient
) -> None:
    client = connect()
    deps_of(server).settings.require_email_verification = True
    other = await client.register("Alice@example.com", PASSWORD, "alice", public_key())

    task = verify(client, "alice@example.com")
    [(_, mail)] = await inbox.wait_for(1)
    link, _token = link_of(mail)
    assert (await http.get(link)).status_code == 200
    assert await asyncio.wait_for(task, 2) == [VerifyResponse()]
    row = await user_row(server, other.id)
    assert row is not None
    assert row["email_verified"] is False


async def test_each_request_gets_its_own_link(
    server: OurChatServer, connect: Connect, inbox: Inbox, http: httpx.AsyncClient
) -> None:
    first = verify(connect(), "alice@example.com")
    await inbox.wait_for(1)
    second = verify(connect(), "alice@example.com")
    mails = await inbox.wait_for(2)
    (link1, token1), (link2, token2) = link_of(mails[0][1]), link_of(mails[1][1])
    assert token1 != token2

    assert (await http.get(link2)).status_code == 200
    assert await asyncio.wait_for(second, 2) == [VerifyResponse()]
    assert await still_waiting(first, 0.1)
    assert (await http.get(link1)).status_code == 200
    assert await asyncio.wait_for(first, 2) == [VerifyResponse()]


async def test_a_confirmation_made_by_another_process_is_found_in_the_database(
    server: OurChatServer, connect: Connect, inbox: Inbox, clock: ManualClock
) -> None:
    task = verify(connect(), "alice@example.com")
    [(_, mail)] = await inbox.wait_for(1)
    _link, token = link_of(mail)
    # Confirm behind the server's back, as another process's HTTP port would: no local wake-up.
    async with deps_of(server).db.write() as conn:
        assert await store.confirm(conn, token, clock.now_us()) == "alice@example.com"
    assert await asyncio.wait_for(task, 3) == [VerifyResponse()]


async def test_without_an_smtp_server_verify_is_refused(
    server: OurChatServer, connect: Connect
) -> None:
    deps_of(server).settings.smtp_host = None
    await expect_error(
        verify(connect(), "alice@example.com"),
        grpc.StatusCode.FAILED_PRECONDITION,
        details.EMAIL_NOT_CONFIGURED,
    )
    assert await links_in_db(server) == 0


async def test_a_refused_or_unreachable_smtp_server_answers_unavailable_and_keeps_no_link(
    server: OurChatServer, connect: Connect, inbox: Inbox
) -> None:
    await expect_error(
        verify(connect(), f"{REFUSED_PREFIX}@example.com"),
        grpc.StatusCode.UNAVAILABLE,
        details.EMAIL_NOT_SENT,
    )
    deps_of(server).settings.smtp_port = _free_port()  # nothing listens there
    await expect_error(
        verify(connect(), "alice@example.com"),
        grpc.StatusCode.UNAVAILABLE,
        details.EMAIL_NOT_SENT,
    )
    assert inbox.mails == []
    assert await links_in_db(server) == 0


async def test_a_client_that_hangs_up_leaves_nothing_waiting(
    server: OurChatServer, connect: Connect, inbox: Inbox
) -> None:
    task = verify(connect(), "alice@example.com")
    await inbox.wait_for(1)
    waiters = deps_of(server).verifications
    assert await eventually(lambda: len(waiters) == 1)
    await hang_up(task)
    assert await eventually(lambda: len(waiters) == 0)


def test_links_default_to_the_server_address() -> None:
    settings = Settings(host="chat.example.org", port=8080)
    assert settings.resolved_public_base_url == "http://chat.example.org:8080"
    tls = Settings(host="chat.example.org", port=8443, tls_cert_file="c.pem", tls_key_file="k.pem")
    assert tls.resolved_public_base_url == "https://chat.example.org:8443"
    settings.public_base_url = "https://chat.example.org/"
    assert settings.resolved_public_base_url == "https://chat.example.org"
