"""Fixtures that start the real service (see live_service.py)."""
from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from live_service import Service, start_service, stop_service


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
