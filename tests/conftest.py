"""Fixtures: the real service (see live_service.py), started once per session, and its parts in-process."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from avatarstudio.config import Settings
from avatarstudio.runtime import Runtime, open_runtime
from live_service import API_KEY, Service, start_service, stop_service


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One shared server (API + one worker process) for the tests that do not break it on purpose."""
    running = start_service(tmp_path_factory.mktemp("service"))
    yield running
    stop_service(running)


@pytest.fixture()
def client(service: Service) -> Iterator[httpx.Client]:
    with service.client() as http:
        yield http


@pytest.fixture()
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    """The service's real parts (SQLite metadata, local blobs, a SQLite queue that no worker consumes) in a temporary
    directory, for tests that call the code in-process instead of through a server. Built from explicit settings,
    so a DATABASE_URL or QUEUE_URL in the developer's shell cannot point it at a real deployment."""
    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'avatarstudio.db'}",
                        queue_url=f"sqlite:///{data / 'queue.db'}", storage_url=str(data / "files"),
                        public_base_url="http://127.0.0.1:8000", signing_secret="test-signing-secret",
                        env_api_key=API_KEY)
    opened = open_runtime(settings)
    yield opened
    opened.db.engine.dispose()
