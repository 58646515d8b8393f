"""A message as a list of items (text, image by key, file by key) and as markdown + file keys.

Images are written ``![image](IO://<n>)`` and files ``[file](IO://<n>)``, ``n`` the 0-based
index into the message's ``involved_files`` (the official client's convention); items are
joined by a newline. Reading goes the other way, so a message sent by any client becomes
items, and items sent as a message come back as the same items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TEXT = 0
IMAGE = 1
FILE = 2

_REFERENCE = re.compile(r"(!?)\[[^\]\n]*\]\(IO://(\d+)\)")


@dataclass(frozen=True)
class Item:
    """One part of a message: text, or the key of an image or a file."""

    kind: int
    value: str


def to_markdown(items: list[Item]) -> tuple[str, list[str]]:
    """The markdown text and the involved file keys of a list of items."""
    parts: list[str] = []
    keys: list[str] = []
    for item in items:
        if item.kind == TEXT:
            parts.append(item.value)
            continue
        if item.value not in keys:
            keys.append(item.value)
        index = keys.index(item.value)
        parts.append(f"![image](IO://{index})" if item.kind == IMAGE else f"[file](IO://{index})")
    return "\n".join(parts), keys


def to_items(markdown: str, keys: list[str]) -> list[Item]:
    """The items of a stored message; references to unknown indexes stay as text."""
    items: list[Item] = []
    position = 0
    for found in _REFERENCE.finditer(markdown):
        index = int(found.group(2))
        if index >= len(keys):
            continue
        _add_text(items, markdown[position : found.start()], before_reference=True)
        items.append(Item(IMAGE if found.group(1) else FILE, keys[index]))
        position = found.end()
    _add_text(items, markdown[position:], before_reference=False)
    return items or [Item(TEXT, "")]


def _add_text(items: list[Item], text: str, *, before_reference: bool) -> None:
    if items and items[-1].kind != TEXT and text.startswith("\n"):
        text = text[1:]  # the separator after a reference
    if before_reference and text.endswith("\n"):
        text = text[:-1]  # the separator before the reference
    if text:
        items.append(Item(TEXT, text))
