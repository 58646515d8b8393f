"""End-to-end encrypted chats in the web client, against the SDK's E2EESession (docs/e2ee.md).

The browser encrypts and decrypts with WebCrypto; the SDK user is a real ``E2EESession``. What the
server stores is read from the database: message rows hold only ciphertext.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import FetchMsgsResponse, Msg
from ourchat.client import E2EESession, OurChatClient, new_key_pair
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import events
from tests.browser.conftest import NewPage
from tests.browser.helpers import PASSWORD, befriend, open_chat, register, send, tab

Shot = Callable[[Any, str], Awaitable[Path]]
MSG_KIND = 1
RECEIVE_ROOM_KEY = "receive_room_key"
UNREADABLE = "Encrypted message: this browser holds no key that opens it."

_names = itertools.count(1)


@dataclass
class SdkMember:
    """An SDK user with a key pair, following its events through an E2EESession."""

    client: OurChatClient
    user_id: int
    ocid: str
    name: str
    e2ee: E2EESession
    seen: list[FetchMsgsResponse] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def start(self) -> None:
        async def run() -> None:
            async for event in self.e2ee.events():
                self.seen.append(event)

        self.task = asyncio.create_task(run())

    def read(self, session_id: int) -> list[str]:
        """The session's messages as this member reads them."""
        return [
            self.e2ee.decrypt(e.msg)
            for e in self.seen
            if e.WhichOneof("respond_event_type") == "msg" and e.msg.session_id == session_id
        ]


@pytest.fixture
async def sdk_member(connect: Callable[[], OurChatClient]) -> AsyncIterator[SdkMember]:
    """A registered SDK user whose E2EESession follows its events (stopped after the test)."""
    keys = new_key_pair()
    client = connect()
    name = f"Sam{next(_names)}"
    response = await client.register(
        f"{name.lower()}@sdk.example.org", PASSWORD, name, keys.public_der
    )
    member = SdkMember(
        client, response.id, response.ocid, name, E2EESession(client, keys.private_pem)
    )
    member.start()
    yield member
    if member.task is not None:
        member.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await member.task


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Return once ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def stored_messages(server: OurChatServer, session_id: int) -> list[Msg]:
    """A session's messages as the database holds them."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        rows = await conn.execute(
            select(events.c.payload)
            .where(events.c.session_id == session_id, events.c.kind == MSG_KIND)
            .order_by(events.c.msg_id)
        )
        return [FetchMsgsResponse.FromString(bytes(r[0])).msg for r in rows]


async def all_payloads(server: OurChatServer) -> bytes:
    """Every stored event, as bytes."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        rows = await conn.execute(select(events.c.payload))
        return b"".join(bytes(r[0]) for r in rows)


async def stored_room_keys(server: OurChatServer, session_id: int) -> list[bytes]:
    """Every wrapped room key the database holds for a session (for whoever it was wrapped)."""
    assert server.deps is not None
    async with server.deps.db.read() as conn:
        rows = await conn.execute(
            select(events.c.payload)
            .where(events.c.session_id == session_id)
            .order_by(events.c.msg_id)
        )
        found = [FetchMsgsResponse.FromString(bytes(r[0])) for r in rows]
    return [
        e.receive_room_key.room_key
        for e in found
        if e.WhichOneof("respond_event_type") == RECEIVE_ROOM_KEY
    ]


async def befriend_sdk(page: Any, member: SdkMember, page_ocid: str) -> None:
    """The SDK user asks the browser user to be friends, who accepts."""
    await tab(page, "Friends")
    page_id = await member.client.get_id(page_ocid)
    await member.client.add_friend(friend_id=page_id, leave_message="hello")
    await page.get_by_role("button", name=f"Accept {member.name}").click()
    await page.get_by_role("button", name=f"Remove friend {member.name}").wait_for()


async def new_encrypted_group(page: Any, name: str, member_ocids: list[str]) -> int:
    """Create a group with encryption on from the Groups tab; returns its id."""
    await tab(page, "Groups")
    await page.get_by_label("Group name").fill(name)
    await page.get_by_label("Members (OCIDs, comma separated)").fill(",".join(member_ocids))
    await page.get_by_label("End-to-end encrypted").check()
    await page.get_by_role("button", name="Create").click()
    await page.get_by_role("heading", name=name).wait_for()
    await tab(page, "Groups")
    text = await page.locator(".group-row", has_text=name).locator(".muted").text_content()
    assert text is not None
    return int(text.split()[-1])


def messages(page: Any) -> Any:
    return page.locator(".messages .message .body")


async def test_sdk_and_browser_exchange_encrypted_messages_and_the_server_stores_ciphertext(
    new_page: NewPage, sdk_member: SdkMember, server: OurChatServer, shot: Shot
) -> None:
    web = await new_page()
    web_ocid = await register(web, "Wendy")
    await befriend_sdk(web, sdk_member, web_ocid)
    session_id = await new_encrypted_group(web, "Secret plans", [sdk_member.ocid])

    # The browser answered the server's key request: the SDK user holds the room key.
    await until(lambda: sdk_member.e2ee.room_key(session_id) is not None)
    await open_chat(web, "Secret plans")
    head = web.locator(".conversation-head")
    await head.get_by_role("img", name="End-to-end encrypted").wait_for()
    row = web.locator(".session-list").get_by_role("button", name="Secret plans")
    await row.get_by_role("img", name="End-to-end encrypted").wait_for()

    await sdk_member.e2ee.send(session_id, "the **SDK** writes, encrypted")
    await web.locator(".message.theirs strong", has_text="SDK").wait_for()
    await send(web, "and the browser answers: ça marche")
    await until(lambda: "and the browser answers: ça marche" in sdk_member.read(session_id))
    assert sdk_member.read(session_id) == [
        "the **SDK** writes, encrypted",
        "and the browser answers: ça marche",
    ]
    assert [t.strip() for t in await messages(web).all_text_contents()] == [
        "the SDK writes, encrypted",
        "and the browser answers: ça marche",
    ]

    stored = await stored_messages(server, session_id)
    assert len(stored) == 2
    for msg in stored:
        assert msg.is_encrypted
        # base64 of nonce ‖ ciphertext ‖ tag
        assert len(base64.b64decode(msg.markdown_text, validate=True)) > 12 + 16
    # No stored row of any kind holds the plaintext.
    everything = await all_payloads(server)
    for plaintext in ("SDK writes", "browser answers"):
        assert plaintext.encode() not in everything
    await shot(web, "e2ee-chat")


async def test_turning_encryption_on_needs_the_right_and_the_sdk_keys_reach_the_browser(
    new_page: NewPage, sdk_member: SdkMember, server: OurChatServer
) -> None:
    web = await new_page()
    web_ocid = await register(web, "Mira")
    await befriend_sdk(web, sdk_member, web_ocid)
    web_id = await sdk_member.client.get_id(web_ocid)
    created = await sdk_member.client.new_session(members=[web_id], name="Plain group")
    session_id = created.session_id
    await sdk_member.client.send_msg(session_id, "not encrypted yet")

    # A plain member may not turn it on: the refusal says so.
    await open_chat(web, "Plain group")
    await web.locator(".message.theirs", has_text="not encrypted yet").wait_for()
    await web.get_by_role("button", name="Turn on encryption").click()
    alert = web.locator(".conversation-head").get_by_role("alert")
    assert await alert.text_content() == (
        "You may not turn on encryption in this chat: only its owners (and roles given that "
        "right) may."
    )

    # The owner (SDK) turns it on; the key it makes reaches the browser, which reads and writes.
    await sdk_member.e2ee.enable(session_id)
    await until(lambda: sdk_member.e2ee.room_key(session_id) is not None)
    await sdk_member.e2ee.send(session_id, "now it is secret")
    await web.locator(".message.theirs", has_text="now it is secret").wait_for()
    await (
        web.locator(".conversation-head").get_by_role("img", name="End-to-end encrypted").wait_for()
    )
    await send(web, "secret back")
    await until(lambda: "secret back" in sdk_member.read(session_id))
    stored = await stored_messages(server, session_id)
    assert [m.is_encrypted for m in stored] == [False, True, True]
    assert stored[0].markdown_text == "not encrypted yet"


OPEN_WITH_OWN_KEY = """
async ([wrappedKeys, sealed]) => {
  const db = await new Promise((ok, fail) => {
    const req = indexedDB.open("ourchat");
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  const login = JSON.parse(localStorage.getItem("ourchat.login"));
  const privateKey = await new Promise((ok, fail) => {
    const req = db.transaction("keys").objectStore("keys").get(login.userId);
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const roomKeys = [];
  for (const w of wrappedKeys) {
    try {
      roomKeys.push(await crypto.subtle.decrypt({ name: "RSA-OAEP" }, privateKey, bytes(w)));
    } catch {}
  }
  const opened = [];
  for (const text of sealed) {
    const raw = bytes(text);
    let plain = null;
    for (const k of roomKeys) {
      try {
        const key = await crypto.subtle.importKey("raw", k, "AES-GCM", false, ["decrypt"]);
        const out = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: raw.subarray(0, 12) }, key, raw.subarray(12));
        plain = new TextDecoder().decode(out);
      } catch {}
    }
    opened.push(plain);
  }
  return { keys: roomKeys.length, opened };
}
"""


async def test_a_kicked_member_can_no_longer_read_new_messages(
    new_page: NewPage, sdk_member: SdkMember, server: OurChatServer
) -> None:
    alice = await new_page()
    carol = await new_page()
    alice_ocid = await register(alice, "Alice")
    carol_ocid = await register(carol, "Carol")
    await befriend_sdk(alice, sdk_member, alice_ocid)
    await befriend(alice, "Alice", carol, carol_ocid, "Carol")
    session_id = await new_encrypted_group(alice, "Inner circle", [sdk_member.ocid, carol_ocid])
    await until(lambda: sdk_member.e2ee.room_key(session_id) is not None)

    await sdk_member.e2ee.send(session_id, "before the kick")
    await open_chat(carol, "Inner circle")
    await carol.locator(".message.theirs", has_text="before the kick").wait_for()

    # Alice kicks Carol: the server asks Alice's browser for a new key, handed to the SDK user.
    await tab(alice, "Groups")
    group = alice.locator(".group-row", has_text="Inner circle")
    await group.get_by_role("button", name="Settings").click()
    await group.get_by_role("button", name="Kick Carol").click()
    await group.get_by_role("button", name="Kick Carol").wait_for(state="detached")
    await until(lambda: len(sdk_member.e2ee.room_keys(session_id)) == 2)

    await sdk_member.e2ee.send(session_id, "after the kick")
    await open_chat(alice, "Inner circle")
    await alice.locator(".message.theirs", has_text="after the kick").wait_for()
    stored = await stored_messages(server, session_id)
    assert [m.is_encrypted for m in stored] == [True, True]

    # Carol's browser never shows it, and her own private key opens none of the keys that would.
    await carol.wait_for_timeout(500)
    assert await carol.locator(".message", has_text="after the kick").count() == 0
    wrapped = [base64.b64encode(k).decode() for k in await stored_room_keys(server, session_id)]
    sealed = [m.markdown_text for m in stored]
    result = await carol.evaluate(OPEN_WITH_OWN_KEY, [wrapped, sealed])
    assert result["keys"] == 1  # the first key only: the rotation left her out
    assert result["opened"] == ["before the kick", None]
    # Alice's browser, still a member, opens both with her key.
    alice_result = await alice.evaluate(OPEN_WITH_OWN_KEY, [wrapped, sealed])
    assert alice_result["opened"] == ["before the kick", "after the kick"]


async def test_a_fresh_browser_reads_encrypted_messages_after_restoring_the_backup(
    new_page: NewPage, sdk_member: SdkMember, server: OurChatServer, tmp_path: Path, shot: Shot
) -> None:
    web = await new_page()
    await web.get_by_role("button", name="New here? Register").click()
    await web.get_by_label("Email", exact=True).fill("nora@example.org")
    await web.get_by_label("Name", exact=True).fill("Nora")
    await web.get_by_label("Password", exact=True).fill(PASSWORD)
    await web.get_by_role("button", name="Register").click()
    web_ocid = str(await web.get_by_test_id("my-ocid").text_content())
    async with web.expect_download() as download_info:
        await web.get_by_role("button", name="Download key backup").click()
    backup = tmp_path / "backup.pem"
    await (await download_info.value).save_as(backup)
    assert backup.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    await web.get_by_role("button", name="Continue").click()
    await befriend_sdk(web, sdk_member, web_ocid)

    web_id = await sdk_member.client.get_id(web_ocid)
    created = await sdk_member.e2ee.new_session(members=[web_id], name="Travel")
    session_id = created.session_id
    await until(lambda: sdk_member.e2ee.room_key(session_id) is not None)
    await sdk_member.e2ee.send(session_id, "meet at the station")

    # Another browser: no key here, so the message is plainly marked as unreadable.
    fresh = await new_page()
    await fresh.get_by_label("Email or OCID").fill("nora@example.org")
    await fresh.get_by_label("Password").fill(PASSWORD)
    await fresh.get_by_role("button", name="Log in").click()
    banner = fresh.get_by_role("region", name="Import key backup")
    await banner.wait_for()
    await open_chat(fresh, "Travel")
    await fresh.locator(".message.theirs", has_text=UNREADABLE).wait_for()
    await shot(fresh, "e2ee-no-key")
    await fresh.get_by_role("textbox", name="Message").fill("can I write?")
    await fresh.get_by_role("button", name="Send").click()
    assert await fresh.locator(".composer-error").text_content() == (
        "Import your key backup to write in encrypted chats from this browser."
    )

    # Not a key: refused plainly; the backup: the message opens and the browser writes encrypted.
    not_a_key = tmp_path / "notes.pem"
    not_a_key.write_text("just some notes")
    await banner.get_by_label("Import key backup").set_input_files(str(not_a_key))
    await banner.get_by_role("alert").wait_for()
    assert await banner.get_by_role("alert").text_content() == (
        "That file is not a private key backup (a .pem file from registration)."
    )
    somebody_else = tmp_path / "somebody-else.pem"
    somebody_else.write_bytes(new_key_pair().private_pem)
    await banner.get_by_label("Import key backup").set_input_files(str(somebody_else))
    await banner.get_by_role("alert").filter(has_text="another account").wait_for()
    assert await banner.get_by_role("alert").text_content() == (
        "That backup is another account's key: it opens none of the keys sent to you."
    )
    await banner.get_by_label("Import key backup").set_input_files(str(backup))
    await fresh.get_by_text("Key backup imported").wait_for()
    await fresh.locator(".message.theirs", has_text="meet at the station").wait_for()
    await send(fresh, "see you there")
    await until(lambda: "see you there" in sdk_member.read(session_id))
    assert all(m.is_encrypted for m in await stored_messages(server, session_id))

    # The key is kept: after a reload the message still opens, with no banner.
    await fresh.reload()
    await open_chat(fresh, "Travel")
    await fresh.locator(".message.theirs", has_text="meet at the station").wait_for()
    assert await fresh.get_by_role("region", name="Import key backup").count() == 0


async def test_an_invitee_gets_a_new_key_from_the_inviters_browser(
    new_page: NewPage, sdk_member: SdkMember, server: OurChatServer
) -> None:
    web = await new_page()
    await register(web, "Ines")
    session_id = await new_encrypted_group(web, "Open house", [])
    await open_chat(web, "Open house")
    await send(web, "before anyone came")

    # Someone who is no friend is invited, accepts, and the inviter's browser makes a key for them.
    await tab(web, "Groups")
    group = web.locator(".group-row", has_text="Open house")
    await group.get_by_role("button", name="Settings").click()
    await group.get_by_label("OCID to invite").fill(sdk_member.ocid)
    await group.get_by_role("button", name="Invite").click()
    await group.get_by_text("Saved").wait_for()
    await sdk_member.client.accept_join_session_invitation(session_id=session_id)
    await until(lambda: sdk_member.e2ee.room_key(session_id) is not None)

    await sdk_member.e2ee.send(session_id, "thanks for the invitation")
    await open_chat(web, "Open house")
    await web.locator(".message.theirs", has_text="thanks for the invitation").wait_for()
    await send(web, "welcome in")
    await until(lambda: "welcome in" in sdk_member.read(session_id))
    assert all(m.is_encrypted for m in await stored_messages(server, session_id))


async def test_when_encryption_is_turned_off_the_browser_asks_before_sending_plain_text(
    new_page: NewPage, sdk_member: SdkMember, server: OurChatServer
) -> None:
    web = await new_page()
    web_ocid = await register(web, "Otto")
    await befriend_sdk(web, sdk_member, web_ocid)
    web_id = await sdk_member.client.get_id(web_ocid)
    created = await sdk_member.e2ee.new_session(members=[web_id], name="Was secret")
    session_id = created.session_id
    await until(lambda: sdk_member.e2ee.room_key(session_id) is not None)
    await sdk_member.e2ee.send(session_id, "still secret")
    await open_chat(web, "Was secret")
    await web.locator(".message.theirs", has_text="still secret").wait_for()

    await sdk_member.client.dee2eeize_session(session_id=session_id)
    box = web.get_by_role("textbox", name="Message")
    await box.fill("is this private?")
    await web.get_by_role("button", name="Send").click()
    error = web.locator(".composer-error")
    await error.wait_for()
    assert await error.text_content() == (
        "Encryption was turned off for this chat. Send again to send in plain text."
    )
    assert await box.input_value() == "is this private?"
    await web.get_by_role("button", name="Turn on encryption").wait_for()
    assert len(await stored_messages(server, session_id)) == 1

    await web.get_by_role("button", name="Send").click()
    await web.locator(".message.mine", has_text="is this private?").wait_for()
    stored = await stored_messages(server, session_id)
    assert [(m.is_encrypted, m.markdown_text) for m in stored[1:]] == [(False, "is this private?")]


async def test_an_applicant_approved_in_the_browser_gets_a_new_key(
    new_page: NewPage, sdk_member: SdkMember, server: OurChatServer
) -> None:
    web = await new_page()
    await register(web, "Petra")
    session_id = await new_encrypted_group(web, "By request", [])
    await sdk_member.client.join_session(session_id=session_id, leave_message="may I?")
    await tab(web, "Groups")
    await web.get_by_role("button", name=f"Approve {sdk_member.name}").click()
    await web.get_by_role("button", name=f"Approve {sdk_member.name}").wait_for(state="detached")
    # The join request carried the applicant's public key; approving made a key that includes it.
    await until(lambda: sdk_member.e2ee.room_key(session_id) is not None)
    await sdk_member.e2ee.send(session_id, "glad to be in")
    await open_chat(web, "By request")
    await web.locator(".message.theirs", has_text="glad to be in").wait_for()
    await send(web, "glad you are")
    await until(lambda: "glad you are" in sdk_member.read(session_id))
    assert all(m.is_encrypted for m in await stored_messages(server, session_id))


async def test_after_a_member_leaves_the_next_message_rotates_the_key_without_them(
    new_page: NewPage, sdk_member: SdkMember, server: OurChatServer
) -> None:
    alice = await new_page()
    carol = await new_page()
    alice_ocid = await register(alice, "Alice")
    carol_ocid = await register(carol, "Carol")
    await befriend_sdk(alice, sdk_member, alice_ocid)
    await befriend(alice, "Alice", carol, carol_ocid, "Carol")
    session_id = await new_encrypted_group(alice, "Book circle", [sdk_member.ocid, carol_ocid])
    await until(lambda: sdk_member.e2ee.room_key(session_id) is not None)

    await tab(carol, "Groups")
    group = carol.locator(".group-row", has_text="Book circle")
    await group.get_by_role("button", name="Settings").click()
    await group.get_by_role("button", name="Leave").click()
    await carol.locator(".group-row", has_text="Book circle").wait_for(state="detached")

    # The first message after the leave still uses the old key; the server then asks the sender's
    # browser for a new one, which reaches the SDK user only.
    await open_chat(alice, "Book circle")
    await send(alice, "first after the leave")
    await until(lambda: len(sdk_member.e2ee.room_keys(session_id)) == 2)
    await send(alice, "second after the leave")
    await until(lambda: "second after the leave" in sdk_member.read(session_id))
    stored = await stored_messages(server, session_id)
    assert all(m.is_encrypted for m in stored)
    wrapped = [base64.b64encode(k).decode() for k in await stored_room_keys(server, session_id)]
    result = await carol.evaluate(OPEN_WITH_OWN_KEY, [wrapped, [m.markdown_text for m in stored]])
    assert result["opened"] == ["first after the leave", None]
