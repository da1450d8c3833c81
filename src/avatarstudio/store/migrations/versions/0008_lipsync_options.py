"""Lipsyncs gain their folder, their output options (keep_the_same_format, fps_mode, ...) and their batch.

Revision ID: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lipsyncs") as table:
        table.add_column(sa.Column("folder_id", sa.String(length=32), nullable=True))
        table.add_column(sa.Column("options", sa.JSON(), nullable=False, server_default="{}"))
        table.add_column(sa.Column("batch_id", sa.String(length=32), nullable=True))
        table.add_column(sa.Column("item_index", sa.Integer(), nullable=True))
        table.create_index("ix_lipsyncs_folder_id", ["folder_id"], unique=False)
        table.create_index("ix_lipsyncs_batch_id", ["batch_id"], unique=False)
        table.create_foreign_key("fk_lipsyncs_batch_id", "batches", ["batch_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("lipsyncs") as table:
        table.drop_constraint("fk_lipsyncs_batch_id", type_="foreignkey")
        table.drop_index("ix_lipsyncs_batch_id")
        table.drop_index("ix_lipsyncs_folder_id")
        table.drop_column("item_index")
        table.drop_column("batch_id")
        table.drop_column("options")
        table.drop_column("folder_id")
