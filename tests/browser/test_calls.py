"""Calls in the browser with Chromium's fake camera and microphone: ring, accept, media flowing
both ways (getStats), mute and camera, decline, a stream reconnect that loses signals, kicks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from ourchat import details
from ourchat.client import AiortcPeer, Call
from ourchat.config import Settings
from ourchat.errors import Unavailable
from ourchat.server.app import OurChatServer
from tests.browser.conftest import NewPage
from tests.browser.helpers import befriend, open_chat, register, tab
from tests.helpers import User

Shot = Callable[[Any, str], Awaitable[Path]]

FETCH_MSGS = "**/service.ourchat.v1.OurChatService/FetchMsgs"
# Nothing listens there: the connections find each other directly, but must be given these.
STUN = "stun:127.0.0.1:3"
TURN = "turn:127.0.0.1:3"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """STUN and TURN (with a shared secret) configured, as a deployment would."""
    return settings.model_copy(
        update={
            "stun_servers": [STUN],
            "turn_enabled": True,
            "turn_server_url": TURN,
            "turn_shared_secret": "calls-test-secret",
        }
    )


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[Any]:
    """Chromium with a fake camera and microphone, allowed without asking."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        try:
            yield chromium
        finally:
            await chromium.close()


def tile(page: Any, name: str) -> Any:
    """The call screen's tile of ``name``."""
    return page.locator(f'[data-testid="call-peer"][data-name="{name}"]')


async def received(page: Any, name: str) -> int:
    return int(await tile(page, name).get_attribute("data-bytes-received") or 0)


TILES = """() => [...document.querySelectorAll('[data-testid="call-peer"]')].map(e =>
    `${e.dataset.name}: ${e.dataset.status}, ${e.dataset.connection}, ${e.dataset.bytesReceived} B`)
    .concat([...document.querySelectorAll('[role=alert]')].map(e => e.textContent))"""


async def media_flows(page: Any, name: str, timeout: float = 60.0) -> int:
    """Wait until ``page`` is connected to ``name`` and the bytes it receives grow twice."""
    seen: list[int] = []
    try:
        async with asyncio.timeout(timeout):
            while len(seen) < 3:
                if await tile(page, name).get_attribute("data-connection") == "connected":
                    now = await received(page, name)
                    if now > 0 and (not seen or now > seen[-1]):
                        seen.append(now)
                await asyncio.sleep(0.5)
    except TimeoutError:
        raise AssertionError(f"no media from {name}: {await page.evaluate(TILES)}") from None
    return seen[-1]


async def two_friends(new_page: NewPage) -> tuple[Any, Any]:
    alice = await new_page()
    bob = await new_page()
    await register(alice, "Alice")
    bob_ocid = await register(bob, "Bob")
    await befriend(alice, "Alice", bob, bob_ocid, "Bob")
    await open_chat(alice, "Bob")
    return alice, bob


async def ring_and_accept(caller: Any, callee: Any, kind: str = "Video call") -> None:
    await caller.get_by_role("button", name=kind).click()
    await caller.get_by_test_id("call-screen").wait_for()
    banner = callee.get_by_role("alertdialog", name="Alice is calling")
    await banner.wait_for()
    await banner.get_by_role("button", name="Accept").click()
    await callee.get_by_test_id("call-screen").wait_for()


async def test_a_video_call_between_two_browsers(new_page: NewPage, shot: Shot) -> None:
    alice, bob = await two_friends(new_page)
    await alice.get_by_role("button", name="Video call").click()
    await tile(alice, "Bob").get_by_text("ringing…").wait_for()
    banner = bob.get_by_role("alertdialog", name="Alice is calling")
    await banner.get_by_text("Video call", exact=True).wait_for()
    await shot(bob, "call-incoming")
    await banner.get_by_role("button", name="Accept").click()

    await media_flows(alice, "Bob")
    await media_flows(bob, "Alice")
    assert await bob.get_by_test_id("incoming-call").count() == 0
    # The connections were given the server's STUN and TURN.
    for page in (alice, bob):
        await page.get_by_text("Connection servers").click()
        assert await page.get_by_test_id("call-servers").locator("li").all_inner_texts() == [
            STUN,
            TURN,
        ]
    # Alice's fake camera plays in Bob's page.
    await bob.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="call-peer"] video')]
                 .some(v => v.videoWidth > 0 && v.readyState >= 2)"""
    )
    await shot(alice, "call")

    mute = alice.get_by_role("button", name="Mute")
    await mute.click()
    await alice.get_by_role("button", name="Unmute").wait_for()
    assert await alice.evaluate(
        """() => document.querySelector('[data-testid="call-me"] video').srcObject
                 .getAudioTracks().every(t => !t.enabled)"""
    )
    await alice.get_by_role("button", name="Camera off").click()
    await alice.get_by_role("button", name="Camera on").wait_for()
    assert await alice.evaluate(
        """() => document.querySelector('[data-testid="call-me"] video').srcObject
                 .getVideoTracks().length === 0"""
    )
    await alice.get_by_role("button", name="Camera on").click()
    await alice.get_by_role("button", name="Camera off").wait_for()

    await bob.get_by_role("button", name="Leave call").click()
    await bob.get_by_test_id("call-screen").wait_for(state="detached")
    await tile(alice, "Bob").wait_for(state="detached")  # Bob left: his tile goes
    await alice.get_by_role("button", name="Leave call").click()
    await alice.get_by_test_id("call-screen").wait_for(state="detached")


async def test_a_decline_shows_on_the_callers_side(new_page: NewPage) -> None:
    alice, bob = await two_friends(new_page)
    await alice.get_by_role("button", name="Audio call").click()
    banner = bob.get_by_role("alertdialog", name="Alice is calling")
    await banner.get_by_text("Audio call", exact=True).wait_for()
    await banner.get_by_role("button", name="Decline").click()
    await banner.wait_for(state="detached")
    await tile(alice, "Bob").get_by_text("declined").wait_for()
    assert await tile(alice, "Bob").get_attribute("data-status") == "declined"
    assert await bob.get_by_test_id("call-screen").count() == 0


async def test_the_call_survives_a_stream_reconnect_that_lost_the_offer(
    new_page: NewPage, server: OurChatServer
) -> None:
    assert server.deps is not None
    alice, bob = await two_friends(new_page)
    await alice.get_by_role("button", name="Audio call").click()
    await alice.get_by_test_id("call-screen").wait_for()
    banner = bob.get_by_role("alertdialog", name="Alice is calling")
    await banner.wait_for()

    # Alice's stream is cut and cannot reopen while Bob joins: his offer (live only) is lost.
    await alice.route(FETCH_MSGS, lambda route: route.abort())
    alice_id = int(
        await alice.evaluate("() => JSON.parse(localStorage.getItem('ourchat.login')).userId")
    )
    server.deps.bus.fanout.end_streams(Unavailable(details.SHUTTING_DOWN), alice_id)
    await alice.locator("[role=status]", has_text="reconnecting").wait_for()
    await banner.get_by_role("button", name="Accept").click()
    await tile(bob, "Alice").wait_for()
    await asyncio.sleep(2)
    assert await tile(alice, "Bob").get_attribute("data-connection") != "connected"

    await alice.unroute(FETCH_MSGS)
    await media_flows(alice, "Bob")
    await media_flows(bob, "Alice")

    # Once up, the connection needs no stream: another cut leaves the media flowing.
    server.deps.bus.fanout.end_streams(Unavailable(details.SHUTTING_DOWN), alice_id)
    before = await received(alice, "Bob")
    await media_flows(alice, "Bob")
    assert await received(alice, "Bob") > before
    assert await tile(alice, "Bob").get_attribute("data-connection") == "connected"


async def test_a_promoted_admin_kicks_a_member_out_of_a_group_call(
    new_page: NewPage, shot: Shot
) -> None:
    alice, bob, carol = await new_page(), await new_page(), await new_page()
    await register(alice, "Alice")
    bob_ocid = await register(bob, "Bob")
    carol_ocid = await register(carol, "Carol")
    await tab(alice, "Groups")
    await alice.get_by_label("Group name").fill("Standup")
    await alice.get_by_label("Members (OCIDs, comma separated)").fill(f"{bob_ocid}, {carol_ocid}")
    await alice.get_by_role("button", name="Create").click()
    await alice.get_by_role("heading", name="Standup").wait_for()
    for page in (bob, carol):
        await tab(page, "Groups")
        await page.get_by_role("button", name="Accept Standup").click()
        await page.get_by_role("button", name="Accept Standup").wait_for(state="detached")
    await open_chat(alice, "Standup")

    await alice.get_by_role("button", name="Audio call").click()
    for page in (bob, carol):
        banner = page.get_by_role("alertdialog", name="Alice is calling")
        await banner.get_by_text("Audio call: Standup", exact=True).wait_for()
        await banner.get_by_role("button", name="Accept").click()
    await media_flows(alice, "Bob")
    await media_flows(alice, "Carol")
    await media_flows(bob, "Carol")
    await shot(alice, "call-group")

    # Only the creator may moderate, until she makes Bob an admin too: his page learns it.
    assert await bob.get_by_role("button", name="Remove Carol from the call").count() == 0
    await alice.get_by_role("button", name="Make Bob a call admin").click()
    await tile(alice, "Bob").get_by_text("call admin").wait_for()
    await tile(carol, "Bob").get_by_text("call admin").wait_for()
    await bob.get_by_role("button", name="Remove Carol from the call").click()

    await carol.get_by_text("You were removed from the call.").wait_for()
    assert await tile(carol, "Alice").count() == 0  # the call is over for her
    # Her microphone is released.
    assert await carol.evaluate(
        """() => document.querySelector('[data-testid="call-me"] video').srcObject === null"""
    )
    await tile(alice, "Carol").wait_for(state="detached")
    await tile(bob, "Carol").wait_for(state="detached")
    # Alice and Bob go on talking.
    before = await received(bob, "Alice")
    await media_flows(bob, "Alice")
    assert await received(bob, "Alice") > before
    await carol.get_by_role("button", name="Close").click()
    await carol.get_by_test_id("call-screen").wait_for(state="detached")


async def test_a_call_between_a_browser_and_an_sdk_peer(
    new_page: NewPage, new_user: Callable[..., Awaitable[User]]
) -> None:
    from aiortc import AudioStreamTrack, RTCConfiguration, VideoStreamTrack

    alice = await new_page()
    await register(alice, "Alice")
    alice_id = int(
        await alice.evaluate("() => JSON.parse(localStorage.getItem('ourchat.login')).userId")
    )
    bob = await new_user("bob")
    frames: dict[str, int] = {"audio": 0, "video": 0}
    readers: list[asyncio.Task[None]] = []

    async def read(track: Any) -> None:
        with contextlib.suppress(Exception):
            while True:
                await track.recv()
                frames[track.kind] += 1

    def setup(connection: Any) -> None:
        connection.addTrack(AudioStreamTrack())
        connection.addTrack(VideoStreamTrack())
        connection.on("track", lambda track: readers.append(asyncio.create_task(read(track))))

    # Bob's SDK starts the call and rings Alice's browser; she joins and offers to him.
    room_id = await bob.client.create_room(title="Video call")
    no_servers = RTCConfiguration(iceServers=[])
    async with Call(bob.client, room_id, lambda _: AiortcPeer(no_servers, setup=setup)) as call:
        await bob.client.invite_user_to_room(room_id=room_id, user_id=alice_id)
        banner = alice.get_by_role("alertdialog", name=f"{bob.name} is calling")
        await banner.get_by_role("button", name="Accept").click()
        await call.peer(alice_id, timeout=60)
        await media_flows(alice, bob.name)
        async with asyncio.timeout(60):
            while frames["audio"] < 20 or frames["video"] < 5:  # noqa: ASYNC110 (frame counts)
                await asyncio.sleep(0.2)
        # Bob leaves: Alice's page closes the connection and shows him gone.
    await tile(alice, bob.name).wait_for(state="detached")
    for reader in readers:
        reader.cancel()
