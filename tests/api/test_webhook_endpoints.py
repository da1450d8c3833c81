"""The webhook management API in both families: endpoints, the OPTIONS probe on registration, event types and
the v3 event history.

Delivery end to end is tested elsewhere; here every endpoint is deleted again so that it receives nothing.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from avatarstudio.jobs.webhook_probe import PROBLEM
from avatarstudio.jobs.webhooks import USER_AGENT, emit
from avatarstudio.store.db import Database
from live_service import free_port
from receiver import Receiver

pytestmark = pytest.mark.service

ADD = {"v1": "/v1/webhook/endpoint.add", "v3": "/v3/webhooks/endpoints"}


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    """A good endpoint: answers the registration probe with 200 at once."""
    with Receiver() as running:
        yield running


@pytest.fixture(scope="module")
def hook(receiver: Receiver) -> str:
    return f"{receiver.url}/hook"


@pytest.fixture()
def v3_endpoint(client: httpx.Client, hook: str) -> Iterator[dict]:
    created = client.post("/v3/webhooks/endpoints", json={"url": hook, "events": ["avatar_video.success"]})
    assert created.status_code == 200, created.text
    endpoint = created.json()["data"]
    yield endpoint
    client.delete(f"/v3/webhooks/endpoints/{endpoint['endpoint_id']}")


def test_v1_round_trip(client: httpx.Client, hook: str) -> None:
    added = client.post("/v1/webhook/endpoint.add", json={"url": hook, "events": ["avatar_video.fail"]}).json()
    assert added["code"] == 100
    endpoint = added["data"]
    assert endpoint["status"] == "enabled" and endpoint["events"] == ["avatar_video.fail"]
    assert endpoint["url"] == hook and endpoint["secret"].startswith("whsec_") and endpoint["created_at"]
    endpoint_id = endpoint["endpoint_id"]

    listed = {item["endpoint_id"]: item for item in client.get("/v1/webhook/endpoint.list").json()["data"]}
    assert listed[endpoint_id]["secret"] == endpoint["secret"]

    updated = client.patch("/v1/webhook/endpoint.update",
                           json={"endpoint_id": endpoint_id, "status": "disabled", "events": None}).json()["data"]
    assert updated["status"] == "disabled" and updated["events"] is None and updated["url"] == hook
    moved = client.post("/v1/webhook/endpoint.update",
                        json={"endpoint_id": endpoint_id, "url": hook + "/moved"}).json()["data"]
    assert moved["url"] == hook + "/moved" and moved["status"] == "disabled"

    assert client.delete("/v1/webhook/endpoint.delete", params={"endpoint_id": endpoint_id}).json()["code"] == 100
    listed = client.get("/v1/webhook/endpoint.list").json()["data"]
    assert endpoint_id not in {item["endpoint_id"] for item in listed}


def test_v1_delete_with_id_in_path(client: httpx.Client, hook: str) -> None:
    endpoint_id = client.post("/v1/webhook/endpoint.add", json={"url": hook}).json()["data"]["endpoint_id"]
    assert client.delete(f"/v1/webhook/endpoint.delete/{endpoint_id}").json()["data"] == {"endpoint_id": endpoint_id}
    gone = client.delete(f"/v1/webhook/endpoint.delete/{endpoint_id}")
    assert gone.status_code == 404 and gone.json()["message"].endswith("not found")


def test_v1_no_events_means_all_and_event_list(client: httpx.Client, hook: str) -> None:
    endpoint = client.post("/v1/webhook/endpoint.add", json={"url": hook}).json()["data"]
    client.delete("/v1/webhook/endpoint.delete", params={"endpoint_id": endpoint["endpoint_id"]})
    assert endpoint["events"] is None
    names = client.get("/v1/webhook/webhook.list").json()["data"]
    assert {"avatar_video.success", "avatar_video.fail"} <= set(names)


def test_v3_round_trip(client: httpx.Client, hook: str, v3_endpoint: dict) -> None:
    endpoint_id = v3_endpoint["endpoint_id"]
    assert v3_endpoint["secret"].startswith("whsec_") and v3_endpoint["status"] == "enabled"
    assert v3_endpoint["created_at"].endswith("Z") and "T" in v3_endpoint["created_at"]

    page = client.get("/v3/webhooks/endpoints", params={"limit": 100}).json()
    mine = [item for item in page["data"] if item["endpoint_id"] == endpoint_id]
    assert mine and mine[0]["secret"] is None and "has_more" in page

    updated = client.patch(f"/v3/webhooks/endpoints/{endpoint_id}", json={"events": ["avatar_video.fail"]}).json()
    assert updated["data"]["events"] == ["avatar_video.fail"]
    assert updated["data"]["url"] == hook and updated["data"]["secret"] is None

    rotated = client.post(f"/v3/webhooks/endpoints/{endpoint_id}/rotate-secret").json()["data"]
    assert rotated["endpoint_id"] == endpoint_id
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != v3_endpoint["secret"]

    assert client.delete(f"/v3/webhooks/endpoints/{endpoint_id}").status_code == 200
    assert client.patch(f"/v3/webhooks/endpoints/{endpoint_id}", json={}).status_code == 404


def test_v3_paging(client: httpx.Client, hook: str) -> None:
    ids = [client.post("/v3/webhooks/endpoints", json={"url": hook}).json()["data"]["endpoint_id"] for _ in range(3)]
    try:
        first = client.get("/v3/webhooks/endpoints", params={"limit": 2}).json()
        assert len(first["data"]) == 2 and first["has_more"] and first["next_token"]
        rest = client.get("/v3/webhooks/endpoints", params={"limit": 100, "token": first["next_token"]}).json()
        seen = [item["endpoint_id"] for item in first["data"] + rest["data"]]
        assert set(ids) <= set(seen) and len(seen) == len(set(seen)) and not rest["has_more"]
    finally:
        for endpoint_id in ids:
            client.delete(f"/v3/webhooks/endpoints/{endpoint_id}")


@pytest.mark.parametrize("prefix", ["/v1/webhook/endpoint.add", "/v3/webhooks/endpoints"])
def test_unknown_event_type_names_its_index(client: httpx.Client, hook: str, prefix: str) -> None:
    response = client.post(prefix, json={"url": hook, "events": ["avatar_video.success", "avatar_video.nope"]})
    assert response.status_code == 400
    body = response.json()
    message = body["message"] if "message" in body else body["error"]["message"]
    assert message.startswith("events.1 is invalid")
    if prefix.startswith("/v3"):
        assert body["error"]["code"] == "invalid_parameter" and body["error"]["param"] == "events.1"


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "not a url", "https://"])
def test_url_must_be_http(client: httpx.Client, url: str) -> None:
    response = client.post("/v3/webhooks/endpoints", json={"url": url})
    assert response.status_code == 400 and response.json()["error"]["param"] == "url"


def refusal(response: httpx.Response, family: str) -> str:
    """The message of a 400 that names `url`, checked in the family's own envelope."""
    assert response.status_code == 400, response.text
    body = response.json()
    if family == "v1":
        assert body["code"] == 400175
        message = body["message"]
    else:
        assert body["error"]["code"] == "invalid_parameter" and body["error"]["param"] == "url"
        message = body["error"]["message"]
    assert message.startswith("url is invalid: ")
    return message


def delete(client: httpx.Client, endpoint_id: str) -> None:
    assert client.delete(f"/v3/webhooks/endpoints/{endpoint_id}").status_code == 200


def registered_urls(client: httpx.Client) -> set[str]:
    return {item["url"] for item in client.get("/v1/webhook/endpoint.list").json()["data"]}


@pytest.mark.parametrize("family", ["v1", "v3"])
def test_registration_probes_the_url_with_options(client: httpx.Client, receiver: Receiver, family: str) -> None:
    url = f"{receiver.url}/probed-{family}"
    response = client.post(ADD[family], json={"url": url})
    assert response.status_code == 200, response.text
    delete(client, response.json()["data"]["endpoint_id"])
    probes = [probe for probe in receiver.probes if probe.path == f"/probed-{family}"]
    assert len(probes) == 1 and probes[0].headers["user-agent"] == USER_AGENT


@pytest.mark.parametrize("family", ["v1", "v3"])
@pytest.mark.parametrize("status", [405, 501, 302])
def test_an_endpoint_that_does_not_answer_options_with_2xx_is_refused(
        client: httpx.Client, family: str, status: int) -> None:
    with Receiver(options_status=status) as bad:
        response = client.post(ADD[family], json={"url": f"{bad.url}/hook"})
        assert len(bad.probes) == 1
    assert refusal(response, family) == f"url is invalid: {PROBLEM}"
    assert f"{bad.url}/hook" not in registered_urls(client)


@pytest.mark.parametrize("family", ["v1", "v3"])
def test_a_closed_port_is_refused(client: httpx.Client, family: str) -> None:
    response = client.post(ADD[family], json={"url": f"http://127.0.0.1:{free_port()}/hook"})
    assert refusal(response, family) == f"url is invalid: {PROBLEM}"  # the same words: no port scanning


def test_a_slow_endpoint_is_refused_after_one_second_without_holding_up_others(service, client: httpx.Client) -> None:
    with Receiver(options_delay=3) as slow, service.client() as other, ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        pending = pool.submit(other.post, "/v3/webhooks/endpoints", json={"url": f"{slow.url}/hook"})
        while not slow.probes and time.monotonic() - started < 2:
            time.sleep(0.01)
        # The probe is waiting on the slow endpoint now; the service still answers everyone else.
        assert client.get("/v3/webhooks/event-types").status_code == 200 and not pending.done()
        response = pending.result()
        elapsed = time.monotonic() - started
    assert refusal(response, "v3") == f"url is invalid: {PROBLEM}"
    assert elapsed < 2.5


@pytest.mark.parametrize("family", ["v1", "v3"])
def test_moving_an_endpoint_to_a_bad_url_keeps_the_old_one(client: httpx.Client, hook: str, v3_endpoint: dict,
                                                           family: str) -> None:
    endpoint_id = v3_endpoint["endpoint_id"]
    bad = f"http://127.0.0.1:{free_port()}/hook"
    if family == "v1":
        response = client.patch("/v1/webhook/endpoint.update", json={"endpoint_id": endpoint_id, "url": bad})
    else:
        response = client.patch(f"/v3/webhooks/endpoints/{endpoint_id}", json={"url": bad})
    refusal(response, family)
    listed = {item["endpoint_id"]: item["url"] for item in client.get("/v1/webhook/endpoint.list").json()["data"]}
    assert listed[endpoint_id] == hook


def test_v3_patch_validates_events(client: httpx.Client, v3_endpoint: dict) -> None:
    response = client.patch(f"/v3/webhooks/endpoints/{v3_endpoint['endpoint_id']}", json={"events": ["nope"]})
    assert response.status_code == 400 and response.json()["error"]["param"] == "events.0"


def test_event_types(client: httpx.Client) -> None:
    page = client.get("/v3/webhooks/event-types").json()
    types = {item["event_type"]: item["description"] for item in page["data"]}
    assert types["avatar_video.success"] and types["avatar_video.fail"]
    assert page["has_more"] is False and page["next_token"] is None


@pytest.mark.parametrize("method,path", [
    ("PATCH", "/v3/webhooks/endpoints/{id}"),
    ("DELETE", "/v3/webhooks/endpoints/{id}"),
    ("POST", "/v3/webhooks/endpoints/{id}/rotate-secret"),
])
def test_v3_unknown_endpoint(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path.format(id=uuid.uuid4().hex), json={})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found" and response.json()["error"]["param"] == "endpoint_id"
    assert response.headers["X-Request-Id"]


def test_v1_unknown_endpoint(client: httpx.Client, hook: str) -> None:
    response = client.patch("/v1/webhook/endpoint.update", json={"endpoint_id": uuid.uuid4().hex, "url": hook})
    assert response.status_code == 404 and "not found" in response.json()["message"]
    assert client.delete("/v1/webhook/endpoint.delete", params={"endpoint_id": uuid.uuid4().hex}).status_code == 404


def test_missing_key(service) -> None:
    with service.client(key=None) as anonymous:
        v1 = anonymous.get("/v1/webhook/endpoint.list")
        v3 = anonymous.get("/v3/webhooks/endpoints")
    assert v1.status_code == 401 and v1.json() == {"code": 400112, "message": "Unauthorized"}
    assert v3.status_code == 401 and v3.json()["error"]["code"] == "unauthorized"


def test_event_history(service, client: httpx.Client, hook: str, v3_endpoint: dict) -> None:
    """Events recorded by the delivery side appear once each, with one delivery per receiver, newest first."""
    entity_id = uuid.uuid4().hex
    db = Database(f"sqlite:///{service.data_dir / 'avatarstudio.db'}")
    emit(db, "avatar_video.success", {"video_id": entity_id, "url": "u"}, entity_id, callback_url=hook + "/cb")
    emit(db, "avatar_video.fail", {"video_id": entity_id, "msg": "no face"}, entity_id, callback_url=hook + "/cb")

    page = client.get("/v3/webhooks/events", params={"entity_id": entity_id}).json()
    assert [item["event_type"] for item in page["data"]] == ["avatar_video.fail", "avatar_video.success"]
    success = page["data"][1]
    assert success["event_data"] == {"video_id": entity_id, "url": "u"} and success["created_at"].endswith("Z")
    receivers = {(delivery["endpoint_id"], delivery["url"]) for delivery in success["deliveries"]}
    assert (v3_endpoint["endpoint_id"], hook) in receivers and (None, hook + "/cb") in receivers
    assert all(delivery["status"] == "pending" and delivery["attempts"] == 0 for delivery in success["deliveries"])

    only_fail = client.get("/v3/webhooks/events", params={"entity_id": entity_id, "event_type": "avatar_video.fail",
                                                          "limit": 1}).json()
    assert len(only_fail["data"]) == 1 and only_fail["has_more"] is False
    assert only_fail["data"][0]["event_data"]["msg"] == "no face"

    first = client.get("/v3/webhooks/events", params={"entity_id": entity_id, "limit": 1}).json()
    assert first["has_more"] and first["data"][0]["event_type"] == "avatar_video.fail"
    second = client.get("/v3/webhooks/events", params={"entity_id": entity_id, "token": first["next_token"]}).json()
    assert [item["event_type"] for item in second["data"]] == ["avatar_video.success"]

    bad = client.get("/v3/webhooks/events", params={"event_type": "nope"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "event_type"


def test_body_must_be_json(client: httpx.Client) -> None:
    response = client.post("/v3/webhooks/endpoints", content=b"{url:", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["param"] == "body"
