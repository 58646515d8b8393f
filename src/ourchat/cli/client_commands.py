"""Client commands: account (register, login, logout, whoami), messages, events and files.

Every command talks to the server through the SDK (``ourchat.client``) with the login stored by
``ourchat login`` (see :mod:`ourchat.cli.config_store`); none imports the server.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ourchat.cli import chat, config_store, file_commands, social_commands
from ourchat.cli import e2ee as cli_e2ee
from ourchat.cli.common import (
    JsonOpt,
    Names,
    ServerOpt,
    disconnect_reason,
    err,
    iso_time,
    local_clock,
    logged_in,
    out,
    print_json,
    print_json_line,
    require_member,
    resolve_server,
    run,
    session_arg,
    start_of_now,
    usage_error,
)
from ourchat.cli.config_store import Profile
from ourchat.cli.file_links import FileInfo, link, show_files
from ourchat.cli.pending import REPLAY_IDLE_SECONDS
from ourchat.cli.render import describe, event_json
from ourchat.cli.session_history import read_history
from ourchat.client import (
    OurChatClient,
    OurChatRpcError,
    new_key_pair,
)

PasswordOpt = Annotated[
    str,
    typer.Option(
        prompt=True,
        hide_input=True,
        envvar="OURCHAT_PASSWORD",
        help="password (prompted if not given; or set OURCHAT_PASSWORD)",
    ),
]

#: Default seconds without any event after which `history` decides the replay is over.
HISTORY_IDLE_SECONDS = REPLAY_IDLE_SECONDS


# Account ---------------------------------------------------------------------------------


def register(
    email: Annotated[str, typer.Option(prompt=True, help="your e-mail address")],
    name: Annotated[str, typer.Option(prompt=True, help="the name others see")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="OURCHAT_PASSWORD",
            help="password (prompted if not given; or set OURCHAT_PASSWORD)",
        ),
    ],
    ocid: Annotated[
        str | None,
        typer.Option(help="the id others add you by (default: one the server makes up)"),
    ] = None,
    server: ServerOpt = None,
) -> None:
    """Create an account on a server and log in as it.

    A new RSA key pair is made for the account; its private key is kept next to the login.
    """
    server = resolve_server(server)

    async def main() -> None:
        keys = new_key_pair()
        async with OurChatClient(server) as client:
            response = await client.register(email, password, name, keys.public_der)
            chosen = response.ocid
            if ocid is not None and response.token:
                client.token = response.token
                try:
                    await client.set_self_info(ocid=ocid)
                    chosen = ocid
                except OurChatRpcError as exc:
                    err.print(
                        f"Could not take the ocid {ocid} ({exc.detail}); yours is {response.ocid}.",
                        markup=False,
                    )
        key_path = config_store.save_private_key(chosen, keys.private_pem)
        out.print(
            f"Registered {name} (ocid {chosen}, id {response.id}) on {server}.",
            markup=False,
        )
        out.print(f"Private key saved to {key_path}.", markup=False)
        if not response.token:
            out.print(
                "Verify your e-mail address (see the mail from the server), then run "
                "`ourchat login`.",
                markup=False,
            )
            return
        config_store.save(Profile(server, response.token, response.id, chosen, email))
        out.print("You are logged in.", markup=False)

    run(main, server=server)


def login(
    account: Annotated[str, typer.Argument(help="e-mail address or ocid")],
    password: PasswordOpt,
    server: ServerOpt = None,
) -> None:
    """Log in and keep the token (in the user config dir, readable only by you)."""
    server = resolve_server(server)

    async def main() -> None:
        by_email = "@" in account
        async with OurChatClient(server) as client:
            if by_email:
                response = await client.login(password, email=account)
            else:
                response = await client.login(password, ocid=account)
        path = config_store.save(
            Profile(
                server, response.token, response.id, response.ocid, account if by_email else None
            )
        )
        out.print(
            f"Logged in as {response.ocid} (id {response.id}) on {server}; login kept in {path}.",
            markup=False,
        )

    run(main, server=server)


def logout(server: ServerOpt = None) -> None:
    """Forget the stored login (of the current server, or of --server)."""
    profile = config_store.load(server)
    if profile is None or config_store.remove(profile.server) is None:
        out.print("Not logged in." if server is None else f"Not logged in on {server}.")
        return
    out.print(
        f"Logged out of {profile.server} (login removed from {config_store.credentials_path()}).",
        markup=False,
    )


def whoami(as_json: JsonOpt = False, server: ServerOpt = None) -> None:
    """Show the logged-in account."""

    async def main() -> None:
        async with logged_in(server) as (client, profile):
            info = await client.get_account_info()
        data = {
            "server": profile.server,
            "id": profile.user_id,
            "ocid": info.ocid,
            "user_name": info.user_name,
            "email": info.email,
            "status": info.status if info.HasField("status") else None,
            "avatar_key": info.avatar_key or None,
            "register_time": iso_time(info.register_time)
            if info.HasField("register_time")
            else None,
            "sessions": list(info.sessions),
            "friends": list(info.friends),
        }
        if as_json:
            print_json(data)
            return
        out.print(
            f"{info.user_name} (ocid {info.ocid}, id {profile.user_id}) on {profile.server}",
            markup=False,
        )
        out.print(f"e-mail: {info.email}", markup=False)
        if data["status"]:
            out.print(f"status: {data['status']}", markup=False)
        if data["register_time"]:
            out.print(f"registered: {data['register_time']}", markup=False)
        out.print(f"sessions: {len(info.sessions)} · friends: {len(info.friends)}", markup=False)

    run(main, server=server)


# Messages --------------------------------------------------------------------------------


def send(
    session: Annotated[
        str, typer.Argument(help="session id, or a friend's ocid for your private session")
    ],
    text: Annotated[
        str | None,
        typer.Argument(help="the message (markdown); - reads standard input"),
    ] = None,
    attach: Annotated[
        list[Path] | None,
        typer.Option(
            "--attach",
            exists=True,
            dir_okay=False,
            readable=True,
            help="a file to upload for the session's members and send along (repeatable)",
        ),
    ] = None,
    files: Annotated[
        list[str] | None,
        typer.Option("--file", help="the key of an uploaded file to send along (repeatable)"),
    ] = None,
    as_json: JsonOpt = False,
    server: ServerOpt = None,
) -> None:
    """Send a message to a session, with files: --attach PATH uploads them first."""

    async def main() -> None:
        session_id = await session_arg(server, session)
        body = sys.stdin.read().rstrip("\n") if text == "-" else (text or "")
        if not body.strip() and not files and not attach:
            usage_error("Empty message", "give the text to send, or --attach PATH")
        async with logged_in(server, session=session_id) as (client, profile):
            uploaded = [
                await file_commands.upload_one(client, path, session_id=session_id)
                for path in attach or []
            ]
            keys = [*(files or []), *(f.key for f in uploaded)]
            named = [file_commands.recalled(k) or FileInfo(k, k) for k in keys]
            links = [link(f) for f in named if f.name != f.key]
            body = "\n".join(part for part in (body, *links) if part.strip()) or " ".join(keys)
            e2ee = await cli_e2ee.ready_session(client, profile)
            response = await cli_e2ee.send_text(client, e2ee, session_id, body, involved_files=keys)
        if as_json:
            print_json({"msg_id": response.msg_id, "time": iso_time(response.time)})
        else:
            out.print(f"Sent (message {response.msg_id}).", markup=False)

    run(main, server=server)


def listen(
    replay_all: Annotated[
        bool, typer.Option("--all", help="first replay every stored event, from the start")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    server: ServerOpt = None,
) -> None:
    """Print incoming events as they arrive, until Ctrl-C (reconnects by itself)."""

    def on_disconnect(error: OurChatRpcError | None, delay: float) -> None:
        reason = disconnect_reason(error)
        err.print(f"connection lost ({reason}); reconnecting in {delay:.1f}s", markup=False)

    async def main() -> None:
        async with logged_in(server) as (client, profile):
            since = 0 if replay_all else await start_of_now(client)
            names = Names(client)
            err.print(
                f"Listening as {profile.ocid} on {profile.server} — Ctrl-C to stop.", markup=False
            )
            e2ee = cli_e2ee.open_session(client, profile)
            stream = cli_e2ee.readable_events(client, e2ee, since, on_disconnect=on_disconnect)
            async for event in stream:
                if as_json:
                    print_json_line(event_json(event))
                else:
                    out.print(await describe(event, names, profile.user_id), markup=False)

    run(main, server=server, interrupt_ok=True)


def history(
    session: Annotated[
        str, typer.Argument(help="session id, or a friend's ocid for your private session")
    ],
    limit: Annotated[int, typer.Option(help="show only the newest N messages (0: all)")] = 0,
    idle: Annotated[
        float,
        typer.Option(help="seconds without events after which the replay counts as finished"),
    ] = HISTORY_IDLE_SECONDS,
    as_json: JsonOpt = False,
    server: ServerOpt = None,
) -> None:
    """Show a session's messages, oldest first (replayed from your event stream)."""

    async def main() -> None:
        session_id = await session_arg(server, session)
        async with logged_in(server, session=session_id) as (client, profile):
            await require_member(client, session_id)
            e2ee = cli_e2ee.open_session(client, profile)
            messages = await read_history(
                client, session_id, idle=idle, limit=limit or None, e2ee=e2ee
            )
            if as_json:
                print_json([event_json(m) for m in messages])
                return
            names = Names(client)
            if not messages:
                out.print(f"No messages in session {session_id}.", markup=False)
            for m in messages:
                sender = m.msg.sender_id
                who = "you" if sender == profile.user_id else await names.name(sender)
                text = show_files(m.msg.markdown_text, list(m.msg.involved_files))
                out.print(f"[{local_clock(m.time)}] #{m.msg_id} {who}: {text}", markup=False)

    run(main, server=server)


def register_commands(app: typer.Typer) -> None:
    """Add every client command to the ``ourchat`` application."""
    for command in (register, login, logout, whoami, send, listen, history):
        app.command()(command)
    app.command()(file_commands.upload)
    app.command()(file_commands.download)
    app.command(name="chat")(chat.chat)
    app.add_typer(social_commands.friends_app, name="friends")
    app.add_typer(social_commands.sessions_app, name="sessions")
