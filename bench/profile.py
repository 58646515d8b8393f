"""Where a server process spends its time: py-spy samples summarised per function.

``py-spy record --format raw --threads`` writes one line per distinct stack,
``thread;frame;frame;... count``; this module adds them up per thread and, for the event-loop
thread, by package and function. Time in C code called from a callback (grpc's Cython core,
sqlite3) shows as the Python frame that called it, often ``Handle._run (asyncio/events.py)``.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench import driver
from bench.figures import World, fanout_ourchat
from bench.loops import channels, closed_loop, unary
from bench.modes import Mode
from bench.procs import ServerProcess

#: Frames look like ``function (path/to/file.py:123)``; the line number is dropped.
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


#: Samples per second and thread.
RATE_HZ = 200


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
        str(RATE_HZ),
        "--nonblocking",
        "--threads",
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
    for marker in ("site-packages/", "src/", "lib/python3.11/", "lib/python3.12/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['func']} ({path})"


def _package(short: str) -> str:
    """``sqlalchemy`` for ``f (sqlalchemy/engine/base.py)``; the stdlib module otherwise."""
    inside = short.rsplit("(", 1)[-1].rstrip(")")
    return inside.split("/", 1)[0].removesuffix(".py")


_THREAD = re.compile(r"^thread \(\w+\): (?P<name>.*)$")
#: Leaf frames that mean "waiting", not working.
IDLE = ("EpollSelector.select", "select (selectors", "Condition.wait", "_wait_for_tstate_lock")


def _thread_group(frame: str) -> str:
    """``MainThread (event loop)``, ``asyncio_*``, a known thread or its target."""
    match = _THREAD.match(frame.strip())
    name = match["name"] if match else frame.strip()
    if name.startswith("asyncio_"):
        return "asyncio_* (to_thread workers)"
    name = re.sub(r"^Thread-\d+ ", "", name)
    return _KNOWN_THREADS.get(name, name)


_KNOWN_THREADS = {
    "MainThread": "MainThread (event loop)",
    "(_connection_worker_thread)": "aiosqlite worker",
    "(_poll_wrapper)": "grpc poller",
}


@dataclass
class Profile:
    """Samples of one recording, grouped for a short report."""

    samples: int = 0
    threads: collections.Counter[str] = field(default_factory=collections.Counter)
    idle: collections.Counter[str] = field(default_factory=collections.Counter)
    loop_packages: collections.Counter[str] = field(default_factory=collections.Counter)
    loop_self: collections.Counter[str] = field(default_factory=collections.Counter)
    loop_ourchat: collections.Counter[str] = field(default_factory=collections.Counter)


def summarise(raw: str) -> Profile:
    """Add up ``raw`` (``py-spy record --format raw --threads``) by thread and function.

    The event-loop thread (``MainThread``) is broken down by package of the running
    function, by function (self time) and by ourchat function on the stack (total time).
    """
    prof = Profile()
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        parts = [f for f in stack.split(";") if f]
        if not parts:
            continue
        thread = _thread_group(parts[0]) if parts[0].startswith("thread (") else "?"
        frames = [_short(f) for f in (parts[1:] if thread != "?" else parts)]
        prof.samples += count
        prof.threads[thread] += count
        leaf = frames[-1] if frames else thread
        if any(leaf.startswith(i) for i in IDLE):
            prof.idle[thread] += count
            continue
        if thread != "MainThread (event loop)":
            continue
        prof.loop_packages[_package(leaf)] += count
        prof.loop_self[leaf] += count
        for name in {f for f in frames if "(ourchat/" in f}:
            prof.loop_ourchat[name] += count
    return prof


def to_markdown(title: str, raw: str, seconds: float, top: int = 10) -> str:
    """A short markdown section for one profile of ``seconds``.

    Shares are of wall-clock time: a thread busy all the time would show 100%.
    """
    prof = summarise(raw)
    if not prof.samples:
        return f"### {title}\n\nno samples\n"
    wall = RATE_HZ * seconds

    def pct(n: int) -> str:
        return f"{100 * n / wall:.1f}%"

    lines = [f"### {title}", "", f"{seconds:g} s at {RATE_HZ} samples/s per thread.", ""]
    lines += ["Threads, share of wall-clock time busy (and seen waiting):", ""]
    for name, n in prof.threads.most_common(6):
        lines.append(f"- {name}: {pct(n - prof.idle[name])} busy ({pct(prof.idle[name])} waiting)")
    lines += ["", "Event-loop thread, busy, by package of the running function:", ""]
    lines += [f"- {pct(n)} {name}" for name, n in prof.loop_packages.most_common(top)]
    lines += ["", "Event-loop thread, busy, by running function (self time):", ""]
    lines += [f"- {pct(n)} {name}" for name, n in prof.loop_self.most_common(top)]
    lines += ["", "Event-loop thread, busy, ourchat functions on the stack (total time):", ""]
    shown = [(n, c) for n, c in prof.loop_ourchat.most_common() if "(ourchat/cli/" not in n]
    lines += [f"- {pct(c)} {name}" for name, c in shown[:top]]
    return "\n".join(lines) + "\n"


async def profile_server(
    server: ServerProcess, world: World, mode: Mode, out_dir: Path
) -> list[str]:
    """Sample the server during a send loop and during a 100-member fan-out loop."""
    sections = []
    seconds = 5.0

    async def send_load() -> None:
        pairs = world.pairs[: mode.send_sessions]
        async with channels(world.target, len(pairs)) as chans:
            callers = [
                unary(ch, driver.SEND_MSG_METHOD, driver.send_request(sid), a.metadata)
                for ch, (a, _, sid) in zip(chans, pairs, strict=True)
            ]
            await closed_loop(callers, mode.send_in_flight, seconds + 1, mode.max_count)

    async def fanout_load() -> None:
        longer = dataclasses.replace(mode, window_s=seconds + 1, warmup_s=0.1)
        await fanout_ourchat(world, max(world.groups), longer)

    for name, load in (("SendMsg loop", send_load), ("100-member fan-out", fanout_load)):
        raw_path = out_dir / f"profile-{name.split()[0].lower()}.txt"
        recorded, _ = await asyncio.gather(record(server.pid, seconds, raw_path), load())
        if recorded and raw_path.exists():
            sections.append(to_markdown(name, raw_path.read_text(), seconds))
    return sections
