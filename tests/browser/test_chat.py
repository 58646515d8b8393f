"""Two people in two browsers: register, become friends, chat live both ways, recall, reload,
images, and a dropped connection that resumes without losing or doubling a message."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ourchat.clock import ManualClock
from ourchat.config import Settings
from ourchat.server.app import OurChatServer
from tests.browser.conftest import NewPage
from tests.browser.helpers import befriend, open_chat, picture, register, send

Shot = Callable[[Any, str], Awaitable[Path]]

PNG = picture()


async def two_friends(new_page: NewPage) -> tuple[Any, Any]:
    alice = await new_page()
    bob = await new_page()
    await register(alice, "Alice")
    bob_ocid = await register(bob, "Bob")
    await befriend(alice, "Alice", bob, bob_ocid, "Bob")
    await open_chat(alice, "Bob")
    await open_chat(bob, "Alice")
    return alice, bob


def messages(page: Any) -> Any:
    return page.locator(".messages .message .body")


async def test_friends_chat_live_both_ways_recall_and_reload(new_page: NewPage, shot: Shot) -> None:
    alice, bob = await two_friends(new_page)
    await send(alice, "hello **Bob**", "hello Bob")
    await bob.locator(".message.theirs strong", has_text="Bob").wait_for()
    await send(bob, "hi Alice")
    await alice.locator(".message.theirs", has_text="hi Alice").wait_for()
    await send(alice, "this one goes away")
    await bob.locator(".message.theirs", has_text="this one goes away").wait_for()
    await shot(alice, "chat")

    await alice.get_by_role("button", name="Recall: this one goes away").click()
    await bob.locator(".message", has_text="this one goes away").wait_for(state="detached")
    await alice.locator(".message", has_text="this one goes away").wait_for(state="detached")

    await bob.reload()
    await open_chat(bob, "Alice")
    await bob.locator(".message.mine", has_text="hi Alice").wait_for()
    assert await messages(bob).all_inner_texts() == ["hello Bob", "hi Alice"]


async def test_image_renders_on_the_other_side(new_page: NewPage, shot: Shot) -> None:
    alice, bob = await two_friends(new_page)
    await alice.get_by_label("Attach file").set_input_files(
        files=[{"name": "red.png", "mimeType": "image/png", "buffer": PNG}]
    )
    await alice.get_by_role("textbox", name="Message").fill("a picture")
    await alice.get_by_role("button", name="Send").click()
    img = bob.locator(".message.theirs img[data-file-index='0']")
    await img.wait_for()
    assert await img.evaluate("i => i.complete && i.naturalWidth") == 160
    await shot(bob, "chat-image")

    # A file that is no image is an attachment with a Download button.
    await alice.get_by_label("Attach file").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"minutes of the meeting"}]
    )
    await alice.get_by_role("button", name="Send").click()
    button = bob.get_by_role("button", name="Download notes.txt")
    await button.wait_for()
    await bob.wait_for_function(
        "() => [...document.querySelectorAll('.attachments button')].every(b => !b.disabled)"
    )
    async with bob.expect_download() as info:
        await button.click()
    download = await info.value
    assert download.suggested_filename == "notes.txt"
    saved = Path(await download.path())
    assert await asyncio.to_thread(saved.read_bytes) == b"minutes of the meeting"


async def test_dropped_connection_resumes_without_loss_or_doubles(
    new_page: NewPage, server: OurChatServer, settings: Settings, clock: ManualClock
) -> None:
    alice, bob = await two_friends(new_page)
    await send(alice, "before the drop")
    await bob.locator(".message", has_text="before the drop").wait_for()

    # Bob's laptop goes offline and the server restarts: his stream is cut and cannot reopen.
    await bob.context.set_offline(True)
    await server.stop(grace=0.5)
    await bob.locator("[role=status]", has_text="reconnecting").wait_for()
    same_ports = settings.model_copy(update={"port": server.port, "http_port": server.http_port})
    restarted = OurChatServer(same_ports, clock=clock)
    await restarted.start()
    try:
        for i in range(3):
            await send(alice, f"while away {i}")
        await bob.context.set_offline(False)
        await _after_return(alice, bob)
    finally:
        await restarted.stop(grace=0.5)


async def _after_return(alice: Any, bob: Any) -> None:
    await bob.locator(".message", has_text="while away 2").wait_for()
    await send(alice, "after the return")
    await bob.locator(".message", has_text="after the return").wait_for()
    assert await messages(bob).all_inner_texts() == [
        "before the drop",
        "while away 0",
        "while away 1",
        "while away 2",
        "after the return",
    ]
