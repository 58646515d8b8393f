"""Server administration: server roles and permissions (seeded), bans, shared server state,
configuration overrides, announcements, last-seen times, process reports and metrics history.

Revision ID: 0004
Revises: 0001
Create Date: 2026-12-01 11:15:24.950134
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "config_overrides",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_config_overrides")),
    )
    op.create_table(
        "metrics_history",
        sa.Column("ts", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("active_connections", sa.Integer(), nullable=False),
        sa.Column("total_users", sa.Integer(), nullable=False),
        sa.Column("messages_per_second", sa.Float(), nullable=False),
        sa.Column("uptime_seconds", sa.BigInteger(), nullable=False),
        sa.Column("total_sessions", sa.Integer(), nullable=False),
        sa.Column("active_sessions", sa.Integer(), nullable=False),
        sa.Column("database_connections", sa.Integer(), nullable=False),
        sa.Column("bus_connections", sa.Integer(), nullable=False),
        sa.Column("cpu_usage_percent", sa.Float(), nullable=True),
        sa.Column("memory_usage_percent", sa.Float(), nullable=True),
        sa.Column("disk_usage_percent", sa.Float(), nullable=True),
        sa.Column("processes", sa.Integer(), nullable=False),
        sa.Column("live_tasks", sa.Integer(), nullable=False),
        sa.Column("loop_lag_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("ts", name=op.f("pk_metrics_history")),
    )
    op.create_table(
        "server_permissions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_permissions")),
        sa.UniqueConstraint("name", name=op.f("uq_server_permissions_name")),
    )
    op.create_table(
        "server_processes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("heartbeat_at", sa.BigInteger(), nullable=False),
        sa.Column("open_streams", sa.Integer(), nullable=False),
        sa.Column("db_connections", sa.Integer(), nullable=False),
        sa.Column("bus_connections", sa.Integer(), nullable=False),
        sa.Column("live_tasks", sa.Integer(), nullable=False),
        sa.Column("loop_lag_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_processes")),
    )
    op.create_table(
        "server_roles",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_roles")),
    )
    op.create_table(
        "server_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("maintenance", sa.Boolean(), nullable=False),
        sa.Column("maintenance_reason", sa.Text(), nullable=False),
        sa.Column("maintenance_since", sa.BigInteger(), nullable=True),
        sa.Column("config_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_state")),
    )
    op.create_table(
        "stream_evictions",
        sa.Column("version", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("detail", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_stream_evictions")),
    )
    op.create_table(
        "server_bans",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("banned_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["banned_by"],
            ["users.id"],
            name=op.f("fk_server_bans_banned_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_server_bans_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_server_bans")),
    )
    op.create_table(
        "server_role_permissions",
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.Column("permission_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["permission_id"],
            ["server_permissions.id"],
            name=op.f("fk_server_role_permissions_permission_id_server_permissions"),
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["server_roles.id"],
            name=op.f("fk_server_role_permissions_role_id_server_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "role_id", "permission_id", name=op.f("pk_server_role_permissions")
        ),
    )
    op.create_table(
        "user_last_seen",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("last_seen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_last_seen_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_last_seen")),
    )
    op.create_table(
        "user_server_roles",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["server_roles.id"],
            name=op.f("fk_user_server_roles_role_id_server_roles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_server_roles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role_id", name=op.f("pk_user_server_roles")),
    )
    with op.batch_alter_table("user_server_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_server_roles_role_id"), ["role_id"], unique=False)

    op.create_table(
        "announcements",
        sa.Column("msg_id", sa.BigInteger(), nullable=False),
        sa.Column("publisher_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["msg_id"],
            ["events.msg_id"],
            name=op.f("fk_announcements_msg_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["users.id"],
            name=op.f("fk_announcements_publisher_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("msg_id", name=op.f("pk_announcements")),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_announcements_publisher_id"), ["publisher_id"], unique=False
        )

    permissions = sa.table(
        "server_permissions",
        sa.column("id", sa.BigInteger()),
        sa.column("name", sa.String()),
        sa.column("description", sa.Text()),
    )
    op.bulk_insert(
        permissions,
        [
            {"id": 1, "name": "publish_announcement", "description": "publish announcement"},
            {"id": 2, "name": "ban_user", "description": "ban user"},
            {"id": 3, "name": "mute_user", "description": "mute user"},
            {"id": 4, "name": "view_configuration", "description": "view server configuration"},
            {
                "id": 5,
                "name": "modify_configuration",
                "description": "modify server configuration",
            },
            {
                "id": 6,
                "name": "view_monitoring",
                "description": "view server monitoring metrics",
            },
            {"id": 7, "name": "view_users", "description": "view user list and details"},
            {
                "id": 8,
                "name": "manage_sessions",
                "description": "manage sessions (view, delete, remove users)",
            },
            {
                "id": 9,
                "name": "assign_role",
                "description": "assign server management roles to users",
            },
        ],
    )
    roles = sa.table(
        "server_roles",
        sa.column("id", sa.BigInteger()),
        sa.column("name", sa.String()),
        sa.column("description", sa.Text()),
    )
    op.bulk_insert(roles, [{"id": 1, "name": "admin", "description": "administrator"}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('server_roles', 'id'), 1)")
    role_permissions = sa.table(
        "server_role_permissions",
        sa.column("role_id", sa.BigInteger()),
        sa.column("permission_id", sa.BigInteger()),
    )
    op.bulk_insert(role_permissions, [{"role_id": 1, "permission_id": p} for p in range(1, 10)])
    state = sa.table(
        "server_state",
        sa.column("id", sa.Integer()),
        sa.column("version", sa.BigInteger()),
        sa.column("maintenance", sa.Boolean()),
        sa.column("maintenance_reason", sa.Text()),
        sa.column("config_version", sa.BigInteger()),
    )
    op.bulk_insert(
        state,
        [
            {
                "id": 1,
                "version": 0,
                "maintenance": False,
                "maintenance_reason": "",
                "config_version": 0,
            }
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcements_publisher_id"))

    op.drop_table("announcements")
    with op.batch_alter_table("user_server_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_server_roles_role_id"))

    op.drop_table("user_server_roles")
    op.drop_table("user_last_seen")
    op.drop_table("server_role_permissions")
    op.drop_table("server_bans")
    op.drop_table("stream_evictions")
    op.drop_table("server_state")
    op.drop_table("server_roles")
    op.drop_table("server_processes")
    op.drop_table("server_permissions")
    op.drop_table("metrics_history")
    op.drop_table("config_overrides")
