"""Failed logins per (account, client address), so a stranger cannot lock the owner out.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column(
            "user_id",
            sa.BigInteger(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("since", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "address", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_since", "login_failures", ["since"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_since", table_name="login_failures")
    op.drop_table("login_failures")
