"""Steps a person takes in the web client, for the browser tests."""

from __future__ import annotations

import struct
import zlib
from typing import Any

PASSWORD = "correct-Horse-battery-9"


def picture(width: int = 160, height: int = 100) -> bytes:
    """A real PNG (a colour gradient) of the given size."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 160)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def register(page: Any, name: str, email: str | None = None) -> str:
    """Register through the form (key pair made by the browser); returns the new ocid."""
    await page.get_by_role("button", name="New here? Register").click()
    await page.get_by_label("Email", exact=True).fill(email or f"{name.lower()}@example.org")
    await page.get_by_label("Name", exact=True).fill(name)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Register").click()
    ocid = str(await page.get_by_test_id("my-ocid").text_content())
    await page.get_by_role("button", name="Continue").click()
    await page.get_by_role("button", name="Log out").wait_for()
    return ocid


async def tab(page: Any, name: str) -> None:
    """Open a main tab (Chats, Friends, Groups, Profile, Admin)."""
    await page.get_by_role("navigation").get_by_role("button", name=name).click()


async def befriend(
    inviter: Any, inviter_name: str, invitee: Any, invitee_ocid: str, invitee_name: str
) -> None:
    """``inviter`` sends a request to ``invitee``, who accepts it."""
    await tab(inviter, "Friends")
    await inviter.get_by_label("Friend's OCID").fill(invitee_ocid)
    await inviter.get_by_label("Request message").fill(f"hi {invitee_name}")
    await inviter.get_by_role("button", name="Send friend request").click()
    await inviter.get_by_text("Friend request sent").wait_for()
    await tab(invitee, "Friends")
    await invitee.get_by_role("button", name=f"Accept {inviter_name}").click()
    await invitee.get_by_role("button", name=f"Remove friend {inviter_name}").wait_for()


async def open_chat(page: Any, title: str) -> None:
    """Open the conversation named ``title`` from the Chats tab."""
    await tab(page, "Chats")
    await page.locator(".session-list").get_by_role("button", name=title).first.click()
    await page.get_by_role("textbox", name="Message").wait_for()


async def send(page: Any, text: str, shown: str | None = None) -> None:
    """Type and send a message; wait until it is echoed back (shown as ``shown``, default text)."""
    box = page.get_by_role("textbox", name="Message")
    await box.fill(text)
    await page.get_by_role("button", name="Send").click()
    await page.locator(".message.mine", has_text=shown or text).first.wait_for()
