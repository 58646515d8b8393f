"""The admin panel: users (search, paging, ban, unban, delete), server roles, sessions, settings.

Each test checks what the server stored and, where someone else is affected, what their page shows.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from playwright.async_api import expect
from sqlalchemy import select

from ourchat.client import OurChatClient
from ourchat.clock import US_PER_SECOND
from ourchat.domain import server_roles
from ourchat.server.app import OurChatServer
from ourchat.storage import users as user_store
from ourchat.storage.tables import server_bans, user_server_roles
from tests.browser.conftest import NewPage
from tests.browser.helpers import PASSWORD, register, tab
from tests.helpers import public_key

Shot = Callable[[Any, str], Awaitable[Path]]


async def open_admin(page: Any, server: OurChatServer, ocid: str, section: str) -> Any:
    """Make ``ocid`` a server administrator, reload, and open a section of the admin panel."""
    assert await server_roles.grant_by_ocid(server.deps.db, ocid)
    await page.reload()
    await tab(page, "Admin")
    await page.get_by_role("navigation", name="Admin").get_by_role("button", name=section).click()
    return page.locator(".admin .panel")


async def log_in(page: Any, account: str) -> None:
    """Fill and send the login form."""
    await page.get_by_label("Email or OCID").fill(account)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()


async def search(panel: Any, text: str, total: str) -> None:
    """Search users for ``text``; wait until the total reads ``total``."""
    await panel.get_by_label("Search by name or e-mail").fill(text)
    await panel.get_by_role("button", name="Search", exact=True).click()
    await panel.get_by_test_id("users-total").filter(has_text=re.compile(f"^{total}$")).wait_for()


async def test_users_search_paging_ban_unban_and_delete(
    new_page: NewPage, server: OurChatServer, connect: Callable[[], OurChatClient], shot: Shot
) -> None:
    admin = await new_page()
    zoe = await new_page()
    admin_ocid = await register(admin, "Admin")
    zoe_ocid = await register(zoe, "Zoe", "zoe@example.org")
    sdk = connect()
    key = public_key()
    members = [
        await sdk.register(f"member{i:02}@example.net", PASSWORD, f"Member {i:02}", key)
        for i in range(21)
    ]

    panel = await open_admin(admin, server, admin_ocid, "Users")
    await panel.get_by_test_id("users-total").filter(has_text="23 users").wait_for()
    assert await panel.get_by_test_id("users-page").text_content() == "1 / 2"
    assert await panel.locator("tbody tr").count() == 20
    await shot(admin, "admin-users")
    await panel.get_by_role("button", name="Next page").click()
    await panel.get_by_test_id("users-page").filter(has_text="2 / 2").wait_for()
    await expect(panel.locator("tbody tr")).to_have_count(3)
    assert await panel.get_by_role("button", name="Next page").is_disabled()

    # A search from page 2 starts again at page 1 of its matches.
    await search(panel, "Member 1", "10 users")
    assert await panel.get_by_test_id("users-page").text_content() == "1 / 1"
    names = await panel.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names == [f"Member {i}" for i in range(10, 20)]
    await search(panel, "@example.net", "21 users")
    await search(panel, "zoe", "1 user")
    assert await panel.locator("tbody tr td:nth-child(1)").all_inner_texts() == [zoe_ocid]

    # Ban for an hour with a reason: stored, and Zoe's open page is signed out saying why.
    zoe_id = int(await zoe.evaluate("JSON.parse(localStorage.getItem('ourchat.login')).userId"))
    await panel.get_by_label("Ban duration").select_option(label="1 hour")
    await panel.get_by_label("Ban reason").fill("spam")
    await panel.get_by_role("button", name=f"Ban {zoe_ocid}", exact=True).click()
    await panel.get_by_role("status").filter(has_text=f"Banned: {zoe_ocid}").wait_for()
    async with server.deps.db.read() as conn:
        ban = (await conn.execute(select(server_bans).where(server_bans.c.user_id == zoe_id))).one()
    assert ban.reason == "spam"
    assert ban.expires_at - ban.created_at == 3600 * US_PER_SECOND
    await zoe.get_by_role("alert").filter(has_text="This account is banned.").wait_for()
    await zoe.get_by_role("button", name="Log in").wait_for()
    await log_in(zoe, "zoe@example.org")
    await zoe.get_by_role("alert").filter(has_text="This account is banned.").wait_for()
    await shot(zoe, "banned")

    await panel.get_by_role("button", name=f"Unban {zoe_ocid}", exact=True).click()
    await panel.get_by_role("status").filter(has_text=f"Unbanned: {zoe_ocid}").wait_for()
    async with server.deps.db.read() as conn:
        rows = await conn.execute(select(server_bans).where(server_bans.c.user_id == zoe_id))
        assert rows.first() is None
    await log_in(zoe, "zoe@example.org")
    await zoe.get_by_role("button", name="Log out").wait_for()

    # Delete asks first; the account is gone from the list and from the server.
    gone = members[20]
    await search(panel, "Member 20", "1 user")
    dialogs: list[str] = []

    async def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        await dialog.accept()

    admin.on("dialog", accept)
    await panel.get_by_role("button", name=f"Delete account {gone.ocid}").click()
    await panel.get_by_test_id("users-total").filter(has_text="0 users").wait_for()
    assert dialogs == [f"Delete account {gone.ocid}?"]
    async with server.deps.db.read() as conn:
        assert not await user_store.exists(conn, gone.id)
    await search(panel, "@example.net", "20 users")


async def test_server_roles_grant_and_revoke(
    new_page: NewPage, server: OurChatServer, shot: Shot
) -> None:
    admin = await new_page()
    zoe = await new_page()
    admin_ocid = await register(admin, "Admin")
    zoe_ocid = await register(zoe, "Zoe")
    zoe_id = int(await zoe.evaluate("JSON.parse(localStorage.getItem('ourchat.login')).userId"))
    panel = await open_admin(admin, server, admin_ocid, "Server roles")
    await panel.locator("li", has_text="admin").first.wait_for()

    await panel.get_by_label("User's OCID").fill(zoe_ocid)
    await panel.get_by_role("button", name="Show roles").click()
    await (
        panel.get_by_test_id("held-roles").filter(has_text=f"{zoe_ocid}: no server role").wait_for()
    )
    await panel.get_by_label("Server role").select_option(label="admin")
    await panel.get_by_role("button", name="Grant").click()
    await panel.get_by_test_id("held-roles").filter(has_text=f"{zoe_ocid}: admin").wait_for()
    async with server.deps.db.read() as conn:
        query = select(user_server_roles.c.role_id).where(user_server_roles.c.user_id == zoe_id)
        assert list((await conn.execute(query)).scalars()) == [1]
    await shot(admin, "admin-roles")
    # Zoe's page shows the admin panel once it reloads.
    await zoe.reload()
    await zoe.get_by_role("navigation").get_by_role("button", name="Admin").wait_for()

    await panel.get_by_role("button", name="Revoke").click()
    await (
        panel.get_by_test_id("held-roles").filter(has_text=f"{zoe_ocid}: no server role").wait_for()
    )
    async with server.deps.db.read() as conn:
        query = select(user_server_roles.c.role_id).where(user_server_roles.c.user_id == zoe_id)
        assert list((await conn.execute(query)).scalars()) == []
    await zoe.reload()
    await zoe.get_by_role("button", name="Log out").wait_for()
    assert await zoe.get_by_role("navigation").get_by_role("button", name="Admin").count() == 0

    # The last administrator cannot remove their own role.
    await panel.get_by_label("User's OCID").fill(admin_ocid)
    await panel.get_by_role("button", name="Revoke").click()
    await panel.get_by_role("alert").filter(has_text="You are not allowed to do that.").wait_for()
    await panel.get_by_role("button", name="Show roles").click()
    await panel.get_by_test_id("held-roles").filter(has_text=f"{admin_ocid}: admin").wait_for()


async def test_sessions_list_and_search(
    new_page: NewPage, server: OurChatServer, connect: Callable[[], OurChatClient], shot: Shot
) -> None:
    admin = await new_page()
    admin_ocid = await register(admin, "Admin")
    owner = connect()
    await owner.register("owner@example.net", PASSWORD, "Owner", public_key())
    friend = connect()
    friend_reply = await friend.register("friend@example.net", PASSWORD, "Friend", public_key())
    book = await owner.new_session(name="Book club", members=[friend_reply.id])
    chess = await owner.new_session(name="Chess")

    panel = await open_admin(admin, server, admin_ocid, "Sessions")
    rows = panel.get_by_test_id("session-row")
    await rows.nth(1).wait_for()
    cells = {tuple(await row.locator("td").all_inner_texts())[:3] for row in await rows.all()}
    assert cells == {
        (str(book.session_id), "Book club", "1"),
        (str(chess.session_id), "Chess", "1"),
    }
    await shot(admin, "admin-sessions")
    await panel.get_by_label("Group name").fill("book")
    await panel.get_by_role("button", name="Search").click()
    await rows.filter(has_text="Chess").wait_for(state="detached")
    assert await rows.count() == 1
    assert await rows.first.locator("td").first.text_content() == str(book.session_id)


async def test_settings_show_change_and_refuse(
    new_page: NewPage, server: OurChatServer, connect: Callable[[], OurChatClient], shot: Shot
) -> None:
    admin = await new_page()
    admin_ocid = await register(admin, "Admin")
    panel = await open_admin(admin, server, admin_ocid, "Settings")
    config = panel.get_by_test_id("config")
    await config.filter(has_text="friend_limit = 5000").wait_for()
    sdk = connect()
    await sdk.login(PASSWORD, ocid=admin_ocid)

    box = panel.get_by_label("Settings to change (TOML)")
    await box.fill("friend_limit = 7")
    await panel.get_by_role("button", name="Save").click()
    await (
        panel.get_by_role("status")
        .filter(has_text="Configuration updated successfully. Changes applied immediately.")
        .wait_for()
    )
    await config.filter(has_text="friend_limit = 7").wait_for()
    assert "friend_limit = 7" in await sdk.get_config()

    await box.fill("max_streams_per_user = 3")
    await panel.get_by_role("button", name="Save").click()
    await (
        panel.get_by_role("status")
        .filter(
            has_text="Server restart required for: Field 'max_streams_per_user' requires restart"
        )
        .wait_for()
    )

    # A value of the wrong type is refused with the reason, and nothing changes.
    await box.fill('friend_limit = "many"')
    await panel.get_by_role("button", name="Save").click()
    alert = panel.get_by_role("alert")
    await alert.wait_for()
    assert "friend_limit" in str(await alert.text_content())
    assert await panel.get_by_role("status").count() == 0
    assert "friend_limit = 7" in await sdk.get_config()
    assert "friend_limit = 7" in str(await config.text_content())
    await shot(admin, "admin-settings")
