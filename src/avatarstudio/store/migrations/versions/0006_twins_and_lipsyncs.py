"""Digital twins and lipsync jobs: their tables, with the job columns every job table shares.

Revision ID: 0006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _job_columns() -> list[sa.Column]:
    """models.JobColumns, as the tables of this revision have them."""
    return [
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=True),
        sa.Column("completed_at", sa.Float(), nullable=True),
        sa.Column("heartbeat_at", sa.Float(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("error_code", sa.String(length=100), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "twins",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("api", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("footage", sa.JSON(), nullable=False),
        sa.Column("script", sa.Text(), nullable=True),
        sa.Column("consent", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("callback_url", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("preview_image", sa.String(length=200), nullable=True),
        sa.Column("preview_video", sa.String(length=200), nullable=True),
        *_job_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_twins_group_id", "twins", ["group_id"], unique=False)
    op.create_index("ix_twins_status", "twins", ["status"], unique=False)
    op.create_table(
        "lipsyncs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("video", sa.JSON(), nullable=False),
        sa.Column("audio", sa.JSON(), nullable=False),
        sa.Column("start_time", sa.Float(), nullable=True),
        sa.Column("end_time", sa.Float(), nullable=True),
        sa.Column("captions", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("callback_id", sa.Text(), nullable=True),
        sa.Column("callback_url", sa.Text(), nullable=True),
        *_job_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lipsyncs_key_id", "lipsyncs", ["key_id"], unique=False)
    op.create_index("ix_lipsyncs_status", "lipsyncs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("lipsyncs")
    op.drop_table("twins")
