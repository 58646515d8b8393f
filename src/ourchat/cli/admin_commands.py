"""``ourchat admin ...``: running the server.

``grant`` and ``revoke`` work straight on the database of the server on this machine (the same
``--config`` / ``--data-dir`` / ``OURCHAT_*`` settings as ``ourchat serve``), which is how the
first administrator is made; with ``--remote`` they go over the wire like every other admin
command, which uses the stored login (``ourchat login``) of an account holding a server role.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from typing import Annotated, Any

import typer
from rich.table import Table

from ourchat.cli.common import (
    JsonOpt,
    ServerOpt,
    fail,
    iso_time,
    logged_in,
    out,
    print_json,
    resolve_user,
    run,
    to_jsonable,
)
from ourchat.cli.serve import ConfigOpt, DataDirOpt
from ourchat.client import MonitoringMetrics

admin_app = typer.Typer(
    help="Run the server: maintenance, announcements, users, bans, roles, settings, health.",
    no_args_is_help=True,
)
config_app = typer.Typer(help="Read or change the server's settings.", no_args_is_help=True)
admin_app.add_typer(config_app, name="config")

UserArg = Annotated[str, typer.Argument(help="the account's ocid (or numeric id)")]
RoleOpt = Annotated[int, typer.Option("--role", help="server role id (1: administrator)")]
RemoteOpt = Annotated[
    bool,
    typer.Option("--remote", help="over the wire with your login, not on this machine's database"),
]
PageOpt = Annotated[int, typer.Option("--page", help="page number, from 1")]
PageSizeOpt = Annotated[int, typer.Option("--page-size", help="rows per page (at most 100)")]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_STATUS_NAMES = {0: "running", 1: "running", 2: "maintenance"}


def parse_duration(text: str) -> int:
    """Seconds in ``90``, ``30s``, ``10m``, ``1h30m``, ``2d``, ``1w``."""
    if text.isdigit():
        return int(text)
    parts = re.fullmatch(r"(?:\d+[smhdw])+", text.strip().lower())
    if not parts:
        fail(f"Not a duration: {text}", "write it like 30s, 10m, 1h or 2d")
    seconds = sum(int(n) * _UNITS[u] for n, u in re.findall(r"(\d+)([smhdw])", text.lower()))
    if seconds <= 0:
        fail(f"Not a duration: {text}", "it must be longer than zero")
    return seconds


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    out.print(table)


def _time(ts: Any, present: bool = True) -> str:
    return iso_time(ts) if present else "—"


# Status and maintenance -----------------------------------------------------------------


@admin_app.command("status")
def status(json_out: JsonOpt = False, server: ServerOpt = None) -> None:
    """Whether the server runs or is in maintenance, and its main figures."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            info = await client.get_server_info()
            # In maintenance only SetServerStatus answers: no figures then.
            metrics = await client.monitoring_metrics() if info.status != 2 else None
        version = info.server_version
        data = {
            "status": _STATUS_NAMES.get(info.status, str(info.status)),
            "server_name": info.server_name,
            "version": f"{version.major}.{version.minor}.{version.patch}",
            "metrics": to_jsonable(metrics) if metrics is not None else None,
        }
        if json_out:
            print_json(data)
            return
        out.print(f"{info.server_name} {data['version']}: {data['status']}")
        if metrics is not None:
            _print_metrics(metrics)

    run(main, server=server)


def _print_metrics(m: MonitoringMetrics) -> None:
    rows = [
        ["open streams", str(m.active_connections)],
        ["accounts", str(m.total_users)],
        ["sessions (active in the last hour)", f"{m.total_sessions} ({m.active_sessions})"],
        ["messages per second (last minute)", f"{m.messages_per_second:.2f}"],
        ["uptime", str(datetime.timedelta(seconds=m.uptime_seconds))],
        ["database connections in use", str(m.database_connections)],
        ["bus connections", str(m.rabbitmq_connections)],
    ]
    if m.HasField("cpu_usage_percent"):
        rows.append(
            [
                "host CPU / memory / disk",
                f"{m.cpu_usage_percent:.0f} % / "
                f"{m.memory_usage_percent:.0f} % / {m.disk_usage_percent:.0f} %",
            ]
        )
    if m.HasField("tokio"):
        rows.append(["server processes", str(m.tokio.runtime.workers_count)])
        rows.append(["event-loop lag", f"{m.tokio.task.mean_scheduled_duration / 1000:.1f} ms"])
    _table("", ["figure", "value"], rows)


@admin_app.command("maintenance")
def maintenance_command(
    state: Annotated[str, typer.Argument(help="on or off")],
    reason: Annotated[str, typer.Option("--reason", help="why (logged)")] = "",
    server: ServerOpt = None,
) -> None:
    """Put the whole server into maintenance, or back to normal."""
    if state not in ("on", "off"):
        fail(f"Not on or off: {state}", "use `ourchat admin maintenance on` or `... off`")

    async def main() -> None:
        async with logged_in(server) as (client, _):
            await client.set_maintenance(state == "on", reason)
        out.print(
            "The server is in maintenance until `ourchat admin maintenance off`."
            if state == "on"
            else "The server is running normally."
        )

    run(main, server=server)


@admin_app.command("announce")
def announce(
    title: Annotated[str, typer.Argument(help="headline")],
    text: Annotated[str, typer.Argument(help="the announcement")],
    server: ServerOpt = None,
) -> None:
    """Announce something to every account (also those who register later)."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            published = await client.publish_announcement(title, text)
        out.print(f"Announcement {published.id} published.")

    run(main, server=server)


# Users, bans and accounts ---------------------------------------------------------------


@admin_app.command("users")
def users(
    email: Annotated[str | None, typer.Option("--email", help="part of the e-mail")] = None,
    name: Annotated[str | None, typer.Option("--name", help="part of the user name")] = None,
    page: PageOpt = 1,
    page_size: PageSizeOpt = 20,
    json_out: JsonOpt = False,
    server: ServerOpt = None,
) -> None:
    """List accounts (filters match parts, in any case)."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            result = await client.list_users(
                email=email, user_name=name, page=page, page_size=page_size
            )
        if json_out:
            print_json(to_jsonable(result))
            return
        rows = [
            [
                str(u.id),
                u.ocid,
                u.user_name,
                u.email,
                "deleted" if u.account_status else "active",
                iso_time(u.register_time),
                _time(u.last_seen, u.HasField("last_seen")),
                str(u.sessions_count),
            ]
            for u in result.users
        ]
        pages = max(1, -(-result.total_count // result.page_size))
        _table(
            f"{result.total_count} accounts, page {result.page} of {pages}",
            ["id", "ocid", "name", "e-mail", "status", "registered", "last seen", "sessions"],
            rows,
        )

    run(main, server=server)


@admin_app.command("ban")
def ban(
    user: UserArg,
    duration: Annotated[
        str | None, typer.Option("--for", help="how long (30m, 1h, 7d); default: until unbanned")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="why (kept with the ban)")] = None,
    server: ServerOpt = None,
) -> None:
    """Ban an account from the whole server; its open connections end at once."""
    seconds = parse_duration(duration) if duration is not None else None

    async def main() -> None:
        async with logged_in(server) as (client, _):
            user_id = await resolve_user(client, user)
            await client.server_ban(user_id, duration_seconds=seconds, reason=reason)
        until = f"for {datetime.timedelta(seconds=seconds)}" if seconds else "until unbanned"
        out.print(f"{user} is banned {until}.")

    run(main, server=server)


@admin_app.command("unban")
def unban(user: UserArg, server: ServerOpt = None) -> None:
    """Lift a server ban."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            await client.server_unban(await resolve_user(client, user))
        out.print(f"{user} is no longer banned.")

    run(main, server=server)


@admin_app.command("delete-account")
def delete_account(
    user: UserArg,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    server: ServerOpt = None,
) -> None:
    """Delete an account for good (its messages and files go with it)."""
    if not yes:
        typer.confirm(f"Delete the account {user} for good?", abort=True)

    async def main() -> None:
        async with logged_in(server) as (client, _):
            await client.delete_account(await resolve_user(client, user))
        out.print(f"The account {user} is deleted.")

    run(main, server=server)


# Roles --------------------------------------------------------------------------------


@admin_app.command("roles")
def roles(json_out: JsonOpt = False, server: ServerOpt = None) -> None:
    """The server roles and what each allows."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            found = await client.server_roles()
            grants = {r[0]: await client.server_role_permissions(r[0]) for r in found}
        if json_out:
            print_json(
                [
                    {
                        "id": i,
                        "name": n,
                        "description": d,
                        "permissions": [p[1] for p in grants[i]],
                    }
                    for i, n, d in found
                ]
            )
            return
        _table(
            "Server roles",
            ["id", "name", "description", "permissions"],
            [[str(i), n, d, ", ".join(p[1] for p in grants[i])] for i, n, d in found],
        )

    run(main, server=server)


async def _local_role_change(
    config: Any, data_dir: Any, ocid: str, role: int, grant_it: bool
) -> bool:
    from ourchat.config import load_settings
    from ourchat.domain import server_roles
    from ourchat.storage.engine import Database
    from ourchat.storage.migrate import upgrade_to_head

    settings = load_settings(config, data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url, pool_size=1, max_overflow=0)
    try:
        async with db.engine.connect() as conn:
            await upgrade_to_head(conn)
        if grant_it:
            return await server_roles.grant_by_ocid(db, ocid, role)
        return await server_roles.revoke_by_ocid(db, ocid, role)
    finally:
        await db.dispose()


def _role_change(
    user: str,
    role: int,
    remote: bool,
    config: Any,
    data_dir: Any,
    *,
    grant_it: bool,
    server: str | None = None,
) -> None:
    from ourchat.errors import OurChatError

    async def main() -> None:
        if remote:
            async with logged_in(server) as (client, _):
                user_id = await resolve_user(client, user)
                if grant_it:
                    await client.assign_server_role(user_id, role)
                else:
                    await client.remove_server_role(user_id, role)
            changed = None
        else:
            try:
                changed = await _local_role_change(config, data_dir, user, role, grant_it)
            except OurChatError as exc:
                hint = (
                    "give the account's ocid (see `ourchat whoami`)"
                    if exc.detail.endswith("Not Found")
                    else "grant the role to another account first: a server keeps one admin"
                )
                fail(exc.detail, hint)
        verb = "now holds" if grant_it else "no longer holds"
        note = "" if changed is not False else " (no change)"
        out.print(f"{user} {verb} server role {role}{note}.")

    run(main, server=server)


@admin_app.command("grant")
def grant(
    user: UserArg,
    role: RoleOpt = 1,
    remote: RemoteOpt = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    server: ServerOpt = None,
) -> None:
    """Give an account a server role (default: administrator)."""
    _role_change(user, role, remote, config, data_dir, grant_it=True, server=server)


@admin_app.command("revoke")
def revoke(
    user: UserArg,
    role: RoleOpt = 1,
    remote: RemoteOpt = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    server: ServerOpt = None,
) -> None:
    """Take a server role away (never from the last administrator)."""
    _role_change(user, role, remote, config, data_dir, grant_it=False, server=server)


# Sessions -----------------------------------------------------------------------------


@admin_app.command("sessions")
def sessions(
    name: Annotated[str | None, typer.Option("--name", help="part of the session name")] = None,
    page: PageOpt = 1,
    page_size: PageSizeOpt = 20,
    json_out: JsonOpt = False,
    server: ServerOpt = None,
) -> None:
    """List every session on the server."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            found = await client.list_sessions(name=name, page=page, page_size=page_size)
        if json_out:
            print_json([to_jsonable(s) for s in found])  # type: ignore[arg-type]
            return
        _table(
            f"Sessions, page {page}",
            ["id", "name", "members", "created"],
            [
                [str(s.session_id), s.name, str(s.size), iso_time(s.created_time)]  # type: ignore[attr-defined]
                for s in found
            ],
        )

    run(main, server=server)


# Settings and metrics ------------------------------------------------------------------


@config_app.command("get")
def config_get(server: ServerOpt = None) -> None:
    """Print the running settings as TOML (secrets redacted)."""

    async def main() -> None:
        async with logged_in(server) as (client, _):
            out.print(await client.get_config(), markup=False, highlight=False)

    run(main, server=server)


def toml_fragment(assignments: list[str]) -> str:
    """``KEY=VALUE`` pairs as TOML; a VALUE that is not a TOML value is taken as text."""
    lines = []
    for item in assignments:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            fail(
                f"Not KEY=VALUE: {item}", "e.g. `ourchat admin config set max_message_bytes=32768`"
            )
        value = value.strip()
        try:
            tomllib.loads(f"v = {value}")
        except tomllib.TOMLDecodeError:
            value = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


@config_app.command("set")
def config_set(
    assignments: Annotated[list[str], typer.Argument(help="KEY=VALUE pairs")],
    server: ServerOpt = None,
) -> None:
    """Change settings on every server process (some take effect at the next restart)."""
    fragment = toml_fragment(assignments)

    async def main() -> None:
        async with logged_in(server) as (client, _):
            result = await client.set_config(fragment)
        out.print(result.message, markup=False)

    run(main, server=server)


@admin_app.command("metrics")
def metrics(
    history: Annotated[
        str | None,
        typer.Option("--history", help="show stored snapshots of this long ago (1h, 1d)"),
    ] = None,
    json_out: JsonOpt = False,
    server: ServerOpt = None,
) -> None:
    """Server health now (host CPU, memory, disk included), or its recent history."""
    span = parse_duration(history) if history is not None else None

    async def main() -> None:
        async with logged_in(server) as (client, _):
            if span is None:
                now = await client.monitoring_metrics(system=True, runtime=True)
                if json_out:
                    print_json(to_jsonable(now))
                else:
                    _print_metrics(now)
                return
            end = await client.server_time_us()
            points = await client.historical_metrics(end - span * 1_000_000, end)
        if json_out:
            print_json([to_jsonable(p) for p in points])
            return
        _table(
            f"{len(points)} snapshots",
            ["time", "streams", "accounts", "sessions", "msg/s", "cpu %", "memory %"],
            [
                [
                    iso_time(p.timestamp),
                    str(p.metrics.active_connections),
                    str(p.metrics.total_users),
                    str(p.metrics.total_sessions),
                    f"{p.metrics.messages_per_second:.2f}",
                    f"{p.metrics.cpu_usage_percent:.0f}",
                    f"{p.metrics.memory_usage_percent:.0f}",
                ]
                for p in points
            ],
        )

    run(main, server=server)
