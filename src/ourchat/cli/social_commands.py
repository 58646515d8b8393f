"""``ourchat friends ...`` and ``ourchat sessions ...``: friend requests, sessions, membership."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from ourchat import details
from ourchat.cli import answered
from ourchat.cli import e2ee as cli_e2ee
from ourchat.cli.common import (
    JsonOpt,
    Names,
    ServerOpt,
    fail,
    iso_time,
    logged_in,
    out,
    parse_session,
    print_json,
    private_sessions,
    require_member,
    resolve_user,
    run,
    usage_error,
)
from ourchat.cli.pending import (
    REPLAY_IDLE_SECONDS,
    pending_friend_requests,
    pending_join_requests,
    replay,
)
from ourchat.client import (
    AccountValue,
    NotFoundError,
    PermissionDeniedError,
    SessionValue,
)

friends_app = typer.Typer(help="Friend requests and your friends.", no_args_is_help=True)
sessions_app = typer.Typer(
    help="Group sessions: create, inspect, invite, join, answer requests, leave.",
    no_args_is_help=True,
)

UserArg = Annotated[str, typer.Argument(help="the user's ocid (or numeric id)")]
SessionArg = Annotated[str, typer.Argument(help="session id")]
MessageOpt = Annotated[str | None, typer.Option("--message", "-m", help="a note to send along")]

_SESSION_PUBLIC = [
    SessionValue.Value(name)
    for name in (
        "QUERY_VALUES_SESSION_ID",
        "QUERY_VALUES_NAME",
        "QUERY_VALUES_AVATAR_KEY",
        "QUERY_VALUES_CREATED_TIME",
        "QUERY_VALUES_UPDATED_TIME",
        "QUERY_VALUES_SIZE",
        "QUERY_VALUES_DESCRIPTION",
    )
]
_SESSION_MEMBERS = [
    SessionValue.Value("QUERY_VALUES_MEMBERS"),
    SessionValue.Value("QUERY_VALUES_ROLES"),
]
_ROLE_NAMES = {1: "member", 2: "admin", 3: "owner"}
_FAILED_REASONS = {1: "no such user", 2: "refused (banned, or does not accept invitations)"}


def _reason(code: int) -> str:
    return _FAILED_REASONS.get(code, f"reason {code}")


def _print_table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "ocid", "session"))
    for row in rows:
        table.add_row(*row)
    out.print(table)


# Friends ---------------------------------------------------------------------------------


@friends_app.command("add")
def friends_add(
    user: UserArg,
    message: MessageOpt = None,
    display_name: Annotated[
        str | None, typer.Option("--name", help="the name you will see them under")
    ] = None,
    server: ServerOpt = None,
) -> None:
    """Send a friend request."""

    async def main() -> None:
        async with logged_in(server) as (client, profile):
            friend_id = await resolve_user(client, user)
            if friend_id == profile.user_id:
                usage_error(
                    "You cannot add yourself as a friend",
                    "give the other person's ocid (`ourchat whoami` shows them theirs)",
                )
            await client.add_friend(
                friend_id=friend_id, leave_message=message, display_name=display_name
            )
            who = await Names(client).label(friend_id)
        out.print(
            f"Friend request sent to {who}; they see it with `ourchat friends requests`.",
            markup=False,
        )

    run(main, server=server)


def _answer_friend_request(
    user: str, *, accept: bool, message: str | None, server: str | None
) -> None:
    async def main() -> None:
        async with logged_in(server) as (client, _):
            friend_id = await resolve_user(client, user)
            response = await client.accept_friend_invitation(
                friend_id=friend_id, accept=accept, leave_message=message
            )
            who = await Names(client).label(friend_id)
        if not accept:
            out.print(f"Declined the friend request of {who}.", markup=False)
        else:
            out.print(
                f"You and {who} are friends; your private session is {response.session_id} "
                f"(`ourchat chat {response.session_id}`).",
                markup=False,
            )

    run(main, server=server)


@friends_app.command("accept")
def friends_accept(
    user: UserArg,
    decline: Annotated[bool, typer.Option("--decline", help="say no instead")] = False,
    message: MessageOpt = None,
    server: ServerOpt = None,
) -> None:
    """Answer a friend request (accept, or --decline)."""
    _answer_friend_request(user, accept=not decline, message=message, server=server)


@friends_app.command("decline")
def friends_decline(user: UserArg, message: MessageOpt = None, server: ServerOpt = None) -> None:
    """Say no to a friend request."""
    _answer_friend_request(user, accept=False, message=message, server=server)


IdleOpt = Annotated[
    float,
    typer.Option(help="seconds without events after which the replay counts as finished"),
]


@friends_app.command("requests")
def friends_requests(
    idle: IdleOpt = REPLAY_IDLE_SECONDS, as_json: JsonOpt = False, server: ServerOpt = None
) -> None:
    """Friend requests waiting for an answer: to you (with who sent them) and from you."""

    async def main() -> None:
        async with logged_in(server) as (client, profile):
            mine = await client.get_account_info(
                values=[AccountValue.Value("QUERY_VALUES_FRIENDS")]
            )
            events = await replay(client, idle=idle)
            names = Names(client)
            incoming: list[dict[str, Any]] = []
            outgoing: list[dict[str, Any]] = []
            for req in pending_friend_requests(events, friends=mine.friends):
                mine_to_send = req.inviter_id == profile.user_id
                other = req.invitee_id if mine_to_send else req.inviter_id
                name, ocid = await names.lookup(other)
                entry = {
                    "id": other,
                    "ocid": ocid,
                    "name": name,
                    "message": req.message or None,
                    "time": iso_time(req.event.time),
                }
                (outgoing if mine_to_send else incoming).append(entry)
        if as_json:
            print_json({"incoming": incoming, "outgoing": outgoing})
            return
        if not incoming and not outgoing:
            out.print("No friend requests waiting.", markup=False)
            return
        for title, entries, what in (
            ("To you", incoming, "`ourchat friends accept {ocid}` or `decline {ocid}`"),
            ("From you", outgoing, "waiting for their answer"),
        ):
            if not entries:
                continue
            out.print(f"{title}:", markup=False)
            for e in entries:
                note = f": “{e['message']}”" if e["message"] else ""
                handle = e["ocid"] or e["id"]
                out.print(
                    f"  {e['name']} (ocid {handle}), {e['time']}{note} — "
                    f"{what.format(ocid=handle)}",
                    markup=False,
                )

    run(main, server=server)


@friends_app.command("list")
def friends_list(as_json: JsonOpt = False, server: ServerOpt = None) -> None:
    """List your friends (with the private session you share)."""

    async def main() -> None:
        async with logged_in(server) as (client, profile):
            mine = await client.get_account_info(
                values=[
                    AccountValue.Value("QUERY_VALUES_FRIENDS"),
                    AccountValue.Value("QUERY_VALUES_SESSIONS"),
                ]
            )
            private = await private_sessions(client, profile.user_id, list(mine.sessions))
            friends: list[dict[str, Any]] = []
            for friend_id in mine.friends:
                info = await client.get_account_info(
                    user_id=friend_id,
                    values=[
                        AccountValue.Value("QUERY_VALUES_OCID"),
                        AccountValue.Value("QUERY_VALUES_USER_NAME"),
                        AccountValue.Value("QUERY_VALUES_DISPLAY_NAME"),
                    ],
                )
                friends.append(
                    {
                        "id": friend_id,
                        "ocid": info.ocid,
                        "user_name": info.user_name,
                        "display_name": info.display_name or None,
                        "session_id": private.get(friend_id),
                    }
                )
        if as_json:
            print_json(friends)
            return
        if not friends:
            out.print("No friends yet — `ourchat friends add OCID`.", markup=False)
            return
        rows = [
            [
                f["ocid"],
                str(f["id"]),
                f["user_name"],
                f["display_name"] or "",
                str(f["session_id"] or ""),
            ]
            for f in friends
        ]
        _print_table("Friends", ["ocid", "id", "name", "alias", "session"], rows)

    run(main, server=server)


@friends_app.command("remove")
def friends_remove(user: UserArg, server: ServerOpt = None) -> None:
    """End a friendship (your private session with them is deleted)."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            friend_id = await resolve_user(client, user)
            who = await Names(client).label(friend_id)
            await client.delete_friend(friend_id=friend_id)
        out.print(f"{who} is no longer your friend.", markup=False)

    run(main, server=server)


@friends_app.command("rename")
def friends_rename(
    user: UserArg,
    name: Annotated[str, typer.Argument(help="the name you see them under")],
    server: ServerOpt = None,
) -> None:
    """Choose the name under which you see a user."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            user_id = await resolve_user(client, user)
            await client.set_friend_info(user_id=user_id, display_name=name)
        out.print(f"You now see {user} as {name}.", markup=False)

    run(main, server=server)


# Sessions --------------------------------------------------------------------------------


@sessions_app.command("new")
def sessions_new(
    members: Annotated[
        list[str] | None,
        typer.Argument(help="ocids (or ids) to add: friends join, others are invited"),
    ] = None,
    name: Annotated[str | None, typer.Option(help="the session's name")] = None,
    message: MessageOpt = None,
    e2ee: Annotated[
        bool, typer.Option("--e2ee", help="end-to-end encrypted: only members read messages")
    ] = False,
    as_json: JsonOpt = False,
    server: ServerOpt = None,
) -> None:
    """Create a group session that you own."""

    async def main() -> None:
        async with logged_in(server) as (client, profile):
            ids = [await resolve_user(client, m) for m in members or []]
            if e2ee:
                keys = cli_e2ee.open_session(client, profile, required=True)
                assert keys is not None
                response = await keys.new_session(members=ids, name=name, leave_message=message)
                await keys.catch_up(idle=cli_e2ee.CATCH_UP_IDLE_SECONDS)  # makes the first key
            else:
                response = await client.new_session(members=ids, name=name, leave_message=message)
        failed = [{"id": f.id, "reason": _reason(f.reason)} for f in response.failed_members]
        if as_json:
            print_json({"session_id": response.session_id, "failed_members": failed})
            return
        kind = "end-to-end encrypted session" if e2ee else "session"
        out.print(f"Created {kind} {response.session_id}.", markup=False)
        for f in response.failed_members:
            out.print(f"Could not add user {f.id}: {_reason(f.reason)}.", markup=False)

    run(main, server=server)


@sessions_app.command("list")
def sessions_list(as_json: JsonOpt = False, server: ServerOpt = None) -> None:
    """List the sessions you are a member of."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            mine = await client.get_account_info(
                values=[AccountValue.Value("QUERY_VALUES_SESSIONS")]
            )
            sessions: list[dict[str, Any]] = []
            values = [
                SessionValue.Value("QUERY_VALUES_NAME"),
                SessionValue.Value("QUERY_VALUES_SIZE"),
            ]
            for session_id in mine.sessions:
                try:
                    info = await client.get_session_info(session_id=session_id, values=values)
                except NotFoundError:
                    continue
                sessions.append({"session_id": session_id, "name": info.name, "size": info.size})
        if as_json:
            print_json(sessions)
            return
        if not sessions:
            out.print("No sessions yet — `ourchat sessions new`.", markup=False)
            return
        rows = [[str(s["session_id"]), s["name"], str(s["size"])] for s in sessions]
        _print_table("Sessions", ["id", "name", "members"], rows)

    run(main, server=server)


@sessions_app.command("info")
def sessions_info(session: SessionArg, as_json: JsonOpt = False, server: ServerOpt = None) -> None:
    """Show a session (members and roles only to its members)."""

    async def main() -> None:
        session_id = parse_session(session)
        async with logged_in(server, session=session_id) as (client, _):
            try:
                info = await client.get_session_info(
                    session_id=session_id, values=_SESSION_PUBLIC + _SESSION_MEMBERS
                )
            except PermissionDeniedError:
                info = await client.get_session_info(session_id=session_id, values=_SESSION_PUBLIC)
            names = Names(client)
            roles = {r.user_id: _ROLE_NAMES.get(r.role, f"role {r.role}") for r in info.roles}
            members = [
                {
                    "id": m,
                    "name": await names.name(m),
                    "ocid": (await names.lookup(m))[1],
                    "role": roles.get(m),
                }
                for m in info.members
            ]
        data: dict[str, Any] = {
            "session_id": session_id,
            "name": info.name,
            "description": info.description if info.HasField("description") else None,
            "avatar_key": info.avatar_key or None,
            "size": info.size,
            "created_time": iso_time(info.created_time) if info.HasField("created_time") else None,
            "updated_time": iso_time(info.updated_time) if info.HasField("updated_time") else None,
            "members": members,
        }
        if as_json:
            print_json(data)
            return
        out.print(f"Session {session_id}: {info.name or '(no name)'}", markup=False)
        if data["description"]:
            out.print(f"description: {data['description']}", markup=False)
        out.print(f"members: {info.size} · created: {data['created_time']}", markup=False)
        if members:
            rows = [
                [str(m["ocid"]), str(m["id"]), str(m["name"]), str(m["role"] or "")]
                for m in members
            ]
            _print_table("Members", ["ocid", "id", "name", "role"], rows)

    run(main, server=server)


@sessions_app.command("invite")
def sessions_invite(
    session: SessionArg, user: UserArg, message: MessageOpt = None, server: ServerOpt = None
) -> None:
    """Invite a user into a session."""

    async def main() -> None:
        session_id = parse_session(session)
        async with logged_in(server, session=session_id) as (client, _):
            invitee = await resolve_user(client, user)
            response = await client.invite_user_to_session(
                session_id=session_id, invitee=invitee, leave_message=message
            )
            if response.HasField("failed_member"):
                fail(f"Could not invite {user}: {_reason(response.failed_member.reason)}")
            who = await Names(client).label(invitee)
        out.print(
            f"Invited {who} to session {session_id}; they join with "
            f"`ourchat sessions join {session_id}`.",
            markup=False,
        )

    run(main, server=server)


@sessions_app.command("join")
def sessions_join(
    session: SessionArg, message: MessageOpt = None, server: ServerOpt = None
) -> None:
    """Join a session: accept your invitation, or else ask its moderators to let you in."""

    async def main() -> None:
        session_id = parse_session(session)
        async with logged_in(server, session=session_id) as (client, _):
            try:
                await client.accept_join_session_invitation(session_id=session_id)
            except NotFoundError as exc:
                if exc.detail != details.SESSION_INVITATION_NOT_FOUND:
                    raise
            else:
                out.print(f"Joined session {session_id}.", markup=False)
                return
            await client.join_session(session_id=session_id, leave_message=message)
        out.print(
            f"Asked to join session {session_id}; a moderator must accept your request.",
            markup=False,
        )

    run(main, server=server)


@sessions_app.command("decline")
def sessions_decline(session: SessionArg, server: ServerOpt = None) -> None:
    """Decline an invitation into a session."""

    async def main() -> None:
        session_id = parse_session(session)
        async with logged_in(server, session=session_id) as (client, _):
            await client.accept_join_session_invitation(session_id=session_id, accepted=False)
        out.print(f"Declined the invitation to session {session_id}.", markup=False)

    run(main, server=server)


@sessions_app.command("allow")
def sessions_allow(
    session: SessionArg,
    user: UserArg,
    deny: Annotated[bool, typer.Option("--deny", help="refuse the request instead")] = False,
    server: ServerOpt = None,
) -> None:
    """Answer a user's request to join a session you moderate."""

    async def main() -> None:
        session_id = parse_session(session)
        async with logged_in(server, session=session_id) as (client, profile):
            user_id = await resolve_user(client, user)
            await client.allow_user_join_session(
                session_id=session_id, user_id=user_id, accepted=not deny
            )
            answered.note_answer(profile.server, session_id, user_id, await client.server_time_us())
            who = await Names(client).label(user_id)
        if deny:
            out.print(f"Refused the request of {who} to join session {session_id}.", markup=False)
        else:
            out.print(f"Let {who} into session {session_id}.", markup=False)

    run(main, server=server)


@sessions_app.command("requests")
def sessions_requests(
    session: SessionArg,
    idle: IdleOpt = REPLAY_IDLE_SECONDS,
    as_json: JsonOpt = False,
    server: ServerOpt = None,
) -> None:
    """Requests to join a session you are in, from people not in it yet (oldest first).

    Requests you answered with `ourchat sessions allow` are left out (until asked again). One
    another moderator refused stays listed: the server tells only the applicant.
    """

    async def main() -> None:
        session_id = parse_session(session)
        async with logged_in(server, session=session_id) as (client, profile):
            info = await require_member(client, session_id)
            events = await replay(client, idle=idle)
            names = Names(client)
            requests = []
            for req in pending_join_requests(events, session_id, members=info.members):
                answer_us = answered.answered_at(profile.server, session_id, req.user_id)
                if answer_us is not None and req.event.time.ToMicroseconds() <= answer_us:
                    continue
                name, ocid = await names.lookup(req.user_id)
                requests.append(
                    {
                        "id": req.user_id,
                        "ocid": ocid,
                        "name": name,
                        "message": req.message or None,
                        "time": iso_time(req.event.time),
                    }
                )
        if as_json:
            print_json(requests)
            return
        if not requests:
            out.print(f"No requests to join session {session_id}.", markup=False)
            return
        out.print(f"Requests to join session {session_id}:", markup=False)
        for r in requests:
            note = f": “{r['message']}”" if r["message"] else ""
            handle = r["ocid"] or r["id"]
            out.print(
                f"  {r['name']} (ocid {handle}), {r['time']}{note} — "
                f"`ourchat sessions allow {session_id} {handle}` (or --deny)",
                markup=False,
            )

    run(main, server=server)


@sessions_app.command("leave")
def sessions_leave(session: SessionArg, server: ServerOpt = None) -> None:
    """Leave a session."""

    async def main() -> None:
        session_id = parse_session(session)
        async with logged_in(server, session=session_id) as (client, _):
            await client.leave_session(session_id=session_id)
        out.print(f"Left session {session_id}.", markup=False)

    run(main, server=server)
