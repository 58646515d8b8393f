"""How a file's name and size travel in a message: a markdown link to its key.

``[photo.jpg](KEY "12345 bytes")`` is what ``ourchat send --file KEY`` writes; every client
shows it as the file's name, and the command line reads it back to name a download.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FileInfo:
    """What the command line knows about an uploaded file."""

    key: str
    name: str
    size: int | None = None


def link(info: FileInfo) -> str:
    """The markdown link that names a file in a message."""
    name = info.name.replace("\\", "\\\\").replace("]", "\\]")
    title = f' "{info.size} bytes"' if info.size is not None else ""
    return f"[{name}]({info.key}{title})"


def _pattern(key: str) -> str:
    return rf'\[((?:\\.|[^\]\\])*)\]\({re.escape(key)}(?:\s+"(\d+) bytes")?\)'


def from_links(text: str, key: str) -> FileInfo | None:
    """The file ``key`` as named by a link in a message, if there is one."""
    found = re.search(_pattern(key), text)
    if found is None:
        return None
    name = re.sub(r"\\(.)", r"\1", found.group(1))
    return FileInfo(key, name, int(found.group(2)) if found.group(2) else None)


def show_files(text: str, keys: list[str]) -> str:
    """A message's text for reading: each file link, and each file, as a line saying how to get it.

    ``[notes.txt](KEY "11 bytes")`` becomes ``📎 notes.txt (11 bytes): ourchat download KEY``;
    a file the text does not name gets such a line of its own.
    """
    unnamed = []
    for key in keys:
        found = re.search(_pattern(key), text)
        info = from_links(text, key)
        if found is None or info is None:
            unnamed.append(_file_line(FileInfo(key, "a file")))
            continue
        text = text[: found.start()] + _file_line(info) + text[found.end() :]
    return "\n".join(line for line in (text, *unnamed) if line)


def _file_line(info: FileInfo) -> str:
    size = f" ({info.size:,} bytes)" if info.size is not None else ""
    return f"📎 {info.name}{size}: ourchat download {info.key}"
