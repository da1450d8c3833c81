"""Alembic's entry point: store/db.py hands it an open connection (inside the schema lock) in the config."""
from __future__ import annotations

from alembic import context

from avatarstudio.store.models import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
