"""Real Redis and PostgreSQL servers for the scale-out tests, started from Debian's binaries (`make install`
installs them) on free loopback ports, in temporary directories, and thrown away when the session ends.

The packages' own services (port 6379, the `main` cluster on 5432) are never used: a test owns its servers, so it
runs the same on a developer's machine, in CI and beside anything else already listening.
"""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest
import redis

from live_service import free_port

START_SECONDS = 30
POSTGRES_USER = "avatarstudio"
ServerT = TypeVar("ServerT", bound="_Server")


def _require(found: str | None, what: str) -> str:
    """A missing server is a broken install, not a reason to skip: say how to fix it."""
    if not found:
        pytest.fail(f"{what} not found; run `make install` (it installs the Debian packages the tests need)",
                    pytrace=False)
    return found


def _postgres_bin(name: str) -> str:
    """Debian keeps the server binaries off PATH, in /usr/lib/postgresql/<major>/bin; the newest major wins."""
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    newest = max(candidates, key=lambda path: int(Path(path).parent.parent.name), default=None)
    return _require(newest, f"PostgreSQL's {name} (/usr/lib/postgresql/*/bin)")


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{what} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    """SIGINT is a fast shutdown for both: PostgreSQL's SIGTERM would wait for any client a failed test left
    connected."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class _Server:
    """A server this session started, and a counter that names each test's own database on it."""

    port: int
    process: subprocess.Popen
    _databases: Iterator[int] = field(default_factory=itertools.count)


class RedisServer(_Server):
    def fresh_database(self) -> int:
        """A logical database no other test used, so the queues of different tests never mix."""
        database = next(self._databases)
        if database >= 16:
            raise RuntimeError("Redis has 16 logical databases; the scale tests asked for more")
        return database

    def url(self, database: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def client(self, database: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=database)

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False


def start_redis(directory: Path) -> RedisServer:
    binary = _require(shutil.which("redis-server"), "redis-server")
    port, log = free_port(), directory / "redis.log"
    log.touch()
    # No RDB snapshots, no append-only file: the queue lives exactly as long as the test session.
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(directory), "--logfile", str(log), "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = RedisServer(port, process)
    _wait_until(server.ping, process, log, "redis-server")
    return server


class PostgresServer(_Server):
    def fresh_database(self) -> str:
        """A new, empty database, so each test starts from its own schema."""
        name = f"test_{next(self._databases)}"
        with self.connect() as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return name

    def url(self, database: str) -> str:
        """The SQLAlchemy URL the service takes as DATABASE_URL."""
        return f"postgresql+psycopg://{POSTGRES_USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user=POSTGRES_USER, dbname=database,
                               autocommit=True, connect_timeout=5)

    def ready(self) -> bool:
        try:
            self.connect().close()
            return True
        except psycopg.OperationalError:
            return False


def _as_postgres_user(directory: Path) -> dict:
    """initdb and postgres refuse to run as root. Under root (CI, containers) they run as the `postgres` system
    user that the Debian package creates, in a directory that user owns; anyone else runs them as themselves."""
    if os.geteuid() != 0:
        return {}
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        _require(None, "The `postgres` system user")
    shutil.chown(directory, "postgres", "postgres")
    return {"user": "postgres", "group": "postgres", "extra_groups": []}


def start_postgres(directory: Path) -> PostgresServer:
    initdb, postgres = _postgres_bin("initdb"), _postgres_bin("postgres")
    as_owner = _as_postgres_user(directory)
    data, log, port = directory / "data", directory / "postgres.log", free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    made = subprocess.run([initdb, "--pgdata", str(data), "--username", POSTGRES_USER, "--auth", "trust",
                           "--encoding", "UTF8", "--no-sync"],
                          env=env, capture_output=True, text=True, **as_owner)
    if made.returncode != 0:
        raise RuntimeError(f"initdb failed:\n{made.stdout}{made.stderr}")
    # Loopback TCP only, the socket beside the data, and durability traded for speed: the data is thrown away.
    with log.open("w") as output:
        process = subprocess.Popen(
            [postgres, "-D", str(data), "-h", "127.0.0.1", "-p", str(port), "-k", str(directory),
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
            env=env, stdout=output, stderr=subprocess.STDOUT, **as_owner)
    server = PostgresServer(port, process)
    _wait_until(server.ready, process, log, "postgres")
    return server


def _for_the_session(start: Callable[[Path], ServerT], name: str) -> Iterator[ServerT]:
    with tempfile.TemporaryDirectory(prefix=f"avatarstudio-{name}-") as directory:
        server = start(Path(directory))
        yield server
        _stop(server.process)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    yield from _for_the_session(start_redis, "redis")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    # Not pytest's tmp_path: that lives under a 0700 directory of the current user, which `postgres` cannot enter.
    yield from _for_the_session(start_postgres, "postgres")
