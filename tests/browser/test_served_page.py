"""The web client loads from the server in Chromium: accessible forms, language and theme."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tests.browser.conftest import NewPage


async def test_login_and_register_forms_have_accessible_names(
    new_page: NewPage, shot: Callable[[Any, str], Awaitable[Path]]
) -> None:
    page = await new_page()
    await page.get_by_label("Email or OCID").wait_for()
    assert await page.get_by_label("Password").count() == 1
    assert await page.get_by_role("button", name="Log in").is_visible()
    await shot(page, "login")
    await page.get_by_role("button", name="New here? Register").click()
    for label in ("Email", "Name", "Password"):
        assert await page.get_by_label(label, exact=True).count() == 1
    await page.get_by_label("Password", exact=True).fill("correct-Horse-battery-9")
    assert await page.get_by_text("Password strength: strong").is_visible()
    await shot(page, "register")


async def test_language_and_theme_switch_and_stay(new_page: NewPage) -> None:
    page = await new_page(locale="zh-CN")
    assert await page.get_by_role("button", name="登录").is_visible()
    await page.get_by_label("语言").select_option("en")
    assert await page.get_by_role("button", name="Log in").is_visible()
    theme = await page.evaluate("document.documentElement.dataset.theme")
    await page.get_by_role("button", name="Theme").click()
    flipped = await page.evaluate("document.documentElement.dataset.theme")
    assert {theme, flipped} == {"light", "dark"}
    await page.reload()
    assert await page.get_by_role("button", name="Log in").is_visible()
    assert await page.evaluate("document.documentElement.dataset.theme") == flipped


async def test_chinese_dark_register_screen(
    new_page: NewPage, shot: Callable[[Any, str], Awaitable[Path]]
) -> None:
    page = await new_page(locale="zh-CN")
    if await page.evaluate("document.documentElement.dataset.theme") != "dark":
        await page.get_by_role("button", name="主题").click()
    register_zh = "\u65b0\u7528\u6237\uff1f\u6ce8\u518c"  # "New here? Register" in Chinese
    await page.get_by_role("button", name=register_zh).click()
    # The accessible names keep the English words as well.
    for label in ("Email", "Password"):
        assert await page.get_by_label(label).count() == 1
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    await shot(page, "register-zh-dark")
