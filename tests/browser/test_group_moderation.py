"""Group moderation from the group's settings: mute, ban and kick with durations, set role.

Each step checks what the server stored and what the other member's page shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select

from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import bans, mutes, role_permissions, roles, session_members
from tests.browser.conftest import NewPage
from tests.browser.helpers import open_chat, register, send, tab

Shot = Callable[[Any, str], Awaitable[Path]]


async def group_of_three(new_page: NewPage) -> tuple[Any, Any, Any, int]:
    """Alice creates "Moderated" with Bob and Carol, who accept; returns the pages and its id."""
    alice = await new_page()
    bob = await new_page()
    carol = await new_page()
    await register(alice, "Alice")
    bob_ocid = await register(bob, "Bob")
    carol_ocid = await register(carol, "Carol")
    await tab(alice, "Groups")
    await alice.get_by_label("Group name").fill("Moderated")
    await alice.get_by_label("Members (OCIDs, comma separated)").fill(f"{bob_ocid}, {carol_ocid}")
    await alice.get_by_role("button", name="Create").click()
    await alice.get_by_role("heading", name="Moderated").wait_for()
    for page in (bob, carol):
        await tab(page, "Groups")
        await page.get_by_role("button", name="Accept Moderated").click()
        await page.get_by_role("button", name="Accept Moderated").wait_for(state="detached")
    await tab(alice, "Groups")
    text = await alice.locator(".group-row .muted").first.text_content()
    assert text is not None
    return alice, bob, carol, int(text.split()[-1])


async def manage(page: Any) -> Any:
    """Open the settings of the only group on the Groups tab; returns the panel."""
    await tab(page, "Groups")
    toggle = page.locator(".group-row").get_by_role("button", name="Settings")
    if await toggle.get_attribute("aria-expanded") == "true":
        await toggle.click()  # close it, so that opening reads the group afresh
    await toggle.click()
    panel = page.locator(".manage")
    await panel.wait_for()
    return panel


async def restriction(server: OurChatServer, table: Table, session_id: int, user_id: int) -> Any:
    """The stored mute or ban row of a user in a session (None when there is none)."""
    async with server.deps.db.read() as conn:
        query = select(table.c.created_at, table.c.expires_at).where(
            table.c.session_id == session_id, table.c.user_id == user_id
        )
        return (await conn.execute(query)).first()


async def stored_role(server: OurChatServer, session_id: int, user_id: int) -> int | None:
    """The role id a member holds in a session (None: not a member)."""
    async with server.deps.db.read() as conn:
        query = select(session_members.c.role_id).where(
            session_members.c.session_id == session_id, session_members.c.user_id == user_id
        )
        return (await conn.execute(query)).scalar()


async def user_id_of(page: Any) -> int:
    """The signed-in user's id, as the page keeps it."""
    return int(await page.evaluate("JSON.parse(localStorage.getItem('ourchat.login')).userId"))


async def moderate(page: Any, panel: Any, action: str, who: str, duration: str | None) -> None:
    """Pick a duration (if given) and press e.g. "Mute Bob"; wait for "Saved"."""
    if duration is not None:
        await panel.get_by_label("Duration").select_option(label=duration)
    await panel.get_by_role("button", name=f"{action} {who}", exact=True).click()
    await panel.get_by_role("status").filter(has_text="Saved").wait_for()


async def set_role(panel: Any, who: str, role: str) -> None:
    """Pick ``role`` in the member's role list; wait for "Saved"."""
    await panel.get_by_label(f"Role of {who}").select_option(label=role)
    await panel.get_by_role("status").filter(has_text="Saved").wait_for()


async def refused(page: Any, text: str, alert: str) -> None:
    """Sending ``text`` in the open chat is refused with ``alert`` and nothing is shown."""
    await page.get_by_role("textbox", name="Message").fill(text)
    await page.get_by_role("button", name="Send").click()
    await page.locator(".composer-error", has_text=alert).wait_for()
    assert await page.locator(".message", has_text=text).count() == 0


async def test_mute_with_a_duration_expires_and_unmute_lifts_it(
    new_page: NewPage, server: OurChatServer, clock: ManualClock, shot: Shot
) -> None:
    alice, bob, _carol, group = await group_of_three(new_page)
    bob_id = await user_id_of(bob)
    panel = await manage(alice)
    await moderate(alice, panel, "Mute", "Bob", "1 hour")
    row = await restriction(server, mutes, group, bob_id)
    assert row is not None
    assert row.expires_at - row.created_at == 3600 * US_PER_SECOND
    await alice.set_viewport_size({"width": 1280, "height": 1000})
    await shot(alice, "group-moderation")
    await alice.set_viewport_size({"width": 1280, "height": 800})

    await open_chat(bob, "Moderated")
    await refused(bob, "can anyone hear me", "You are muted in this chat.")
    clock.advance(3601)
    await send(bob, "the hour is over")
    await open_chat(alice, "Moderated")
    await alice.locator(".message.theirs", has_text="the hour is over").wait_for()

    panel = await manage(alice)
    await moderate(alice, panel, "Mute", "Bob", "Permanent")
    row = await restriction(server, mutes, group, bob_id)
    assert row is not None
    assert row.expires_at is None
    await open_chat(bob, "Moderated")
    await refused(bob, "still muted?", "You are muted in this chat.")
    clock.advance(2 * 86400)  # tokens last 5 days
    await refused(bob, "two days later", "You are muted in this chat.")

    await moderate(alice, panel, "Unmute", "Bob", None)
    assert await restriction(server, mutes, group, bob_id) is None
    await send(bob, "free to speak")
    await open_chat(alice, "Moderated")
    await alice.locator(".message.theirs", has_text="free to speak").wait_for()


async def test_ban_and_kick_remove_members_with_the_chosen_duration(
    new_page: NewPage, server: OurChatServer
) -> None:
    alice, bob, carol, group = await group_of_three(new_page)
    bob_id = await user_id_of(bob)
    carol_id = await user_id_of(carol)
    await open_chat(bob, "Moderated")
    await open_chat(carol, "Moderated")

    panel = await manage(alice)
    await moderate(alice, panel, "Ban", "Carol", "10 minutes")
    row = await restriction(server, bans, group, carol_id)
    assert row is not None
    assert row.expires_at - row.created_at == 600 * US_PER_SECOND
    assert await stored_role(server, group, carol_id) is None
    # Alice's member list no longer has Carol; Carol can no longer write there.
    await panel.get_by_role("button", name="Mute Carol", exact=True).wait_for(state="detached")
    await panel.locator(".members li", has_text="Bob").wait_for()
    await refused(carol, "am I still here", "You are not a member of this chat any more.")
    # Unbanned by OCID and invited again, Carol is back.
    carol_ocid = await carol.evaluate("JSON.parse(localStorage.getItem('ourchat.login')).ocid")
    await panel.get_by_label("OCID to unban").fill(carol_ocid)
    await panel.get_by_role("button", name="Unban", exact=True).click()
    await panel.get_by_role("status").filter(has_text="Saved").wait_for()
    assert await restriction(server, bans, group, carol_id) is None
    await panel.get_by_label("OCID to invite").fill(carol_ocid)
    await panel.get_by_role("button", name="Invite").click()
    await tab(carol, "Groups")
    await carol.get_by_role("button", name="Accept Moderated").click()
    await carol.get_by_role("button", name="Accept Moderated").wait_for(state="detached")
    assert await stored_role(server, group, carol_id) == 1
    await open_chat(carol, "Moderated")
    await send(carol, "back again")

    await moderate(alice, panel, "Kick", "Bob", None)
    assert await stored_role(server, group, bob_id) is None
    assert await restriction(server, bans, group, bob_id) is None
    await panel.get_by_role("button", name="Kick Bob", exact=True).wait_for(state="detached")
    await refused(bob, "hello?", "You are not a member of this chat any more.")
    # Bob's Groups tab no longer lists the group he was kicked from.
    await tab(bob, "Groups")
    await bob.locator(".group-row", has_text="Moderated").wait_for(state="detached")


async def test_owner_makes_a_member_admin_who_then_moderates(
    new_page: NewPage, server: OurChatServer
) -> None:
    alice, bob, carol, group = await group_of_three(new_page)
    bob_id = await user_id_of(bob)
    carol_id = await user_id_of(carol)

    # A member sees no moderation controls.
    bob_panel = await manage(bob)
    await bob_panel.locator(".members li", has_text="Carol").wait_for()
    assert await bob_panel.get_by_role("button", name="Mute Carol", exact=True).count() == 0

    panel = await manage(alice)
    await set_role(panel, "Bob", "admin")
    assert await stored_role(server, group, bob_id) == 2
    await panel.locator(".members li", has_text="Bob (admin)").wait_for()

    # Bob's page shows his new role the next time he opens the settings, and he can mute Carol.
    bob_panel = await manage(bob)
    await bob_panel.locator(".members li", has_text="Bob (admin)").wait_for()
    await moderate(bob, bob_panel, "Mute", "Carol", "1 day")
    row = await restriction(server, mutes, group, carol_id)
    assert row is not None
    assert row.expires_at - row.created_at == 86400 * US_PER_SECOND
    # An admin cannot act on the owner: no buttons for Alice.
    assert await bob_panel.get_by_role("button", name="Kick Alice").count() == 0
    await open_chat(carol, "Moderated")
    await refused(carol, "let me talk", "You are muted in this chat.")

    await set_role(panel, "Bob", "member")
    assert await stored_role(server, group, bob_id) == 1
    await panel.locator(".members li", has_text="Bob (member)").wait_for()


async def stored_custom_role(server: OurChatServer, role_id: int) -> tuple[Any, set[int]]:
    """A custom role's row and its permission ids."""
    async with server.deps.db.read() as conn:
        row = (await conn.execute(select(roles).where(roles.c.id == role_id))).one()
        query = select(role_permissions.c.permission_id).where(
            role_permissions.c.role_id == role_id
        )
        return row, set((await conn.execute(query)).scalars())


async def create_role(panel: Any, name: str, permissions: list[str]) -> None:
    """Fill the new-role form with exactly ``permissions`` ticked and create it."""
    form = panel.locator(".new-role")
    if await form.get_attribute("open") is None:
        await form.locator("summary").click()
    await form.get_by_label("Role name").fill(name)
    await form.get_by_label("Role description").fill(f"{name} of the group")
    for box in await form.get_by_role("checkbox").all():
        label = await box.evaluate("b => b.parentElement.textContent.trim()")
        await box.set_checked(label in permissions)
    await form.get_by_role("button", name="Create role").click()
    await form.get_by_role("status").filter(has_text=f"Role created: {name}").wait_for()


async def test_owner_creates_custom_roles_and_assigns_them(
    new_page: NewPage, server: OurChatServer, shot: Shot
) -> None:
    alice, bob, carol, group = await group_of_three(new_page)
    bob_id = await user_id_of(bob)
    carol_id = await user_id_of(carol)
    panel = await manage(alice)

    await create_role(
        panel,
        "Moderator",
        ["Send messages", "Kick members", "Set roles", "Mute members", "Unmute members"],
    )
    await create_role(panel, "Reader", [])

    # Both roles are offered for each member; assigning stores them.
    await set_role(panel, "Bob", "Moderator")
    moderator_id = await stored_role(server, group, bob_id)
    assert moderator_id is not None
    assert moderator_id > 3
    row, permissions = await stored_custom_role(server, moderator_id)
    assert (row.name, row.description, row.session_id) == (
        "Moderator",
        "Moderator of the group",
        group,
    )
    assert permissions == {1, 5, 10, 11, 12}
    await panel.locator(".members li", has_text="Bob (Moderator)").wait_for()
    await set_role(panel, "Carol", "Reader")
    reader_id = await stored_role(server, group, carol_id)
    assert reader_id is not None
    assert reader_id not in (1, 2, 3, moderator_id)
    assert (await stored_custom_role(server, reader_id))[1] == set()
    await alice.set_viewport_size({"width": 1280, "height": 1400})
    await shot(alice, "group-roles")
    await alice.set_viewport_size({"width": 1280, "height": 800})

    # A Reader may not send: Carol's page says so.
    await open_chat(carol, "Moderated")
    await refused(carol, "may I speak", "You are not allowed to do that.")

    # Bob's page knows his role by name and offers just what it allows.
    bob_panel = await manage(bob)
    await bob_panel.locator(".members li", has_text="Bob (Moderator)").wait_for()
    await bob_panel.locator(".members li", has_text="Carol (Reader)").wait_for()
    await bob_panel.get_by_role("button", name="Kick Carol", exact=True).wait_for()
    assert await bob_panel.get_by_role("button", name="Ban Carol", exact=True).count() == 0
    assert await bob_panel.get_by_role("button", name="Kick Alice", exact=True).count() == 0
    assert await bob_panel.get_by_role("button", name="Delete group").count() == 0
    # Bob hands Carol the member role back; she can write again.
    await set_role(bob_panel, "Carol", "member")
    assert await stored_role(server, group, carol_id) == 1
    await send(carol, "thank you")
    await open_chat(alice, "Moderated")
    await alice.locator(".message.theirs", has_text="thank you").wait_for()
