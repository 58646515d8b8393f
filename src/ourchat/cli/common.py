"""Shared plumbing of the client commands: running them, errors as one clear line, output."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from typing import Annotated, Any, NoReturn

import typer
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from rich.console import Console

from ourchat import details
from ourchat.cli import config_store
from ourchat.cli.config_store import Profile
from ourchat.cli.exit_codes import ExitCode
from ourchat.client import (
    AccountValue,
    NotFoundError,
    OurChatClient,
    OurChatRpcError,
    PermissionDeniedError,
    SessionInfo,
    SessionValue,
    UnauthenticatedError,
    UnavailableError,
    UnimplementedError,
)

DEFAULT_SERVER = "127.0.0.1:7777"

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON for scripts")]
ServerOpt = Annotated[
    str | None,
    typer.Option(
        "--server",
        envvar="OURCHAT_SERVER",
        metavar="HOST:PORT",
        show_default=False,
        help=f"the server (default: the one you last logged in to, else {DEFAULT_SERVER})",
    ),
]

_LOGIN_AGAIN = "run `ourchat login`"

# What to do next, by the server's detail string. ``{session}`` is filled in with the id the
# command was given; without one, the hint in _HINTS_WITHOUT_ID is used.
_HINTS: dict[str, str] = {
    details.TOKEN_EXPIRED: _LOGIN_AGAIN,
    details.TOKEN_INVALID: _LOGIN_AGAIN,
    details.TOKEN_MISSING: _LOGIN_AGAIN,
    details.ACCOUNT_DELETED: "this account was deleted; `ourchat register` a new one",
    details.WRONG_PASSWORD: "check the password and try again",
    details.ACCOUNT_LOCKED: "too many failed logins; wait a while and try again",
    details.EMAIL_NOT_VERIFIED: "follow the link in the verification mail, then log in",
    details.USER_ALREADY_EXISTS: "that e-mail is taken; `ourchat login` instead",
    details.PASSWORD_NOT_STRONG: "choose a longer, less guessable password",
    details.SESSION_NOT_FOUND: "check the id with `ourchat sessions list`",
    details.USER_NOT_IN_SESSION: "ask to join with `ourchat sessions join {session}`",
    details.NOT_IN_SESSION: "ask to join with `ourchat sessions join {session}`",
    details.USER_MUTED: "you are muted in this session",
    details.USER_BANNED: "you are banned from this session",
    details.PERMISSION_DENIED: "your account or role does not allow this",
    details.FRIEND_INVITATION_NOT_FOUND: "no pending request from them (see `ourchat friends "
    "requests`); ask them to `ourchat friends add` you",
    details.FRIEND_NOT_FOUND: "see your friends with `ourchat friends list`",
    details.FRIEND_ALREADY_EXISTS: "you are friends already",
    details.SESSION_INVITATION_NOT_FOUND: "there is no pending invitation or request",
    details.USER_ALREADY_IN_SESSION: "already a member; see `ourchat sessions info {session}`",
    details.STORAGE_FULL: "your storage quota is used up; delete files first",
    details.FILE_NOT_FOUND: "check the key (`ourchat upload` printed it)",
    details.SERVER_MAINTAINING: "the server is in maintenance; try again later",
    details.TOO_MANY_REQUESTS: "slow down and try again in a moment",
    details.USERNAME_INVALID: "a name must not be empty and at most 60 bytes",
    details.EMAIL_INVALID: "give an address like name@example.com",
}
_HINTS_WITHOUT_ID: dict[str, str] = {
    details.USER_NOT_IN_SESSION: "you are not a member of that session",
    details.NOT_IN_SESSION: "you are not a member of that session",
    details.USER_ALREADY_IN_SESSION: "already a member; see `ourchat sessions list`",
}

# Terse details, followed by what they mean.
_EXPLANATIONS: dict[str, str] = {
    details.REQUEST_INVALID_VALUE: "the server found a value in the request it does not accept",
    details.PERMISSION_DENIED: "you may not do this here",
    details.CONFLICT: "that name or id is taken already",
    details.SERVER_ERROR: "the server failed; its log says why",
    details.NOT_IMPLEMENTED: "this server does not have that feature",
    details.FRIEND_LIMIT_REACHED: "you, or they, have as many friends as the server allows",
}

# UNAVAILABLE details the server itself sends (anything else means no connection).
_SERVER_UNAVAILABLE = {details.SHUTTING_DOWN, details.STREAM_LAGGED, details.DELIVERY_UNAVAILABLE}

# UNAUTHENTICATED answers to a login attempt (the server refused it; no stored login is wrong).
_LOGIN_REFUSED = {details.WRONG_PASSWORD, details.ACCOUNT_LOCKED, details.EMAIL_NOT_VERIFIED}

# Refusals that, for a session id that does not exist, mean "no such session".
_NOT_A_MEMBER = {details.USER_NOT_IN_SESSION, details.NOT_IN_SESSION, details.PERMISSION_DENIED}


class CliError(Exception):
    """A failure to report as one line (plus what to do next) with a non-zero exit."""

    def __init__(self, message: str, hint: str | None = None, code: int = ExitCode.REFUSED) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


def fail(message: str, hint: str | None = None, code: int = ExitCode.REFUSED) -> NoReturn:
    """Stop the command with one error line."""
    raise CliError(message, hint, code)


def usage_error(message: str, hint: str | None = None) -> NoReturn:
    """Stop the command with one error line about how it was called (exit 2)."""
    raise CliError(message, hint, ExitCode.USAGE)


def unreachable(server: str | None) -> CliError:
    """The error for a server that does not answer."""
    where = f" at {server}" if server else ""
    return CliError(
        f"Cannot reach the server{where}",
        "is it running? start one with `ourchat serve`, or choose another with "
        "--server HOST:PORT (or OURCHAT_SERVER)",
        code=ExitCode.UNREACHABLE,
    )


def _describe(exc: OurChatRpcError, server: str | None, session: int | None) -> CliError:
    detail = exc.detail or exc.code.name
    if isinstance(exc, UnavailableError) and detail not in _HINTS:
        if detail in _SERVER_UNAVAILABLE:
            return CliError(detail, "try again in a moment", code=ExitCode.UNREACHABLE)
        if _is_connection_failure(detail):
            return unreachable(server)
        return CliError(
            f"The connection to the server{f' at {server}' if server else ''} broke ({detail})",
            "try again in a moment",
            code=ExitCode.UNREACHABLE,
        )
    message = detail
    if detail in _EXPLANATIONS:
        message = f"{detail} ({_EXPLANATIONS[detail]})"
    if isinstance(exc, UnimplementedError):
        return CliError(message, "this server does not support that command yet")
    if isinstance(exc, UnauthenticatedError):
        code = ExitCode.REFUSED if detail in _LOGIN_REFUSED else ExitCode.LOGIN
        return CliError(message, _HINTS.get(detail, _LOGIN_AGAIN), code=code)
    if detail == details.SESSION_NOT_FOUND and session is not None:
        message = f"{detail}: {session}"
    hint = _HINTS.get(detail)
    if hint is not None and "{session}" in hint:
        hint = hint.format(session=session) if session is not None else _HINTS_WITHOUT_ID[detail]
    return CliError(message, hint)


def _is_connection_failure(detail: str) -> bool:
    """Whether an UNAVAILABLE detail from the gRPC library means "nobody answers there"."""
    text = detail.lower()
    return any(
        sign in text
        for sign in ("failed to connect", "connection refused", "errors resolving", "dns")
    )


def disconnect_reason(error: OurChatRpcError | None) -> str:
    """Why an event stream dropped, in a few words."""
    if error is None:
        return "the server ended the stream"
    if error.detail in _SERVER_UNAVAILABLE or error.detail in _HINTS:
        return error.detail
    return "cannot reach the server"


def report(error: CliError) -> None:
    """Print ``error`` as one line on stderr."""
    line = f"Error: {error.message}"
    if error.hint:
        line += f" — {error.hint}"
    err.print(line, markup=False, soft_wrap=True)


def run(
    main: Callable[[], Coroutine[Any, Any, None]],
    *,
    server: str | None = None,
    interrupt_ok: bool = False,
) -> None:
    """Run an async command; turn SDK errors into one line and an exit code.

    Args:
        main: the command's coroutine function.
        server: the ``--server`` given, for the "cannot reach" message.
        interrupt_ok: Ctrl-C is the normal way to end this command (exit 0).
    """
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        raise typer.Exit(ExitCode.OK if interrupt_ok else ExitCode.INTERRUPTED) from None
    except CliError as exc:
        report(exc)
        raise typer.Exit(exc.code) from None
    except OurChatRpcError as exc:
        error = _describe(exc, resolve_server(server), None)
        report(error)
        raise typer.Exit(error.code) from None


def resolve_server(server: str | None) -> str:
    """The server to talk to: ``--server``/OURCHAT_SERVER, else the current login's, else the
    default."""
    return server or config_store.current_server() or DEFAULT_SERVER


async def start_of_now(client: OurChatClient) -> int:
    """The FetchMsgs cursor for "only what happens from now on".

    One microsecond before the server's clock: an event stored in the very microsecond of the
    question is shown rather than lost (at worst one event from just before appears).
    """
    return await client.server_time_us() - 1


def require_profile(server: str | None = None) -> Profile:
    """The stored login for ``server`` (default: the current one), or a clear error."""
    profile = config_store.load(server)
    if profile is not None:
        return profile
    if server and config_store.servers():
        fail(
            f"Not logged in on {server}",
            f"run `ourchat login --server {server}` (you are logged in on "
            f"{', '.join(config_store.servers())})",
            code=ExitCode.LOGIN,
        )
    fail("Not logged in", "run `ourchat login` (or `ourchat register`)", code=ExitCode.LOGIN)


@contextlib.asynccontextmanager
async def logged_in(
    server: str | None = None, *, session: int | None = None
) -> AsyncIterator[tuple[OurChatClient, Profile]]:
    """A client for the stored login on ``server`` (default: the current login).

    With ``session`` (the session the command is about), a refusal that only says "not a
    member" is checked against the session itself, so a session that does not exist is
    reported as such, and hints name that session.
    """
    profile = require_profile(server)
    client = OurChatClient(profile.server, token=profile.token)
    client.user_id, client.ocid = profile.user_id, profile.ocid
    try:
        yield client, profile
    except OurChatRpcError as exc:
        if session is None:
            raise
        if exc.detail in _NOT_A_MEMBER:
            await require_session_exists(client, session)
        raise _describe(exc, profile.server, session) from None
    finally:
        await client.close()


async def require_member(client: OurChatClient, session_id: int) -> SessionInfo:
    """The name and members of a session the caller is in; else a clear error."""
    try:
        return await client.get_session_info(
            session_id=session_id,
            values=[
                SessionValue.Value("QUERY_VALUES_NAME"),
                SessionValue.Value("QUERY_VALUES_MEMBERS"),
            ],
        )
    except NotFoundError:
        fail(
            f"{details.SESSION_NOT_FOUND}: {session_id}",
            "check the id with `ourchat sessions list`",
        )
    except PermissionDeniedError:
        fail(
            f"You are not a member of session {session_id}",
            f"ask to join with `ourchat sessions join {session_id}`",
        )


async def require_session_exists(client: OurChatClient, session_id: int) -> None:
    """Stop with "Session Not Found" if there is no session ``session_id``."""
    try:
        await client.get_session_info(
            session_id=session_id, values=[SessionValue.Value("QUERY_VALUES_NAME")]
        )
    except NotFoundError:
        fail(
            f"{details.SESSION_NOT_FOUND}: {session_id}",
            "check the id with `ourchat sessions list`",
        )


async def resolve_user(client: OurChatClient, who: str) -> int:
    """A user id from an ocid, or from a numeric id."""
    try:
        return await client.get_id(who)
    except NotFoundError:
        if who.isdigit():
            return int(who)
        fail(f"{details.USER_NOT_FOUND}: {who}", "give an ocid or a numeric user id")


async def private_sessions(
    client: OurChatClient, me: int, sessions: Iterable[int]
) -> dict[int, int]:
    """friend id → the two-person session shared with them (unnamed ones preferred)."""
    found: dict[int, tuple[bool, int]] = {}
    values = [SessionValue.Value("QUERY_VALUES_NAME"), SessionValue.Value("QUERY_VALUES_MEMBERS")]
    for session_id in sessions:
        try:
            info = await client.get_session_info(session_id=session_id, values=values)
        except (NotFoundError, PermissionDeniedError):
            continue
        others = [m for m in info.members if m != me]
        if len(info.members) != 2 or len(others) != 1:
            continue
        unnamed = not info.name
        best = found.get(others[0])
        if best is None or (unnamed and not best[0]):
            found[others[0]] = (unnamed, session_id)
    return {friend: session for friend, (_, session) in found.items()}


async def session_arg(server: str | None, text: str) -> int:
    """A session given on the command line: its id, or a friend's ocid for your private session."""
    if text.isdigit():
        return int(text)
    async with logged_in(server) as (client, profile):
        try:
            friend_id = await client.get_id(text)
        except NotFoundError:
            usage_error(
                f"Not a session id or a friend's ocid: {text}",
                "see `ourchat sessions list` and `ourchat friends list`",
            )
        mine = await client.get_account_info(values=[AccountValue.Value("QUERY_VALUES_SESSIONS")])
        shared = await private_sessions(client, profile.user_id, mine.sessions)
    if friend_id not in shared:
        fail(
            f"{text} is not your friend",
            f"send a friend request with `ourchat friends add {text}`",
        )
    return shared[friend_id]


def parse_session(text: str) -> int:
    """A session id given on the command line."""
    if not text.isdigit():
        usage_error(
            f"Not a session id: {text}", "session ids are numbers; see `ourchat sessions list`"
        )
    return int(text)


class Names:
    """Looks up (and remembers) how to show users: display name, else user name, else id."""

    def __init__(self, client: OurChatClient) -> None:
        self.client = client
        self._cache: dict[int, tuple[str, str]] = {}

    async def lookup(self, user_id: int) -> tuple[str, str]:
        """``(name, ocid)`` of a user; the id itself when the server will not say."""
        if user_id not in self._cache:
            try:
                info = await self.client.get_account_info(
                    user_id=user_id,
                    values=(
                        AccountValue.Value("QUERY_VALUES_OCID"),
                        AccountValue.Value("QUERY_VALUES_USER_NAME"),
                        AccountValue.Value("QUERY_VALUES_DISPLAY_NAME"),
                    ),
                )
                name = info.display_name or info.user_name or f"#{user_id}"
                self._cache[user_id] = (name, info.ocid)
            except OurChatRpcError:
                self._cache[user_id] = (f"#{user_id}", "")
        return self._cache[user_id]

    async def name(self, user_id: int) -> str:
        """How to show a user."""
        return (await self.lookup(user_id))[0]

    async def label(self, user_id: int) -> str:
        """``name (ocid X)``: a person's name beside the ocid that commands take."""
        name, ocid = await self.lookup(user_id)
        return f"{name} (ocid {ocid})" if ocid else name


def iso_time(ts: Timestamp) -> str:
    """A timestamp as ISO 8601 UTC text."""
    moment = datetime.datetime.fromtimestamp(ts.ToMicroseconds() / 1e6, tz=datetime.UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def local_clock(ts: Timestamp) -> str:
    """A timestamp as local ``HH:MM:SS``."""
    return datetime.datetime.fromtimestamp(ts.ToMicroseconds() / 1e6).strftime("%H:%M:%S")


def to_jsonable(message: Message) -> dict[str, Any]:
    """A protobuf message as plain JSON values (ids stay numbers, times are ISO text).

    Fields with presence (optional, oneof, sub-messages) appear only when set; others always.
    """
    result: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        if field.has_presence and not message.HasField(field.name):
            continue
        value = getattr(message, field.name)
        if field.is_repeated:
            result[field.name] = [_jsonable_value(field, v) for v in value]
        else:
            result[field.name] = _jsonable_value(field, value)
    return result


def _jsonable_value(field: Any, value: Any) -> Any:
    if isinstance(value, Timestamp):
        return iso_time(value)
    if isinstance(value, Message):
        return to_jsonable(value)
    if field.type == field.TYPE_ENUM:
        return (
            field.enum_type.values_by_number[value].name
            if value in (field.enum_type.values_by_number)
            else value
        )
    if isinstance(value, bytes):
        return value.hex()
    return value


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def print_json_line(data: Any) -> None:
    """Print ``data`` as one line of JSON on stdout (for streams)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()
