"""batches.kind: whether a batch holds videos or lipsyncs, so each family's batch route finds only its own.

Batches made before it get their kind from their items: lipsync when any lipsync names them, else video.

Revision ID: 0010
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="video"))
    op.execute("UPDATE batches SET kind = 'lipsync' WHERE id IN (SELECT batch_id FROM lipsyncs "
               "WHERE batch_id IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("kind")
