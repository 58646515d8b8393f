"""End-to-end encryption in the command-line client: room keys and messages, transparently.

The private key made at registration (``keys/<ocid>.pem`` next to the login) opens the room
keys the account holds; they are rebuilt by replaying the account's events
(:meth:`ourchat.client.E2EESession.catch_up`). A message goes out encrypted when the account
holds a room key for the session, and in plain text otherwise (a session without keys, or an
account whose private key is not on this machine).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import SendMsgResponse
from ourchat.cli import config_store
from ourchat.cli.common import err, fail
from ourchat.cli.config_store import Profile
from ourchat.client import (
    DisconnectCallback,
    E2EESession,
    Event,
    KeyFormatError,
    OurChatClient,
    PermissionDeniedError,
)

#: How a message none of the account's room keys opens is shown.
UNREADABLE = "(encrypted)"

#: Seconds without an event after which a catch-up counts as finished.
CATCH_UP_IDLE_SECONDS = 0.3


def open_session(
    client: OurChatClient, profile: Profile, *, required: bool = False
) -> E2EESession | None:
    """The account's E2EESession, or None if its private key is not on this machine.

    With ``required``, a missing or unreadable key ends the command with a clear message.
    """
    pem = config_store.load_private_key(profile.ocid)
    where = config_store.private_key_path(profile.ocid)
    if pem is not None:
        try:
            return E2EESession(client, pem)
        except KeyFormatError:
            if required:
                fail(
                    f"The private key in {where} is unreadable",
                    "end-to-end encryption needs the key made by `ourchat register`",
                )
            return None
    if required:
        fail(
            f"No private key for {profile.ocid} on this machine",
            f"end-to-end encryption needs the key `ourchat register` saved as {where}",
        )
    return None


async def ready_session(client: OurChatClient, profile: Profile) -> E2EESession | None:
    """The account's E2EESession with its room keys rebuilt, or None without a private key."""
    e2ee = open_session(client, profile)
    if e2ee is not None:
        await e2ee.catch_up(idle=CATCH_UP_IDLE_SECONDS)
    return e2ee


async def send_text(
    client: OurChatClient,
    e2ee: E2EESession | None,
    session_id: int,
    text: str,
    *,
    involved_files: list[str] | None = None,
    answer_requests: bool = True,
) -> SendMsgResponse:
    """Send ``text``, encrypted when a room key for the session is held.

    When the session's encryption was turned off, the text goes out in plain text with a
    warning. With ``answer_requests``, a rotation the message triggers is answered right
    after it (leave it off when a live stream handles the account's events).
    """
    files = involved_files or []
    if e2ee is None or e2ee.room_key(session_id) is None:
        return await client.send_msg(session_id, text, involved_files=files)
    try:
        response = await e2ee.send(session_id, text, involved_files=files)
    except PermissionDeniedError as exc:
        if exc.detail != details.E2EE_NOT_ON:
            raise
        err.print(
            f"Session {session_id} is no longer end-to-end encrypted; sent in plain text.",
            markup=False,
        )
        return await client.send_msg(session_id, text, involved_files=files)
    if answer_requests:
        await e2ee.catch_up(idle=CATCH_UP_IDLE_SECONDS)
    return response


def readable(e2ee: E2EESession | None, event: Event) -> Event:
    """``event`` with an encrypted message's text replaced by what the account can read."""
    if event.WhichOneof("respond_event_type") != "msg" or not event.msg.is_encrypted:
        return event
    shown = Event()
    shown.CopyFrom(event)
    text = e2ee.try_decrypt(event.msg) if e2ee is not None else None
    shown.msg.markdown_text = UNREADABLE if text is None else text
    return shown


async def readable_events(
    client: OurChatClient,
    e2ee: E2EESession | None,
    since_us: int,
    *,
    on_disconnect: DisconnectCallback | None = None,
) -> AsyncGenerator[Event, None]:
    """The account's events after ``since_us`` with messages opened (see :func:`readable`).

    With ``e2ee`` the room keys are rebuilt first (a catch-up from the start), and every
    later event passes through it, so key requests are answered as they come.
    """
    if e2ee is not None:
        for event in await e2ee.catch_up(idle=CATCH_UP_IDLE_SECONDS):
            if event.time.ToMicroseconds() > since_us:
                yield readable(e2ee, event)
        since_us = max(since_us, e2ee.cursor_us)
    async for event in client.events(since_us, on_disconnect=on_disconnect):
        if e2ee is not None:
            await e2ee.handle(event)
        yield readable(e2ee, event)
