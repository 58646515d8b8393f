"""E-mail verification: mailing a link, waiting for it to be followed, and confirming it.

A link is one row of ``email_verifications`` (its token is 32 random alphanumerics), so the
process that mailed it and the process whose HTTP port receives the click need not be the
same. A waiting Verify stream wakes at once when the click reaches its own process, and
otherwise finds it by reading the row every :data:`DB_POLL_SECONDS`.

Anybody may ask for a link to any syntactically valid address, as upstream does: the address
need not belong to an account. Following the link verifies the account that has exactly that
address, if there is one, and ends the Verify stream successfully either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

import aiosmtplib

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.config import Settings
from ourchat.domain.server_identity import random_alnum
from ourchat.errors import DeadlineExceeded, FailedPrecondition, Unavailable
from ourchat.storage import verification as store

if TYPE_CHECKING:
    from ourchat.deps import Deps

log = logging.getLogger(__name__)

TOKEN_LENGTH = 32
MAX_TOKEN_CHARS = 64
SUBJECT = "OurChat Verification"
CONFIRM_PATH = "/v1/verify/confirm"
# How often a waiting stream looks at the (injected) clock, and at the database.
CLOCK_CHECK_SECONDS = 0.2
DB_POLL_SECONDS = 1.0
SMTP_TIMEOUT_SECONDS = 30.0
# Links are deleted this long after they expired (a later click answers 400 either way).
PURGE_AFTER_US = 3600 * US_PER_SECOND


class VerificationWaiters:
    """Wakes the Verify streams of this process whose link was just followed here."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}

    def watch(self, token: str) -> asyncio.Event:
        """The event set when ``token`` is confirmed in this process."""
        return self._events.setdefault(token, asyncio.Event())

    def unwatch(self, token: str) -> None:
        """Stop watching ``token`` (the stream ended)."""
        self._events.pop(token, None)

    def notify(self, token: str) -> None:
        """``token`` was confirmed: wake its stream, if it waits in this process."""
        event = self._events.get(token)
        if event is not None:
            event.set()

    def __len__(self) -> int:
        return len(self._events)


@dataclass(frozen=True)
class SentLink:
    """A verification link that was mailed."""

    token: str
    email: str
    expires_at_us: int


def confirmation_link(settings: Settings, token: str) -> str:
    """The URL the mail asks the user to open."""
    return f"{settings.resolved_public_base_url}{CONFIRM_PATH}?token={token}"


def build_message(settings: Settings, email: str, link: str) -> EmailMessage:
    """The verification mail: plain text with the link, and an HTML alternative."""
    minutes = max(1, round(settings.verify_email_expiry_seconds / 60))
    lifetime = f"{minutes} minute{'s' if minutes != 1 else ''}"
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = settings.smtp_sender
    message["To"] = email
    message.set_content(
        "Open this link to verify your e-mail address for OurChat:\n\n"
        f"{link}\n\n"
        f"The link works for {lifetime}. If you did not ask for it, ignore this mail.\n"
    )
    href = html.escape(link, quote=True)
    message.add_alternative(
        "<!DOCTYPE html>\n<html><body>\n"
        "<p>Open this link to verify your e-mail address for OurChat:</p>\n"
        f'<p><a href="{href}">{href}</a></p>\n'
        f"<p>The link works for {lifetime}. If you did not ask for it, ignore this mail.</p>\n"
        "</body></html>\n",
        subtype="html",
    )
    return message


async def send_link(deps: Deps, email: str) -> SentLink:
    """Record a new link for ``email`` and mail it over SMTP.

    Args:
        deps: the server's dependencies.
        email: a syntactically valid address (checked by the caller).

    Returns:
        The link that was sent.

    Raises:
        FailedPrecondition: "Email Not Configured" when no ``smtp_host`` is set.
        Unavailable: "Email Could Not Be Sent" when the SMTP server could not be reached or
            refused the mail (the link is then forgotten).
    """
    settings = deps.settings
    if not settings.smtp_host:
        raise FailedPrecondition(details.EMAIL_NOT_CONFIGURED)
    now = deps.clock.now_us()
    link = SentLink(
        token=random_alnum(TOKEN_LENGTH),
        email=email,
        expires_at_us=now + settings.verify_email_expiry_seconds * US_PER_SECOND,
    )
    async with deps.db.write() as conn:
        await store.remove_expired(conn, now - PURGE_AFTER_US)
        await store.insert(
            conn, token=link.token, email=email, created_at=now, expires_at=link.expires_at_us
        )
    message = build_message(settings, email, confirmation_link(settings, link.token))
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=password,
            start_tls=settings.smtp_starttls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        log.warning("verification mail to %s not sent: %s", email, exc)
        async with deps.db.write() as conn:
            await store.remove(conn, link.token)
        raise Unavailable(details.EMAIL_NOT_SENT) from None
    return link


async def wait_for_confirmation(deps: Deps, link: SentLink) -> None:
    """Return once ``link`` is followed; fail once it expires by ``deps.clock``.

    Raises:
        DeadlineExceeded: "Verification Failed" when the link expired unused.
    """
    wake = deps.verifications.watch(link.token)
    try:
        next_poll = 0.0
        while True:
            if wake.is_set() or time.monotonic() >= next_poll:
                wake.clear()
                if await _is_confirmed(deps, link.token):
                    return
                next_poll = time.monotonic() + DB_POLL_SECONDS
            if deps.clock.now_us() >= link.expires_at_us:
                if await _is_confirmed(deps, link.token):
                    return
                raise DeadlineExceeded(details.VERIFICATION_FAILED)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CLOCK_CHECK_SECONDS):
                    await wake.wait()
    finally:
        deps.verifications.unwatch(link.token)


async def _is_confirmed(deps: Deps, token: str) -> bool:
    async with deps.db.read() as conn:
        row = await store.get(conn, token)
    return row is not None and row["confirmed_at"] is not None


async def confirm(deps: Deps, token: str) -> bool:
    """Follow a link: mark it used and verify the account with exactly its address.

    Returns:
        False when the token is unknown, already used or expired by ``deps.clock``.
    """
    if not (0 < len(token) <= MAX_TOKEN_CHARS and token.isascii() and token.isalnum()):
        return False
    async with deps.db.write() as conn:
        email = await store.confirm(conn, token, deps.clock.now_us())
        if email is None:
            return False
        accounts = await store.mark_email_verified(conn, email)
    log.info("verification link followed; %d account(s) verified", accounts)
    deps.verifications.notify(token)
    return True
