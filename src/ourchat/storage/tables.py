"""The database schema (SQLAlchemy Core), shared by SQLite and PostgreSQL.

Times are integer microseconds since the Unix epoch; user and session ids are Snowflake ids;
``events.msg_id`` and ``events.time`` are handed out together by the single ``event_clock`` row,
so both grow strictly with commit order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: The range of a stored integer: both databases store signed 64-bit integers.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def saturate(value: int | None) -> int | None:
    """``value`` clamped to the stored 64-bit range (None stays None)."""
    if value is None:
        return None
    return min(max(value, INT64_MIN), INT64_MAX)


class _Saturating(TypeDecorator[int]):
    """Binds any Python int, clamped to the stored 64-bit range."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return saturate(value) if isinstance(value, int) else value


class Int64(_Saturating):
    """A signed 64-bit integer column that accepts any Python int as a query parameter.

    The wire's ``uint64`` ids reach 2^64 - 1, past what either database stores; such a value
    is bound as the largest stored integer instead of failing the statement. No stored id is
    ever that large (ids are Snowflakes or counters), so ``id = 2**63`` finds nothing, exactly
    like any other unknown id, and comparisons (``>``, ``<``) keep their order.
    """

    impl = BigInteger
    cache_ok = True


class _SqliteInt64(_Saturating):
    impl = Integer
    cache_ok = True


def without_nul(value: Any) -> Any:
    """``value`` with each NUL character replaced by U+FFFD (other values unchanged)."""
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


class Str(TypeDecorator[str]):
    """A string column that accepts any Python str as a query parameter.

    PostgreSQL text cannot hold NUL, which a request's strings may carry; such a character is
    bound as U+FFFD on both databases, so a lookup by it finds nothing (like any other
    unknown value) and a stored text keeps every other character.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return without_nul(value)


class LongText(Str):
    """:class:`Str` without a length limit."""

    impl = Text
    cache_ok = True


# An auto-incrementing 64-bit key (SQLite only auto-increments INTEGER PRIMARY KEY).
AutoId = Int64().with_variant(_SqliteInt64(), "sqlite")

server_info = Table(
    "server_info",
    metadata,
    Column("key", Str(64), primary_key=True),
    Column("value", LongText, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Int64, primary_key=True, autoincrement=False),
    Column("ocid", Str(50), nullable=False, unique=True),
    Column("email", Str(320), nullable=False, unique=True),
    Column("passwd", LongText, nullable=True),
    Column("name", LongText, nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("avatar_key", Str(128), nullable=True),
    Column("user_status", LongText, nullable=True),
    Column("user_status_expires_at", Int64, nullable=True),
    Column("account_status", SmallInteger, nullable=False, default=0),
    Column("deleted_at", Int64, nullable=True),
    Column("register_time", Int64, nullable=False),
    Column("public_update_time", Int64, nullable=False),
    Column("update_time", Int64, nullable=False),
    Column("resource_used", Int64, nullable=False, default=0),
    Column("friend_limit", Integer, nullable=False),
    Column("email_verified", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("failed_login_since", Int64, nullable=True),
)

# Failed logins of one account from one client address (the account-wide count is on users).
login_failures = Table(
    "login_failures",
    metadata,
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("address", Str(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("since", Int64, nullable=False),
    Index("ix_login_failures_since", "since"),
)

# Verification links sent by AuthService.Verify; confirmed by GET /v1/verify/confirm.
email_verifications = Table(
    "email_verifications",
    metadata,
    Column("token", Str(64), primary_key=True),
    Column("email", Str(320), nullable=False),
    Column("created_at", Int64, nullable=False),
    Column("expires_at", Int64, nullable=False),
    Column("confirmed_at", Int64, nullable=True),
)

permissions = Table(
    "permissions",
    metadata,
    Column("id", Int64, primary_key=True, autoincrement=False),
    Column("description", LongText, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Int64, primary_key=True, autoincrement=False),
    Column("name", Str(200), nullable=False, default=""),
    Column("description", LongText, nullable=True),
    Column("avatar_key", Str(128), nullable=True),
    Column("created_time", Int64, nullable=False),
    Column("updated_time", Int64, nullable=False),
    Column("default_role_id", Int64, nullable=False, default=1),
    Column("e2ee_on", Boolean, nullable=False, default=False),
    Column("room_key_time", Int64, nullable=False),
    Column("leaving_to_process", Boolean, nullable=False, default=False),
    Column("is_private", Boolean, nullable=False, default=False),
)

roles = Table(
    "roles",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("name", LongText, nullable=False),
    Column("description", LongText, nullable=True),
    Column(
        "session_id",
        Int64,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    Column("creator_id", Int64, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
)

role_permissions = Table(
    "role_permissions",
    metadata,
    Column("role_id", Int64, ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", Int64, ForeignKey("permissions.id"), primary_key=True),
)

session_members = Table(
    "session_members",
    metadata,
    Column("session_id", Int64, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Int64, ForeignKey("roles.id"), nullable=False),
    Column("joined_at", Int64, nullable=False),
    # Session events with a msg_id above this are part of this membership's history.
    Column("visible_after", Int64, nullable=False),
    Index("ix_session_members_user", "user_id", "session_id"),
)

friends = Table(
    "friends",
    metadata,
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("friend_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("session_id", Int64, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True),
)

contacts = Table(
    "contacts",
    metadata,
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "contact_user_id",
        Int64,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("display_name", Str(200), nullable=True),
)

friend_requests = Table(
    "friend_requests",
    metadata,
    Column("inviter_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("invitee_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("leave_message", LongText, nullable=True),
    Column("display_name", Str(200), nullable=True),
    Column("created_at", Int64, nullable=False),
    Column("expires_at", Int64, nullable=False),
)

event_clock = Table(
    "event_clock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_id", Int64, nullable=False),
    Column("last_time", Int64, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("msg_id", Int64, primary_key=True, autoincrement=False),
    Column("time", Int64, nullable=False, unique=True),
    # Field number of the FetchMsgsResponse variant, e.g. 1 = msg.
    Column("kind", SmallInteger, nullable=False),
    # Serialized FetchMsgsResponse holding only the variant.
    Column("payload", LargeBinary, nullable=False),
    Column("sender_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("session_id", Int64, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True),
    # 0: members of session_id; 1: the rows of event_recipients; 2: everyone.
    Column("audience", SmallInteger, nullable=False),
    Column("is_encrypted", Boolean, nullable=False, default=False),
    Column("is_announcement", Boolean, nullable=False, default=False),
    Index("ix_events_session_msg", "session_id", "msg_id"),
)

event_recipients = Table(
    "event_recipients",
    metadata,
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("msg_id", Int64, ForeignKey("events.msg_id", ondelete="CASCADE"), primary_key=True),
)

session_invitations = Table(
    "session_invitations",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("session_id", Int64, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("inviter_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("invitee_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("leave_message", LongText, nullable=True),
    Column("created_at", Int64, nullable=False),
    Column("expires_at", Int64, nullable=False),
    UniqueConstraint("session_id", "invitee_id", name="uq_session_invitations_pair"),
)

join_requests = Table(
    "join_requests",
    metadata,
    Column("session_id", Int64, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("leave_message", LongText, nullable=True),
    Column("created_at", Int64, nullable=False),
    Column("expires_at", Int64, nullable=False),
)


def _restriction_table(name: str) -> Table:
    """Mutes and bans share one shape; ``user_id`` NULL means the whole session."""
    return Table(
        name,
        metadata,
        Column("id", AutoId, primary_key=True, autoincrement=True),
        Column("session_id", Int64, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        Column("created_at", Int64, nullable=False),
        # NULL: permanent.
        Column("expires_at", Int64, nullable=True),
        Index(f"ix_{name}_session_user", "session_id", "user_id"),
    )


mutes = _restriction_table("mutes")
bans = _restriction_table("bans")

files = Table(
    "files",
    metadata,
    Column("key", Str(128), primary_key=True),
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    # SET NULL: a file outlives its session and still counts against its owner's quota.
    Column("session_id", Int64, ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True),
    Column("size", Int64, nullable=False),
    Column("hash", LargeBinary, nullable=False),
    Column("auto_clean", Boolean, nullable=False),
    Column("created_at", Int64, nullable=False),
    Index("ix_files_user", "user_id", "created_at"),
    Index("ix_files_expiry", "auto_clean", "created_at"),
)

uploads = Table(
    "uploads",
    metadata,
    Column("id", Str(80), primary_key=True),
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("session_id", Int64, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True),
    Column("hash", LargeBinary, nullable=False),
    Column("size", Int64, nullable=False),
    Column("auto_clean", Boolean, nullable=False),
    Column("created_at", Int64, nullable=False),
    Column("expires_at", Int64, nullable=False),
    # Set by CompleteUpload while it assembles the chunks: no other call may touch them.
    Column("completing", Boolean, nullable=False, default=False),
    # The live uploads of a user count against their quota (domain.uploads).
    Index("ix_uploads_user_expiry", "user_id", "expires_at"),
)

upload_chunks = Table(
    "upload_chunks",
    metadata,
    Column("upload_id", Str(80), ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True),
    Column("chunk_id", Int64, primary_key=True, autoincrement=False),
    Column("size", Int64, nullable=False),
)


# Server administration (ServerManageService) --------------------------------------------

server_permissions = Table(
    "server_permissions",
    metadata,
    Column("id", Int64, primary_key=True, autoincrement=False),
    Column("name", Str(64), nullable=False, unique=True),
    Column("description", LongText, nullable=False),
)

server_roles = Table(
    "server_roles",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("name", Str(64), nullable=False),
    Column("description", LongText, nullable=True),
)

server_role_permissions = Table(
    "server_role_permissions",
    metadata,
    Column("role_id", Int64, ForeignKey("server_roles.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", Int64, ForeignKey("server_permissions.id"), primary_key=True),
)

# A user may hold several server roles.
user_server_roles = Table(
    "user_server_roles",
    metadata,
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "role_id",
        Int64,
        ForeignKey("server_roles.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

server_bans = Table(
    "server_bans",
    metadata,
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("reason", LongText, nullable=True),
    Column("banned_by", Int64, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", Int64, nullable=False),
    # NULL: until lifted by UnbanUser.
    Column("expires_at", Int64, nullable=True),
)

# One row (id 1): what every process of the server must agree on. ``version`` grows with every
# change below and with every stream eviction, so a process notices changes with one read.
server_state = Table(
    "server_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Int64, nullable=False),
    Column("maintenance", Boolean, nullable=False),
    Column("maintenance_reason", LongText, nullable=False),
    Column("maintenance_since", Int64, nullable=True),
    Column("config_version", Int64, nullable=False),
)

# Settings changed by SetConfig: one row per setting, value as JSON.
config_overrides = Table(
    "config_overrides",
    metadata,
    Column("key", Str(64), primary_key=True),
    Column("value", LongText, nullable=False),
    Column("updated_at", Int64, nullable=False),
    Column("updated_by", Int64, nullable=True),
)

# Users whose open streams every process must end (banned or deleted accounts).
stream_evictions = Table(
    "stream_evictions",
    metadata,
    Column("version", Int64, primary_key=True, autoincrement=False),
    Column("user_id", Int64, nullable=False),
    Column("detail", Str(64), nullable=False),
    Column("created_at", Int64, nullable=False),
)

announcements = Table(
    "announcements",
    metadata,
    Column("msg_id", Int64, ForeignKey("events.msg_id", ondelete="CASCADE"), primary_key=True),
    Column(
        "publisher_id",
        Int64,
        ForeignKey("users.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    Column("title", LongText, nullable=False),
    Column("content", LongText, nullable=False),
    Column("created_at", Int64, nullable=False),
)

# Last authenticated call or stream of each account, to the minute.
user_last_seen = Table(
    "user_last_seen",
    metadata,
    Column("user_id", Int64, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("last_seen", Int64, nullable=False),
)

# Each live server process reports its own figures here every few seconds.
server_processes = Table(
    "server_processes",
    metadata,
    Column("id", Str(64), primary_key=True),
    Column("started_at", Int64, nullable=False),
    Column("heartbeat_at", Int64, nullable=False),
    Column("open_streams", Integer, nullable=False),
    Column("db_connections", Integer, nullable=False),
    Column("bus_connections", Integer, nullable=False),
    Column("live_tasks", Integer, nullable=False),
    Column("loop_lag_us", Int64, nullable=False),
)

# Periodic snapshots of GetMonitoringMetrics; ``ts`` is the start of the snapshot's interval.
metrics_history = Table(
    "metrics_history",
    metadata,
    Column("ts", Int64, primary_key=True, autoincrement=False),
    Column("active_connections", Integer, nullable=False),
    Column("total_users", Integer, nullable=False),
    Column("messages_per_second", Float, nullable=False),
    Column("uptime_seconds", Int64, nullable=False),
    Column("total_sessions", Integer, nullable=False),
    Column("active_sessions", Integer, nullable=False),
    Column("database_connections", Integer, nullable=False),
    Column("bus_connections", Integer, nullable=False),
    Column("cpu_usage_percent", Float, nullable=True),
    Column("memory_usage_percent", Float, nullable=True),
    Column("disk_usage_percent", Float, nullable=True),
    Column("processes", Integer, nullable=False),
    Column("live_tasks", Integer, nullable=False),
    Column("loop_lag_us", Int64, nullable=False),
)

# Call rooms (WebRTC). A room is empty while none of its members is in the call; ``empty_since``
# says since when (NULL while someone is in it). An archived room is kept as a record only.
rooms = Table(
    "rooms",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("title", LongText, nullable=True),
    Column("creator_id", BigInteger, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("auto_delete", Boolean, nullable=False),
    Column("open_join", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("empty_since", BigInteger, nullable=True, index=True),
    Column("archived_at", BigInteger, nullable=True),
)

# Members of a room: its admins (``is_admin``) and who is in the call (``in_call``, by JoinRoom).
room_members = Table(
    "room_members",
    metadata,
    Column("room_id", BigInteger, ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("in_call", Boolean, nullable=False, default=False),
    Column("joined_at", BigInteger, nullable=False),
)

# Pending invitations into a room (consumed by JoinRoom or AcceptRoomInvitation).
room_invitations = Table(
    "room_invitations",
    metadata,
    Column("room_id", BigInteger, ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("inviter_id", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# REST API accounts (seed 003): the phone number and profile fields only that API has.
rest_profiles = Table(
    "rest_profiles",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("phone", String(32), nullable=True, unique=True),
    Column("description", Text, nullable=False, default=""),
    Column("sex", SmallInteger, nullable=False, default=0),
)

# The last event a REST push client acknowledged; later ones are pushed again on reconnection.
rest_push_cursors = Table(
    "rest_push_cursors",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("msg_id", BigInteger, nullable=False),
    Column("time_us", BigInteger, nullable=False),
)
