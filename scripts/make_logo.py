"""Draw the server's logo (``src/ourchat/http/static/logo.png``, served at ``/v1/logo``).

Run once after changing the drawing; the PNG is committed and ships with the package.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIDE = 256
OUT = Path(__file__).resolve().parent.parent / "src/ourchat/http/static/logo.png"
BLUE = (0x2F, 0x6F, 0xD6, 0xFF)
WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
CLEAR = (0, 0, 0, 0)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _in_rounded_square(x: float, y: float, radius: float = 56) -> bool:
    cx = min(max(x, radius), SIDE - radius)
    cy = min(max(y, radius), SIDE - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def _in_bubble(x: float, y: float) -> bool:
    if ((x - 128) / 88) ** 2 + ((y - 118) / 66) ** 2 <= 1:
        return True
    # The tail: a triangle under the bubble's lower left.
    return 170 <= y <= 214 and 70 <= x <= 110 and (x - 70) >= (y - 170) * 0.9 - 4


def _in_dot(x: float, y: float) -> bool:
    return any((x - cx) ** 2 + (y - 118) ** 2 <= 13**2 for cx in (88, 128, 168))


def pixel(x: float, y: float) -> tuple[int, int, int, int]:
    if not _in_rounded_square(x, y):
        return CLEAR
    if _in_bubble(x, y) and not _in_dot(x, y):
        return WHITE
    return BLUE


def main() -> None:
    rows = bytearray()
    for y in range(SIDE):
        rows.append(0)
        for x in range(SIDE):
            rows.extend(pixel(x + 0.5, y + 0.5))
    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 6, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )
    OUT.write_bytes(png)
    print(f"wrote {OUT} ({len(png)} bytes)")


if __name__ == "__main__":
    main()
