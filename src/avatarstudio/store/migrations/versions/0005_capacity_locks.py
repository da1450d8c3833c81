"""capacity_locks: one row per API key, locked while a create counts the key's videos (jobs/submit.py admit).

Revision ID: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capacity_locks",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("taken_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
    )


def downgrade() -> None:
    op.drop_table("capacity_locks")
