"""v3's Idempotency-Key, through the real app in-process (FastAPI's test client over a temporary runtime): a repeat
replays the first response, a different body is refused, a repeat during the first is 409, a refused request
frees its key, and a key is forgotten after 24 hours."""
from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from avatarstudio.api.app import create_app
from avatarstudio.api.idempotency import WINDOW_SECONDS, idempotent
from avatarstudio.errors import ServiceError
from avatarstudio.runtime import Runtime
from avatarstudio.store.models import IdempotentRequest, Video
from live_service import API_KEY

BODY = {"type": "avatar", "avatar_id": "Ava_drawn_front", "script": "Hi.", "voice_id": "dc5a480bbf70285f92f42e37cf943c8a"}


@pytest.fixture()
def app(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), headers={"X-Api-Key": API_KEY}) as client:
        yield client


def video_count(runtime: Runtime) -> int:
    with runtime.db.session() as session:
        return session.query(Video).count()


def test_a_repeat_replays_the_first_response_and_creates_nothing(app: TestClient, runtime: Runtime) -> None:
    first = app.post("/v3/videos", json=BODY, headers={"Idempotency-Key": "order-1"})
    again = app.post("/v3/videos", json=BODY, headers={"Idempotency-Key": "order-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert video_count(runtime) == 1
    other = app.post("/v3/videos", json=BODY, headers={"Idempotency-Key": "order-2"})
    assert other.json()["data"]["video_id"] != first.json()["data"]["video_id"] and video_count(runtime) == 2


def test_the_same_key_with_another_body_is_refused(app: TestClient) -> None:
    app.post("/v3/videos", json=BODY, headers={"Idempotency-Key": "order-3"})
    changed = app.post("/v3/videos", json={**BODY, "script": "Other."}, headers={"Idempotency-Key": "order-3"})
    assert changed.status_code == 400
    assert changed.json()["error"]["param"] == "Idempotency-Key"
    assert changed.json()["error"]["message"] == "Idempotency-Key was already used with a different request body"


def test_a_refused_request_frees_its_key(app: TestClient, runtime: Runtime) -> None:
    refused = app.post("/v3/videos", json={**BODY, "voice_id": "nobody"}, headers={"Idempotency-Key": "order-4"})
    assert refused.status_code == 404
    accepted = app.post("/v3/videos", json=BODY, headers={"Idempotency-Key": "order-4"})
    assert accepted.status_code == 200 and video_count(runtime) == 1


def test_a_repeat_while_the_first_is_handled_is_409(runtime: Runtime) -> None:
    def first() -> dict:
        with pytest.raises(ServiceError) as busy:
            idempotent(runtime, "k", "order-5", b"{}", lambda: {"never": "stored"})
        assert (busy.value.code, busy.value.status) == ("request_in_progress", 409)
        return {"data": "first"}

    assert idempotent(runtime, "k", "order-5", b"{}", first).body == b'{"data":"first"}'


def test_keys_are_forgotten_after_the_window(app: TestClient, runtime: Runtime) -> None:
    first = app.post("/v3/videos", json=BODY, headers={"Idempotency-Key": "order-6"}).json()
    with runtime.db.session() as session:
        for row in session.query(IdempotentRequest):
            row.created_at = time.time() - WINDOW_SECONDS - 1
    later = app.post("/v3/videos", json=BODY, headers={"Idempotency-Key": "order-6"})
    assert "Idempotent-Replayed" not in later.headers
    assert later.json()["data"]["video_id"] != first["data"]["video_id"]


def test_keys_belong_to_one_api_key(runtime: Runtime) -> None:
    assert idempotent(runtime, "key-a", "shared", b"{}", lambda: {"who": "a"}).body == b'{"who":"a"}'
    assert idempotent(runtime, "key-b", "shared", b"{}", lambda: {"who": "b"}).body == b'{"who":"b"}'
