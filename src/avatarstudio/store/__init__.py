"""What the service keeps: metadata in SQL (SQLite or PostgreSQL) behind repositories, files behind BlobStore.

The repositories' contract, in the manner of Huey's storage.py:
- One module per repository (videos, batches, assets, folders, webhooks, keys, idempotency), each a class over a
  `Database` (`Videos(runtime.db)`), cheap to make where it is needed. Nothing outside store/ opens a session or
  writes a query.
- Every method is one unit of work in one short transaction, and returns plain records (model rows, detached,
  every column loaded) or plain values, never a session or a query.
- Each method's docstring states its guarantee: atomic, guarded (changes a record only from the states it names and
  returns whether it did, so racing processes have one winner), idempotent, ordered.
- `get(id)` returns None when there is no such record; `require(id)` raises NotFound(kind, id), which
  api/envelopes.py maps to each family's not-found error; no repository raises an HTTP-shaped error.
- Lists are Pages (paging.py): items and the token of the next page; only paging.py reads or makes tokens.
- The schema changes only through a revision in migrations/versions/ (tests/store/test_migrations.py checks that
  the revisions and models.py agree).

A new repository (digital twins, say): the model in models.py, a revision, `twins.py` with
`class Twins(Repository)`, and its kind in api/envelopes.py's NOT_FOUND.
"""
