"""``ourchat upload`` and ``ourchat download``, and how a file's name travels with it.

The protocol carries neither a file's name nor its size on Download. The command line keeps
both: ``upload`` notes them in ``files.json`` in the client config dir, and ``send --file KEY``
writes each file into the message as a markdown link, ``[photo.jpg](KEY "12345 bytes")``,
which every client shows as the file's name. ``download KEY`` takes the name and size from that
note, else from such a link in a message of the caller's sessions, and saves the file under
its name (made unique in the target directory), or at ``-o PATH``.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from ourchat.cli import config_store
from ourchat.cli import e2ee as cli_e2ee
from ourchat.cli.common import (
    JsonOpt,
    ServerOpt,
    err,
    fail,
    logged_in,
    out,
    print_json,
    require_member,
    run,
    session_arg,
)
from ourchat.cli.config_store import Profile
from ourchat.cli.file_links import FileInfo, from_links
from ourchat.cli.pending import REPLAY_IDLE_SECONDS, replay
from ourchat.cli.session_history import read_history
from ourchat.client import OurChatClient

FILES_RECORD = "files.json"


def _record_path() -> Path:
    return config_store.config_dir() / FILES_RECORD


def _read_record() -> dict[str, dict[str, object]]:
    try:
        data = json.loads(_record_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def remember(info: FileInfo) -> None:
    """Note the name and size of a file this user uploaded."""
    record = _read_record()
    record[info.key] = {"name": info.name, "size": info.size}
    config_store.write_private(_record_path(), (json.dumps(record, indent=2) + "\n").encode())


def recalled(key: str) -> FileInfo | None:
    """The noted name and size of ``key``, if this user uploaded it."""
    entry = _read_record().get(key)
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        return None
    size = entry.get("size")
    return FileInfo(key, str(entry["name"]), size if isinstance(size, int) else None)


async def find_file(client: OurChatClient, key: str) -> FileInfo | None:
    """Name and size of ``key``: noted at upload, else from a message that sends it."""
    known = recalled(key)
    if known is not None:
        return known
    found: FileInfo | None = None
    for event in await replay(client):
        if event.WhichOneof("respond_event_type") == "msg" and key in event.msg.involved_files:
            found = from_links(event.msg.markdown_text, key) or found
    return found


def safe_name(name: str, fallback: str) -> str:
    """A file name without directories or a leading dot (``fallback`` if nothing is left)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    return base or fallback


def unique_path(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name (1).ext``, ``name (2).ext``... if that exists."""
    candidate = directory / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
        candidate = directory / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    )


async def upload_one(
    client: OurChatClient, file: Path, *, session_id: int | None, auto_clean: bool = False
) -> FileInfo:
    """Upload ``file`` with a progress bar (members of ``session_id`` may read it) and note it."""
    size = (await asyncio.to_thread(file.stat)).st_size
    with _progress() as progress:
        task = progress.add_task(f"upload {file.name}", total=size)
        key = await client.upload_file(
            file,
            session_id=session_id,
            auto_clean=auto_clean,
            progress=lambda done, _total: progress.update(task, completed=done),
        )
    info = FileInfo(key, file.name, size)
    remember(info)
    return info


def upload(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    session: Annotated[
        str | None,
        typer.Option(
            help="let the members of this session (an id, or a friend's ocid) read the file"
        ),
    ] = None,
    auto_clean: Annotated[
        bool, typer.Option(help="let the server delete it after its retention time")
    ] = False,
    as_json: JsonOpt = False,
    server: ServerOpt = None,
) -> None:
    """Upload a file (streamed from disk); prints its key and how to send it."""

    async def main() -> None:
        session_id = await session_arg(server, session) if session is not None else None
        async with logged_in(server, session=session_id) as (client, _):
            info = await upload_one(client, file, session_id=session_id, auto_clean=auto_clean)
        key, size = info.key, file.stat().st_size
        if as_json:
            print_json({"key": key, "size": size, "name": file.name, "session_id": session_id})
            return
        out.print(f"Uploaded {file.name} ({size:,} bytes).", markup=False)
        out.print(f"key: {key}", markup=False, soft_wrap=True)
        if session_id is not None:
            out.print(f"Send it: ourchat send {session} --file {key}", markup=False, soft_wrap=True)
        else:
            out.print(
                "Only you can read it; to share it, upload it with --session ID.", markup=False
            )

    run(main, server=server)


def download(
    file: Annotated[
        str,
        typer.Argument(
            help="the file's key; with --session, also its name as the session's history shows it"
        ),
    ],
    session: Annotated[
        str | None,
        typer.Option(
            help="look the file up by name among the files sent in this session (an id, or a "
            "friend's ocid); the newest one of that name"
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="where to write it: a file, or a directory (default: the current one, "
            "under the file's name)",
        ),
    ] = None,
    server: ServerOpt = None,
) -> None:
    """Download a file by its key (or by its name in a session), under its original name."""

    async def main() -> None:
        session_id = await session_arg(server, session) if session is not None else None
        async with logged_in(server, session=session_id) as (client, profile):
            if session_id is None:
                info = await find_file(client, file)
            else:
                await require_member(client, session_id)
                info = await file_in_session(client, profile, session_id, file)
                if info is None:
                    fail(
                        f"No file named {file} in session {session_id}",
                        f"see the files sent there with `ourchat history {session}`",
                    )
            key = info.key if info is not None else file
            name = safe_name(info.name, key) if info is not None else safe_name(key, "download")
            if output is None or output.is_dir():
                target = unique_path(output or Path.cwd(), name)
            else:
                target = output
            total = info.size if info is not None else None
            with _progress() as progress:
                task = progress.add_task(f"download {target.name}", total=total)
                size = await client.download_file(
                    key,
                    target,
                    progress=lambda done, _total: progress.update(task, completed=done),
                )
        out.print(f"Saved {size:,} bytes to {target}.", markup=False, soft_wrap=True)

    run(main, server=server)


async def file_in_session(
    client: OurChatClient, profile: Profile, session_id: int, name_or_key: str
) -> FileInfo | None:
    """The newest file sent in ``session_id`` whose name (or key) is ``name_or_key``."""
    e2ee = cli_e2ee.open_session(client, profile)
    messages = await read_history(client, session_id, idle=REPLAY_IDLE_SECONDS, e2ee=e2ee)
    for message in reversed(messages):
        for key in reversed(message.msg.involved_files):
            info = from_links(message.msg.markdown_text, key) or FileInfo(key, key)
            if name_or_key in (info.name, info.key):
                return info
    return None
