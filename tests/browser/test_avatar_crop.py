"""The avatar cropper: the square the user chooses (slider, keyboard, drag) is what is uploaded."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ourchat.client import OurChatClient
from tests.browser.conftest import NewPage
from tests.browser.helpers import PASSWORD, picture, register, tab

Shot = Callable[[Any, str], Awaitable[Path]]
WIDTH, HEIGHT = 320, 200

# Decode a PNG in the page (the browser is the image decoder): its size and some pixels.
DECODE = """async ([b64, points]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0);
  const px = points.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3)));
  return { width: bitmap.width, height: bitmap.height, px };
}"""


def gradient(x: float, y: float) -> tuple[int, int, int]:
    """The colour of ``picture(WIDTH, HEIGHT)`` at a source pixel."""
    return (int(x) * 255 // WIDTH, int(y) * 255 // HEIGHT, 160)


def close(got: list[int], want: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 4 for a, b in zip(got, want, strict=True))


async def uploaded_avatar(
    page: Any, connect: Callable[[], OurChatClient], email: str, points: list[tuple[int, int]]
) -> dict[str, Any]:
    """What the server stored as the account's avatar, decoded: size and the pixels asked."""
    sdk = connect()
    await sdk.login(PASSWORD, email=email)
    key = (await sdk.get_account_info()).avatar_key
    assert key
    data = await sdk.download_bytes(key)
    result: dict[str, Any] = await page.evaluate(
        DECODE, [base64.b64encode(data).decode(), [list(p) for p in points]]
    )
    return result


async def choose_picture(page: Any) -> Any:
    """Pick the test picture in the profile's avatar input; returns the cropper."""
    await tab(page, "Profile")
    await page.get_by_label("Avatar").set_input_files(
        files=[{"name": "wide.png", "mimeType": "image/png", "buffer": picture(WIDTH, HEIGHT)}]
    )
    cropper = page.get_by_role("group", name="Choose the square to keep")
    await cropper.wait_for()
    return cropper


async def test_avatar_is_the_square_chosen_with_sliders_and_keys(
    new_page: NewPage, connect: Callable[[], OurChatClient], shot: Shot
) -> None:
    page = await new_page()
    await register(page, "Ada", "ada@example.org")
    cropper = await choose_picture(page)
    square = cropper.get_by_role("slider", name="Chosen square")
    # It starts as the largest centred square.
    assert await square.get_attribute("aria-valuetext") == "Size 200, Left 60, Top 0"

    await cropper.get_by_label("Size").fill("100")
    await cropper.get_by_label("Left").fill("200")
    assert await square.get_attribute("aria-valuetext") == "Size 100, Left 200, Top 50"
    # Keyboard: Shift+Down five times moves 50 px (to the bottom edge), Left once 1 px, + grows.
    await square.focus()
    for _ in range(5):
        await page.keyboard.press("Shift+ArrowDown")
    await page.keyboard.press("ArrowLeft")
    assert await square.get_attribute("aria-valuetext") == "Size 100, Left 199, Top 100"
    await page.keyboard.press("Shift+ArrowUp")
    await page.keyboard.press("-")
    # Resizing keeps the centre, to the whole pixel.
    assert await square.get_attribute("aria-valuetext") == "Size 99, Left 200, Top 91"
    await page.keyboard.press("+")
    assert await square.get_attribute("aria-valuetext") == "Size 100, Left 200, Top 91"
    await shot(page, "avatar-crop")

    await cropper.get_by_role("button", name="Use this square").click()
    await page.get_by_role("status").filter(has_text="Saved").wait_for()
    await cropper.wait_for(state="detached")
    await page.locator(".profile-head img.avatar").wait_for()

    # Stored: 256 by 256, its corners the corners of the square at (200, 91), side 100.
    got = await uploaded_avatar(page, connect, "ada@example.org", [(0, 0), (255, 255), (128, 0)])
    assert (got["width"], got["height"]) == (256, 256)
    assert close(got["px"][0], gradient(200, 91))
    assert close(got["px"][1], gradient(299, 190))
    assert close(got["px"][2], gradient(250, 91))


async def test_avatar_square_moved_by_dragging(
    new_page: NewPage, connect: Callable[[], OurChatClient]
) -> None:
    page = await new_page()
    await register(page, "Bea", "bea@example.org")
    cropper = await choose_picture(page)
    square = cropper.get_by_role("slider", name="Chosen square")
    await cropper.get_by_label("Size").fill("120")
    assert await square.get_attribute("aria-valuetext") == "Size 120, Left 100, Top 40"
    box = await square.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # The stage shows the picture at its own size (it is under 320 px), so 1 px dragged = 1 px.
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x - 40, y + 10, steps=5)
    await page.mouse.move(x - 100, y + 30, steps=5)
    await page.mouse.up()
    assert await square.get_attribute("aria-valuetext") == "Size 120, Left 0, Top 70"
    await cropper.get_by_role("button", name="Use this square").click()
    await page.get_by_role("status").filter(has_text="Saved").wait_for()

    got = await uploaded_avatar(page, connect, "bea@example.org", [(0, 0), (255, 255)])
    assert (got["width"], got["height"]) == (256, 256)
    assert close(got["px"][0], gradient(0, 70))
    assert close(got["px"][1], gradient(119, 189))


async def test_cancel_keeps_the_old_avatar(new_page: NewPage) -> None:
    page = await new_page()
    await register(page, "Cy")
    cropper = await choose_picture(page)
    await cropper.get_by_role("button", name="Cancel").click()
    await cropper.wait_for(state="detached")
    assert await page.locator(".profile-head img.avatar").count() == 0
    assert await page.get_by_label("Avatar").input_value() == ""
