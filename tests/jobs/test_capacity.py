"""The per-key cap holds under concurrent creates, and batch items count against it."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from live_service import start_service, stop_service

pytestmark = pytest.mark.service

BODY = {"video_inputs": [{"voice": {"type": "silence", "duration": 1}}]}
ITEM = {"avatar_id": "Ava_drawn_front", "script": "Hi.", "voice_id": "dc5a480bbf70285f92f42e37cf943c8a"}


def test_thirty_simultaneous_creates_get_exactly_the_cap(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0, AVATARSTUDIO_CONCURRENCY_PER_KEY="4")
    try:
        def create(_: int) -> int:
            with service.client() as client:
                return client.post("/v2/video/generate", json=BODY).status_code

        with ThreadPoolExecutor(30) as pool:
            codes = list(pool.map(create, range(30)))
        assert sorted(set(codes)) == [200, 429] and codes.count(200) == 4
        with service.client() as client:
            assert len(client.get("/v3/videos").json()["data"]) == 4
    finally:
        stop_service(service)


def test_a_batch_larger_than_the_room_left_is_refused_whole(tmp_path: Path) -> None:
    service = start_service(tmp_path, workers=0, AVATARSTUDIO_CONCURRENCY_PER_KEY="4")
    try:
        with service.client() as client:
            assert client.post("/v2/video/generate", json=BODY).status_code == 200
            refused = client.post("/v3/videos/batches", json={"videos": [ITEM] * 4})
            assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
            assert refused.json()["error"]["code"] == "rate_limit_exceeded"
            assert len(client.get("/v3/videos").json()["data"]) == 1  # nothing of the refused batch was stored
            accepted = client.post("/v3/videos/batches", json={"videos": [ITEM] * 3})
            assert accepted.status_code == 200 and accepted.json()["data"]["total_items"] == 3
            assert client.post("/v2/video/generate", json=BODY).status_code == 429  # batch items count
    finally:
        stop_service(service)
