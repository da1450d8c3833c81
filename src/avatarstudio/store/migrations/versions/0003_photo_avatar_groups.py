"""Photo avatar groups (v2): groups of talking photos, and which group each talking photo is in.

Revision ID: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photo_avatar_groups",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("train_status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("trained_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "photo_avatar_looks",
        sa.Column("asset_id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["photo_avatar_groups.id"]),
        sa.PrimaryKeyConstraint("asset_id"),
    )
    op.create_index("ix_photo_avatar_looks_group_id", "photo_avatar_looks", ["group_id"], unique=False)


def downgrade() -> None:
    op.drop_table("photo_avatar_looks")
    op.drop_table("photo_avatar_groups")
