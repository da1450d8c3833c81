"""Schema migrations (Alembic), applied by `avatarstudio migrate` and at every start-up (store/db.py).

To change the schema: change store/models.py, then add a revision in versions/ named `NNNN_what.py`, whose
`down_revision` is the newest one before it and whose `upgrade()` makes the same change with `op` (alembic.op).
tests/store/test_migrations.py fails until the revisions and the models describe the same tables.
"""
