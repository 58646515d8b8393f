"""Uploads in progress count against their owner's quota: index them by user.

Revision ID: 0003
Revises: 0004
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.create_index("ix_uploads_user_expiry", ["user_id", "expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.drop_index("ix_uploads_user_expiry")
