"""announced_at on every job table: when the events of a job's end were written, so the reaper can announce a job
whose worker died between recording its end and writing its events.

Jobs that had ended before it count as announced (their worker's run did it), except a photo import completed but
not yet made a talking photo: the reaper finishes those, as it did before.

Revision ID: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("videos", "twins", "lipsyncs", "photo_imports")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("announced_at", sa.Float(), nullable=True))
            batch.create_index(f"ix_{table}_announced_at", ["announced_at"])
        ended = "('failed')" if table == "photo_imports" else "('completed', 'failed')"
        op.execute(f"UPDATE {table} SET announced_at = completed_at WHERE status IN {ended}")


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_announced_at")
            batch.drop_column("announced_at")
