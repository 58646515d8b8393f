"""Where a server process spends its time: py-spy samples summarised per function.

``py-spy record --format raw`` writes one line per distinct stack, ``frame;frame;... count``;
this module adds them up by leaf function (self time) and by any frame on the stack (total).
"""

from __future__ import annotations

import asyncio
import collections
import re
import shutil
import sys
from pathlib import Path

#: Frames look like ``function (path/to/file.py:123)``; the line number is dropped.
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def py_spy() -> str | None:
    """The py-spy executable next to this interpreter, or on PATH."""
    local = Path(sys.executable).parent / "py-spy"
    if local.exists():
        return str(local)
    return shutil.which("py-spy")


async def record(pid: int, seconds: float, out: Path) -> bool:
    """Sample ``pid`` for ``seconds`` into ``out`` (raw format); False if py-spy failed."""
    exe = py_spy()
    if exe is None:
        return False
    proc = await asyncio.create_subprocess_exec(
        exe,
        "record",
        "--format",
        "raw",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, round(seconds))),
        "--rate",
        "200",
        "--nonblocking",
        "--output",
        str(out),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await proc.communicate()
    return proc.returncode == 0


def _short(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "src/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['func']} ({path})"


def summarise(raw: str, top: int = 12) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    """Total samples, the top functions by self samples and by total (inclusive) samples."""
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(f) for f in stack.split(";") if f]
        if not frames:
            continue
        samples += count
        own[frames[-1]] += count
        for name in set(frames):
            total[name] += count
    return samples, own.most_common(top), total.most_common(top)


def to_markdown(title: str, raw: str) -> str:
    """A short markdown section for one profile."""
    samples, own, total = summarise(raw)
    if not samples:
        return f"### {title}\n\nno samples\n"
    lines = [f"### {title}", "", f"{samples} samples (idle waiting included).", ""]
    lines += ["Self time (the function itself was running):", ""]
    lines += [f"- {100 * n / samples:.1f}% {name}" for name, n in own]
    lines += ["", "Total time (on the stack):", ""]
    lines += [f"- {100 * n / samples:.1f}% {name}" for name, n in total]
    return "\n".join(lines) + "\n"
