"""Comparing a database's tables with the models, for the migration tests on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from avatarstudio.store.db import MIGRATIONS
from avatarstudio.store.models import Base

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()
BASELINE_TABLES = ("api_keys", "assets", "batches", "folders", "idempotent_requests", "videos", "webhook_attempts",
                   "webhook_endpoints", "webhook_events")
"""The tables that create_all made before migrations existed (revision 0001 describes them)."""


def schema_differences(engine: Engine) -> list:
    """What the models have that the database lacks, or the other way round (nothing, when they agree)."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)
