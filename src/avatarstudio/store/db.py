"""Opening the metadata database: one engine per process, short sessions per unit of work."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from avatarstudio.store.models import Base

SCHEMA_LOCK = 0x617661746172  # any fixed number: the advisory lock that start-ups take to create the tables


def _tune_sqlite(dbapi_connection, _record) -> None:
    """API, worker and reaper write to one SQLite file from several processes: WAL plus a busy timeout
    turns lock contention into short waits instead of 'database is locked' errors."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _create_tables(engine: Engine) -> None:
    """API and workers starting together on an empty PostgreSQL database would each see no tables and race to
    create them (the losers die on a duplicate pg_type row); an advisory lock held for the transaction makes them
    take turns, so the later ones find the tables and leave them be."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        Base.metadata.create_all(connection)


class Database:
    def __init__(self, url: str):
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _tune_sqlite)
        _create_tables(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any exception."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
