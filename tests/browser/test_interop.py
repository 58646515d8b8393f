"""The official client's message conventions across clients: images as ``IO://<n>`` indexes into
``involved_files``, uploaded with ``auto_clean`` for the session (BEHAVIOR §16)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ourchat.client import OurChatClient
from tests.browser.conftest import NewPage
from tests.browser.helpers import open_chat, picture, register, tab
from tests.helpers import Stream, register_user

PNG = picture()


async def test_images_cross_between_sdk_and_web_client(
    new_page: NewPage,
    connect: Callable[[], OurChatClient],
    tmp_path: Path,
    shot: Callable[[Any, str], Awaitable[Path]],
) -> None:
    web = await new_page()
    web_ocid = await register(web, "Wendy")
    sdk = await register_user(connect(), "sdk")
    web_id = await sdk.client.get_id(web_ocid)

    await tab(web, "Friends")
    await sdk.client.add_friend(friend_id=web_id, leave_message="from the SDK")
    await web.get_by_role("button", name=f"Accept {sdk.name}").click()
    await web.get_by_role("button", name=f"Remove friend {sdk.name}").wait_for()
    info = await sdk.client.get_account_info()
    assert len(info.sessions) == 1
    session_id = info.sessions[0]
    stream = Stream(sdk.client)
    try:
        # The SDK sends the way the official client does: upload for the session, then IO://0.
        path = tmp_path / "from-sdk.png"
        path.write_bytes(PNG)
        key = await sdk.client.upload_file(path, session_id=session_id, auto_clean=True)
        await sdk.client.send_msg(session_id, "look ![image](IO://0)", involved_files=[key])
        await open_chat(web, sdk.name)
        img = web.locator(".message.theirs img[data-file-index='0']")
        await img.wait_for()
        assert await img.evaluate("i => i.complete && i.naturalWidth") == 160

        # The web client sends an image; the SDK reads the same convention and the same bytes.
        await web.get_by_label("Attach file").set_input_files(
            files=[{"name": "from-web.png", "mimeType": "image/png", "buffer": PNG}]
        )
        await web.get_by_role("textbox", name="Message").fill("and mine")
        await web.get_by_role("button", name="Send").click()
        await web.locator(".message.mine img").wait_for()
        await shot(web, "interop")

        async def web_message() -> Any:
            while True:
                for ev in stream.events:
                    msg = getattr(ev, "msg", None)
                    if msg is not None and msg.sender_id == web_id:
                        return msg
                await stream.wait_for(len(stream.events) + 1, timeout=10)

        msg = await asyncio.wait_for(web_message(), timeout=15)
        assert re.fullmatch(r"and mine\n\n!\[image\]\(IO://0\)", msg.markdown_text)
        assert len(msg.involved_files) == 1
        assert await sdk.client.download_bytes(msg.involved_files[0]) == PNG
    finally:
        await stream.close()
