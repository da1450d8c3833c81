"""Comparing a database's tables with the models, for the migration tests on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from avatarstudio.store.db import BASELINE, MIGRATIONS
from avatarstudio.store.models import Base

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()


def create_pre_migration_tables(engine: Engine) -> None:
    """The tables that create_all made before migrations existed, as they were then (revision 0001 describes them:
    today's models have columns added since), and no record of a revision."""
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, BASELINE)
        connection.execute(text("DROP TABLE alembic_version"))


def schema_differences(engine: Engine) -> list:
    """What the models have that the database lacks, or the other way round (nothing, when they agree)."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)
