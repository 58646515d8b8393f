"""History scrolls back page by page; one account in two tabs; logging out ends both."""

from __future__ import annotations

from collections.abc import Callable

from ourchat.client import OurChatClient
from tests.browser.conftest import NewPage
from tests.browser.helpers import open_chat, register, send, tab
from tests.helpers import register_user


async def test_history_pages_back_and_two_tabs_share_the_login(
    new_page: NewPage, connect: Callable[[], OurChatClient]
) -> None:
    web = await new_page()
    web_ocid = await register(web, "Tess")
    sdk = await register_user(connect(), "pen")
    web_id = await sdk.client.get_id(web_ocid)
    await tab(web, "Friends")
    await sdk.client.add_friend(friend_id=web_id)
    await web.get_by_role("button", name=f"Accept {sdk.name}").click()
    await web.get_by_role("button", name=f"Remove friend {sdk.name}").wait_for()
    session_id = (await sdk.client.get_account_info()).sessions[0]
    for i in range(45):
        await sdk.client.send_msg(session_id, f"note {i}")

    await open_chat(web, sdk.name)
    await web.locator(".message", has_text="note 44").wait_for()
    shown = web.locator(".messages .message")
    assert await shown.count() == 30
    assert await web.locator(".message", has_text="note 14").count() == 0
    await web.get_by_role("button", name="Load earlier messages").click()
    await web.locator(".message", has_text="note 0").first.wait_for()
    assert await shown.count() == 45
    assert await web.get_by_role("button", name="Load earlier messages").count() == 0

    # A second tab of the same browser is logged in too and gets live messages.
    second = await web.context.new_page()
    await second.goto(web.url)
    await open_chat(second, sdk.name)
    await sdk.client.send_msg(session_id, "to both tabs")
    await web.locator(".message", has_text="to both tabs").wait_for()
    await second.locator(".message", has_text="to both tabs").wait_for()
    await send(second, "from the second tab")
    await web.locator(".message.mine", has_text="from the second tab").wait_for()

    await second.get_by_role("button", name="Log out").click()
    await web.get_by_label("Email or OCID").wait_for()
