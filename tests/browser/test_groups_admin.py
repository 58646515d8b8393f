"""Groups by request, the administrator's maintenance switch, hostile markdown, phone width."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ourchat.domain import server_roles
from ourchat.server.app import OurChatServer
from tests.browser.conftest import NewPage
from tests.browser.helpers import befriend, open_chat, register, send, tab

Shot = Callable[[Any, str], Awaitable[Path]]


async def test_third_user_joins_a_group_by_request(new_page: NewPage, shot: Shot) -> None:
    alice = await new_page()
    bob = await new_page()
    carol = await new_page()
    await register(alice, "Alice")
    bob_ocid = await register(bob, "Bob")
    await register(carol, "Carol")

    await tab(alice, "Groups")
    await alice.get_by_label("Group name").fill("Book club")
    await alice.get_by_label("Members (OCIDs, comma separated)").fill(bob_ocid)
    await alice.get_by_role("button", name="Create").click()
    await alice.get_by_role("heading", name="Book club").wait_for()
    await send(alice, "welcome to the club")
    await tab(alice, "Groups")
    group_id = await alice.locator(".group-row .muted").first.text_content()
    assert group_id is not None
    group_id = group_id.split()[-1]
    await shot(alice, "groups")

    # Bob is no friend of Alice's: he was invited, and accepts.
    await tab(bob, "Groups")
    await bob.get_by_role("button", name="Accept Book club").click()
    await bob.get_by_role("button", name="Accept Book club").wait_for(state="detached")

    await tab(carol, "Groups")
    await carol.get_by_label("Group ID").fill(group_id)
    await carol.get_by_label("Join message").fill("may I?")
    await carol.get_by_role("button", name="Ask to join").click()
    await carol.get_by_text("Join request sent").wait_for()

    await alice.get_by_role("button", name="Approve Carol").click()
    await alice.get_by_role("button", name="Approve Carol").wait_for(state="detached")

    await open_chat(alice, "Book club")
    await send(alice, "glad you joined")
    await open_chat(carol, "Book club")
    await carol.locator(".message.theirs", has_text="glad you joined").wait_for()
    # History is visible for the period of membership only (BEHAVIOR §12).
    assert await carol.locator(".message", has_text="welcome to the club").count() == 0
    await send(carol, "thanks for having me")
    await open_chat(bob, "Book club")
    await bob.locator(".message.theirs", has_text="thanks for having me").wait_for()


async def test_admin_maintenance_reaches_the_other_page(
    new_page: NewPage, server: OurChatServer, shot: Shot
) -> None:
    admin = await new_page()
    user = await new_page()
    admin_ocid = await register(admin, "Admin")
    await register(user, "User")
    assert await server_roles.grant_by_ocid(server.deps.db, admin_ocid)
    await admin.reload()
    await tab(admin, "Admin")
    await admin.get_by_label("Reason").fill("upgrade")
    await admin.get_by_role("button", name="Turn maintenance on").click()
    await user.get_by_test_id("maintenance-banner").wait_for()
    assert await user.get_by_test_id("maintenance-banner").text_content() == "Under maintenance"
    await shot(user, "maintenance")
    await shot(admin, "admin")
    await admin.get_by_role("button", name="Turn maintenance off").click()
    await user.get_by_test_id("maintenance-banner").wait_for(state="detached", timeout=20_000)


async def test_markdown_cannot_inject_html(new_page: NewPage) -> None:
    alice = await new_page()
    bob = await new_page()
    await register(alice, "Alice")
    bob_ocid = await register(bob, "Bob")
    await befriend(alice, "Alice", bob, bob_ocid, "Bob")
    await open_chat(alice, "Bob")
    await open_chat(bob, "Alice")
    hostile = (
        '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
        "[link](javascript:window.__pwned=3) <b onmouseover=window.__pwned=4>bold</b>"
    )
    await alice.get_by_role("textbox", name="Message").fill(hostile)
    await alice.get_by_role("button", name="Send").click()
    body = bob.locator(".message.theirs .body").last
    await body.wait_for()
    await body.hover()
    assert await bob.evaluate("window.__pwned") is None
    assert await body.locator("img, script, b, [onerror], [onmouseover]").count() == 0
    assert await body.locator("a[href^='javascript']").count() == 0
    assert "<script>" in await body.inner_text()


async def test_phone_width_shows_one_pane_at_a_time(new_page: NewPage, shot: Shot) -> None:
    alice = await new_page(width=390, height=844)
    bob = await new_page()
    await register(alice, "Alice")
    bob_ocid = await register(bob, "Bob")
    await befriend(alice, "Alice", bob, bob_ocid, "Bob")
    await tab(alice, "Chats")
    assert await alice.locator(".session-list").is_visible()
    await shot(alice, "phone-list")
    await open_chat(alice, "Bob")
    assert not await alice.locator(".session-list").is_visible()
    await send(alice, "from my phone")
    width = await alice.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await shot(alice, "phone-chat")
    await alice.get_by_role("button", name="Back").click()
    assert await alice.locator(".session-list").is_visible()


async def test_keyboard_only_login(new_page: NewPage) -> None:
    page = await new_page()
    await register(page, "Kim")
    await page.get_by_role("button", name="Log out").click()
    await page.get_by_label("Email or OCID").fill("kim@example.org")
    await page.get_by_label("Password").fill("not my password")
    await page.get_by_role("button", name="Log in").click()
    assert await page.get_by_role("alert").text_content() == "Wrong password."
    await page.get_by_label("Email or OCID").fill("")
    await page.get_by_label("Password").fill("")
    await page.get_by_label("Email or OCID").focus()
    await page.keyboard.type("kim@example.org")
    await page.keyboard.press("Tab")
    await page.keyboard.type("correct-Horse-battery-9")
    await page.keyboard.press("Enter")
    await page.get_by_role("button", name="Log out").wait_for()
    # Keyboard only: Tab reaches the tabs, Enter opens one.
    await page.get_by_role("button", name="Friends").focus()
    await page.keyboard.press("Enter")
    await page.get_by_label("Friend's OCID").wait_for()
