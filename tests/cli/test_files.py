"""``ourchat upload`` / ``ourchat download``: identical bytes back, and who may read a file."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from ourchat import details
from tests.cli.support import CliUser

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
    assert f"Saved {original.stat().st_size} bytes" in saved
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
    registered: Registered, tmp_path: Path
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    await alice.ok("friends", "add", bob.ocid)
    await bob.ok("friends", "accept", alice.ocid)
    session_id = (await bob.json("friends", "list"))[0]["session_id"]
    notes = tmp_path / "notes.txt"
    notes.write_text("shared notes\n" * 1000)

    key = (await alice.ok("upload", str(notes), "--session", str(session_id))).strip()
    target = tmp_path / "downloads"
    target.mkdir()
    await bob.ok("download", key, "-o", str(target))
    assert (target / key).read_bytes() == notes.read_bytes()
