"""webhook_events.claimed_until: a delivery attempt's lease, so one cut off by a dying worker is attempted again.

Revision ID: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("webhook_events", sa.Column("claimed_until", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_events") as table:
        table.drop_column("claimed_until")
