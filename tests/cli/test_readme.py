"""The README's Quick start and SDK example, run as written against a real server."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

from ourchat.clock import ManualClock
from ourchat.server.app import OurChatServer
from tests.cli.support import CliUser, Terminal

README = Path(__file__).resolve().parents[2] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


def quick_start_steps() -> list[tuple[str, str, list[str]]]:
    """``(who, heading, argv)`` for each command of the Quick start's terminal session."""
    steps: list[tuple[str, str, list[str]]] = []
    who, heading = "", ""
    for line in _blocks(_section("Quick start"), "sh")[0].splitlines():
        found = re.match(r"# terminal \d+: (\w+)(.*)", line)
        if found:
            who, heading = found.group(1), found.group(2).strip()
            continue
        argv = shlex.split(line, comments=True)
        if argv:
            steps.append((who, heading, argv))
    return steps


async def test_the_quick_start_runs_end_to_end(
    server: OurChatServer,
    tmp_path: Path,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address = f"127.0.0.1:{server.port}"
    users = {name: CliUser(name, address, tmp_path / f"home-{name}") for name in ("alice", "bob")}
    for name in users:
        (tmp_path / f"work-{name}").mkdir()
    transcript: list[str] = []
    chat: Terminal | None = None
    key = ""
    try:
        for who, heading, argv in quick_start_steps():
            user = users[who]
            workdir = tmp_path / f"work-{who}"
            monkeypatch.chdir(workdir)  # each terminal in its own directory
            if "after Ctrl-D" in heading and chat is not None:
                chat.end_of_input()
                await chat.expect("Left the chat.")
                assert await chat.exit_code() == 0
                transcript.append(f"[{who}'s chat]\n{chat.output}")
                chat = None
            clock.advance(1)
            if argv[0] == "source" or argv[0] == "export":
                continue  # the venv is active; each user has their own config dir already
            if argv[0] == "echo":
                assert argv[-2] == ">"
                (workdir / argv[-1]).write_text(" ".join(argv[1:-2]) + "\n")
                continue
            assert argv[0] == "ourchat", argv
            assert "KEY" not in argv, "every command pastes as written"
            args = argv[1:]
            if args[0] == "chat":
                chat = user.spawn_in_terminal(*args)
                await chat.expect("Ctrl-D leaves.")
                continue
            result = await user.run(*args)
            transcript.append(f"{who}$ {shlex.join(argv)}\n{result.stdout}{result.stderr}")
            assert result.exit_code == 0, transcript[-1]
            if args[:2] == ["friends", "requests"]:
                assert "bob (ocid bob)" in result.stdout
                assert "“hi, it's bob”" in result.stdout
                assert "`ourchat friends accept bob`" in result.stdout
            if args[0] == "send" and chat is not None:
                await chat.expect(f"bob: {args[2]}")
            if args[0] == "history":
                assert "alice: hello alice!" not in result.stdout
                assert "bob: hello alice!" in result.stdout
                [key] = re.findall(
                    r"📎 notes\.txt \(11 bytes\): ourchat download (\S+)", result.stdout
                )
            if args[0] == "download":
                assert f"Saved 11 bytes to {workdir / 'notes.txt'}." in result.stdout
        assert (tmp_path / "work-alice" / "notes.txt").read_text() == "the agenda\n"
        assert key
    finally:
        if chat is not None:
            chat.close()
        print("\n".join(transcript))


async def _run_sdk_example(code: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=os.environ.copy(),
    )
    async with asyncio.timeout(60):
        output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()
    return output.decode()


async def test_the_sdk_example_runs_as_written_twice(server: OurChatServer) -> None:
    [code] = [b for b in _blocks(_section("Quick start"), "python")]
    code = code.replace("127.0.0.1:7777", f"127.0.0.1:{server.port}")
    for _ in range(2):  # fresh e-mail addresses each run
        output = await _run_sdk_example(code)
        assert "bob got: hello bob!" in output
        assert "as expected: User Already Exists" in output
