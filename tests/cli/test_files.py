"""``ourchat upload`` / ``ourchat download``: identical bytes back, and who may read a file."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from ourchat import details
from ourchat.cli.exit_codes import ExitCode
from ourchat.cli.file_commands import safe_name
from ourchat.cli.file_links import FileInfo, from_links, link, show_files
from ourchat.clock import ManualClock
from tests.cli.support import REPLAY_IDLE, CliUser

Registered = Callable[[str], Awaitable[CliUser]]


async def test_upload_then_download_gives_identical_bytes(
    registered: Registered, tmp_path: Path
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    original = tmp_path / "photo.bin"
    original.write_bytes(os.urandom(700 * 1024 + 13))  # several upload chunks

    uploaded = json.loads(await alice.ok("upload", str(original), "--json"))
    assert (uploaded["size"], uploaded["name"]) == (700 * 1024 + 13, "photo.bin")
    key = uploaded["key"]
    assert await alice.ok("upload", str(original)) != ""

    copy = tmp_path / "copy.bin"
    saved = await alice.ok("download", key, "-o", str(copy))
    assert f"Saved {original.stat().st_size:,} bytes" in saved
    assert copy.read_bytes() == original.read_bytes()
    assert not (tmp_path / "copy.bin.part").exists()

    # Someone else may not read it: one clear line, and no file left behind.
    refused = await bob.run("download", key, "-o", str(tmp_path / "bob.bin"))
    assert refused.exit_code != 0
    assert refused.stderr.startswith(f"Error: {details.PERMISSION_DENIED} (")
    assert not (tmp_path / "bob.bin").exists()
    assert not (tmp_path / "bob.bin.part").exists()

    missing = await alice.run("download", "no-such-key", "-o", str(tmp_path / "x"))
    assert missing.exit_code != 0
    assert missing.stderr == (
        f"Error: {details.FILE_NOT_FOUND} — check the key (`ourchat upload` printed it)\n"
    )


async def test_a_file_shared_with_a_session_is_readable_by_its_members(
    registered: Registered, tmp_path: Path, clock: ManualClock
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    await alice.ok("friends", "add", bob.ocid)
    await bob.ok("friends", "accept", alice.ocid)
    session_id = (await bob.json("friends", "list"))[0]["session_id"]
    notes = tmp_path / "notes.txt"
    notes.write_text("shared notes\n" * 1000)

    uploaded = await alice.ok("upload", str(notes), "--session", str(session_id))
    [key] = [line[5:] for line in uploaded.splitlines() if line.startswith("key: ")]
    assert f"Uploaded notes.txt ({notes.stat().st_size:,} bytes)." in uploaded
    assert f"key: {key}" in uploaded
    assert f"Send it: ourchat send {session_id} --file {key}" in uploaded
    await alice.ok("send", str(session_id), "the notes", "--file", key)

    target = tmp_path / "downloads"
    target.mkdir()
    clock.advance(1)
    first = await bob.ok("download", key, "-o", str(target))
    assert f"to {target / 'notes.txt'}" in first
    assert (target / "notes.txt").read_bytes() == notes.read_bytes()
    again = await bob.ok("download", key, "-o", str(target))
    assert f"to {target / 'notes (1).txt'}" in again
    assert (target / "notes (1).txt").read_bytes() == notes.read_bytes()

    [message] = [
        m for m in await bob.json("history", str(session_id), "--idle", REPLAY_IDLE) if m["msg"]
    ]
    assert message["msg"]["involved_files"] == [key]
    assert message["msg"]["markdown_text"] == (
        f'the notes\n[notes.txt]({key} "{notes.stat().st_size} bytes")'
    )


async def test_a_private_upload_says_who_can_read_it(
    registered: Registered, tmp_path: Path
) -> None:
    alice = await registered("alice")
    notes = tmp_path / "mine.txt"
    notes.write_text("mine")
    shown = await alice.ok("upload", str(notes))
    assert "Only you can read it; to share it, upload it with --session ID." in shown
    assert "SESSION" not in shown


async def test_the_progress_bar_knows_the_total(registered: Registered, tmp_path: Path) -> None:
    alice = await registered("alice")
    original = tmp_path / "big.bin"
    original.write_bytes(os.urandom(300 * 1000))
    key = (await alice.json("upload", str(original)))["key"]
    target = tmp_path / "got"
    target.mkdir()
    terminal = alice.spawn_in_terminal("download", key, "-o", str(target))
    try:
        assert await terminal.exit_code(timeout=30) == 0
        await terminal.expect("Saved 300,000 bytes")
        assert re.search(r"300\.0/300\.0 kB", terminal.output), terminal.output
    finally:
        terminal.close()
    assert (target / "big.bin").read_bytes() == original.read_bytes()


def test_file_names_travel_as_markdown_links() -> None:
    info = FileInfo("k3y", "a [draft].txt", 12)
    text = "see " + link(info)
    assert from_links(text, "k3y") == info
    assert from_links(text, "other") is None
    assert show_files(text, ["k3y"]) == "see 📎 a [draft].txt (12 bytes): ourchat download k3y"
    assert show_files("hi", ["k3y"]) == "hi\n📎 a file: ourchat download k3y"
    assert safe_name("../../etc/passwd", "x") == "passwd"
    assert safe_name(".hidden", "x") == "hidden"
    assert safe_name("..", "fallback") == "fallback"


async def test_send_attach_uploads_for_the_session_and_download_finds_it_by_name(
    registered: Registered, tmp_path: Path, clock: ManualClock
) -> None:
    alice, bob, carol = (
        await registered("alice"),
        await registered("bob"),
        await registered("carol"),
    )
    await alice.ok("friends", "add", bob.ocid)
    await bob.ok("friends", "accept", alice.ocid)
    session_id = (await bob.json("friends", "list"))[0]["session_id"]
    older, newer = tmp_path / "old" / "plan.txt", tmp_path / "new" / "plan.txt"
    for path, text in ((older, "first plan\n"), (newer, "second plan\n")):
        path.parent.mkdir()
        path.write_text(text)
        clock.advance(1)
        await alice.ok("send", bob.ocid, "the plan", "--attach", str(path))
    clock.advance(1)

    [first, second] = [
        m for m in await bob.json("history", str(session_id), "--idle", REPLAY_IDLE) if m["msg"]
    ]
    for message, path in ((first, older), (second, newer)):
        [key] = message["msg"]["involved_files"]
        assert message["msg"]["markdown_text"] == (
            f'the plan\n[plan.txt]({key} "{path.stat().st_size} bytes")'
        )

    target = tmp_path / "got"
    target.mkdir()
    saved = await bob.ok("download", "plan.txt", "--session", alice.ocid, "-o", str(target))
    assert f"Saved 12 bytes to {target / 'plan.txt'}." in saved
    assert (target / "plan.txt").read_text() == "second plan\n"  # the newest of that name

    unknown = await bob.run("download", "nothing.txt", "--session", alice.ocid)
    assert unknown.exit_code == ExitCode.REFUSED
    assert unknown.stderr == (
        f"Error: No file named nothing.txt in session {session_id} — see the files sent there"
        f" with `ourchat history {alice.ocid}`\n"
    )
    outsider = await carol.run("download", "plan.txt", "--session", str(session_id))
    assert outsider.exit_code == ExitCode.REFUSED
    assert outsider.stderr.startswith(f"Error: You are not a member of session {session_id} — ")

    missing = await alice.run("send", bob.ocid, "--attach", str(tmp_path / "absent.txt"))
    assert missing.exit_code == ExitCode.USAGE
