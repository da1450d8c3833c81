"""Opening the metadata database: one engine per process, short sessions per unit of work, and the schema brought
to the code's revision (Alembic, store/migrations/) before anything else touches it."""
from __future__ import annotations

import fcntl
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

SCHEMA_LOCK = 0x617661746172  # any fixed number: the advisory lock that start-ups take to migrate the schema
MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
"""The revision that describes the tables made before migrations existed (by create_all)."""
REMEMBERED_READS = 10_000
"""At most this many reads are remembered (Database.remembered); past it they are all forgotten at once."""
log = logging.getLogger(__name__)
Value = TypeVar("Value")
# Alembic narrates every step at INFO; one line of ours says what changed (see migrate()).
logging.getLogger("alembic").setLevel(logging.WARNING)


def _tune_sqlite(dbapi_connection, _record) -> None:
    """API, worker and reaper write to one SQLite file from several processes: WAL plus a busy timeout
    turns lock contention into short waits instead of 'database is locked' errors."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """SQLite has no advisory locks: processes migrating one database file take turns on a lock file beside it."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alembic(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> str:
    """Bring the schema to the newest revision and return it. API and workers starting together would each find
    the schema behind and race to change it (on PostgreSQL the losers die on a duplicate pg_type row); an advisory
    lock (PostgreSQL) or a lock file (SQLite) makes them take turns, so the later ones find it current. A database
    whose tables predate migrations is stamped with the baseline first, then upgraded like any other."""
    with _sqlite_file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        config = _alembic(connection)
        tables = set(inspect(connection).get_table_names())
        if "videos" in tables and "alembic_version" not in tables:
            command.stamp(config, BASELINE)
        before = _revision(connection)
        command.upgrade(config, "head")
        after = _revision(connection)
    if after != before:
        log.info("database schema migrated from revision %s to %s", before or "(empty)", after)
    return after


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def dialect_of(url: str) -> str:
    """The database an SQLAlchemy URL names, its driver loaded; ValueError saying why for a URL that cannot work."""
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise ValueError(str(error)) from None
    return parsed.get_backend_name()


class _ChangeWatch:
    """Whether any connection, in any process, has committed to a SQLite file since the last look: SQLite's
    `PRAGMA data_version`, asked on a connection of the watch's own that never writes, changes exactly then."""

    def __init__(self, path: str):
        self.connection = sqlite3.connect(path, check_same_thread=False)
        self.lock = threading.Lock()
        self.version: int | None = None
        self.generation = 0
        """Counts the changes seen: a read may be remembered only if none was seen while it ran."""

    def look(self) -> tuple[bool, int]:
        """(whether the file changed since the last look, the generation now)."""
        with self.lock:
            version = self.connection.execute("PRAGMA data_version").fetchone()[0]
            changed = version != self.version
            if changed:
                self.version = version
                self.generation += 1
            return changed, self.generation


class Database:
    def __init__(self, url: str):
        # A database server may drop idle connections, so each checkout is pinged first; a SQLite file cannot,
        # and the ping was a third of the cost of a status request's session there.
        server = dialect_of(url) != "sqlite"
        self.local = not server and make_url(url).database not in (None, "", ":memory:")
        """A SQLite file: a short read costs less than handing it to another thread (see api/reads.py)."""
        # A read on the event loop must never wait for a pooled connection that the thread pool's routes hold, so
        # a SQLite file's pool opens another connection instead (they cost a file handle); a server's keeps its cap.
        self.engine: Engine = create_engine(url, pool_pre_ping=server, **({"max_overflow": -1} if self.local else {}))
        if not server:
            event.listen(self.engine, "connect", _tune_sqlite)
        self.revision = migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._changes = _ChangeWatch(make_url(url).database) if self.local else None
        self.writes = threading.Lock() if self.local else nullcontext()
        """Held around a write transaction that threads of this process contend for (Videos.add_within_cap): on a
        SQLite file they then queue on this lock instead of polling SQLite's lock with growing sleeps."""
        self._remembered: dict[tuple, object] = {}

    def remembered(self, key: tuple, read: Callable[[], Value]) -> Value:
        """`read()`, or what it returned for the same key before when nothing has been committed to the database
        since, by this process or any other: the answer is the same as a fresh read, without the read. Only for
        a local SQLite file, where a commit can be detected for the cost of a PRAGMA; on a database server every
        call reads."""
        if self._changes is None:
            return read()
        changed, generation = self._changes.look()
        if changed or len(self._remembered) >= REMEMBERED_READS:
            self._remembered.clear()
        try:
            return self._remembered[key]  # type: ignore[return-value]
        except KeyError:
            value = read()
        if self._changes.generation == generation:  # a change seen meanwhile may have come before the read
            self._remembered[key] = value
        return value

    def ping(self) -> str:
        """Raise unless the database answers a query now; returns its dialect's name (sqlite, postgresql)."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return self.engine.dialect.name

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
