"""The pictures of the HTTP side: the default avatar and the logo (image types: domain.avatars)."""

from __future__ import annotations

import functools
import struct
import zlib
from importlib import resources

_AVATAR_SIDE = 128
_BACKGROUND = (0xD9, 0xDE, 0xE4)
_FIGURE = (0x8A, 0x96, 0xA3)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _is_figure(x: float, y: float) -> bool:
    """A head and shoulders, as in most chat apps' placeholder picture."""
    side = _AVATAR_SIDE
    head_x, head_y, head_r = side / 2, side * 0.39, side * 0.19
    if (x - head_x) ** 2 + (y - head_y) ** 2 <= head_r**2:
        return True
    body_y, body_rx, body_ry = side * 0.98, side * 0.36, side * 0.32
    return ((x - head_x) / body_rx) ** 2 + ((y - body_y) / body_ry) ** 2 <= 1


@functools.cache
def default_avatar_png() -> bytes:
    """The picture served for users without an avatar: a 128x128 PNG silhouette."""
    rows = bytearray()
    for y in range(_AVATAR_SIDE):
        rows.append(0)  # no filter
        for x in range(_AVATAR_SIDE):
            rows.extend(_FIGURE if _is_figure(x + 0.5, y + 0.5) else _BACKGROUND)
    header = struct.pack(">IIBBBBB", _AVATAR_SIDE, _AVATAR_SIDE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


@functools.cache
def logo_png() -> bytes:
    """The server's logo (``static/logo.png``, drawn by ``scripts/make_logo.py``)."""
    return resources.files("ourchat.http").joinpath("static/logo.png").read_bytes()
