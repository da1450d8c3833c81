"""Webhooks reach a receiver on loopback: signed for registered endpoints, retried with the same event id; the
registration probe never reaches a private address unless that is allowed."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from avatarstudio.jobs.webhook_probe import PROBLEM, endpoint_problem
from avatarstudio.jobs.webhooks import receivers
from live_service import start_service, stop_service
from receiver import Receiver
from workers import running_worker, start_worker

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"


def studio(text_or_audio: dict, **extra) -> dict:
    return {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "Noah_drawn_front"}, "voice": text_or_audio}],
            "dimension": {"width": 320, "height": 240}, **extra}


def verify(secret: str, delivery) -> None:
    expected = hmac.new(secret.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers["signature"] == expected
    assert delivery.headers["heygen-signature"] == expected
    assert delivery.headers["heygen-event-id"] == delivery.payload["event_id"]
    assert abs(int(delivery.headers["heygen-timestamp"]) - time.time()) < 120
    verify_standard(secret, delivery)


def verify_standard(secret: str, delivery) -> None:
    """Standard Webhooks: keyed by the base64-decoded part of whsec_..., over id.timestamp.body."""
    assert secret.startswith("whsec_")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message_id, timestamp = delivery.headers["webhook-id"], delivery.headers["webhook-timestamp"]
    assert message_id == delivery.payload["event_id"] and abs(int(timestamp) - time.time()) < 120
    signed = hmac.new(key, f"{message_id}.{timestamp}.".encode() + delivery.body, hashlib.sha256).digest()
    assert delivery.headers["webhook-signature"] == "v1," + base64.b64encode(signed).decode()


def test_success_and_failure_events_are_signed_and_subscribed_only(client: httpx.Client, service) -> None:
    receiver = Receiver().start()
    endpoint = client.post("/v3/webhooks/endpoints", json={
        "url": f"{receiver.url}/hook", "events": ["avatar_video.success", "avatar_video.fail"]}).json()["data"]
    try:
        ok = client.post("/v2/video/generate", json=studio(
            {"type": "text", "voice_id": VOICE, "input_text": "Webhooks work."}, callback_id="ok-1")).json()
        ok_id = ok["data"]["video_id"]
        bad = client.post("/v2/video/generate", json=studio(
            {"type": "audio", "audio_url": f"{receiver.url}/missing.mp3"}, callback_id="bad-1")).json()
        bad_id = bad["data"]["video_id"]
        success = receiver.wait_for(lambda d: d.payload["event_data"].get("video_id") == ok_id)[0]
        failure = receiver.wait_for(lambda d: d.payload["event_data"].get("video_id") == bad_id)[0]
        time.sleep(1.0)  # give unsubscribed events (gif, caption) the time to arrive, if they wrongly would
    finally:
        client.delete(f"/v3/webhooks/endpoints/{endpoint['endpoint_id']}")
        receiver.stop()
    assert {d.payload["event_type"] for d in receiver.deliveries} == {"avatar_video.success", "avatar_video.fail"}
    for delivery in (success, failure):
        verify(endpoint["secret"], delivery)
        assert delivery.payload["event"] == delivery.payload["event_type"]
        assert delivery.payload["created_at"].endswith("Z")
    data = success.payload["event_data"]
    assert data["callback_id"] == "ok-1" and data["url"].startswith("http") and data["gif_download_url"]
    assert data["video_share_page_url"].endswith(ok_id) and "folder_id" in data
    assert httpx.get(data["url"]).status_code == 200
    assert failure.payload["event_data"]["callback_id"] == "bad-1"
    assert "HTTP 404" in failure.payload["event_data"]["msg"]
    status = client.get(f"/v3/videos/{bad_id}").json()["data"]
    assert status["status"] == "failed" and status["failure_code"] == "download_failed"


def test_callback_url_is_retried_with_the_same_event_id(client: httpx.Client, service) -> None:
    receiver = Receiver(fail_first=2).start()
    try:
        body = studio({"type": "silence", "duration": 1}, callback_url=f"{receiver.url}/callback")
        video_id = client.post("/v2/video/generate", json=body).json()["data"]["video_id"]
        receiver.wait_for(lambda d: d.status == 200)
    finally:
        receiver.stop()
    attempts = [d for d in receiver.deliveries if d.payload["event_data"]["video_id"] == video_id]
    assert [d.status for d in attempts] == [500, 500, 200]
    assert len({d.payload["event_id"] for d in attempts}) == 1
    assert len({d.body for d in attempts}) == 1
    assert "signature" not in attempts[0].headers  # per-request callbacks are unsigned, as HeyGen documents
    history = client.get("/v3/webhooks/events", params={"event_type": "avatar_video.success"}).json()["data"]
    mine = [event for event in history if event["event_id"] == attempts[0].payload["event_id"]]
    assert mine and mine[0]["deliveries"][0]["attempts"] == 3 and mine[0]["deliveries"][0]["status"] == "delivered"


def test_the_probe_reaches_private_receivers_and_refuses_other_schemes() -> None:
    """Webhook receivers of a self-hosted service usually sit on its private network: like deliveries, the probe
    goes there whatever AVATARSTUDIO_ALLOW_PRIVATE_URLS says (that setting guards media downloads), unless
    AVATARSTUDIO_ALLOW_PRIVATE_WEBHOOKS=false; every refusal reads the same."""
    with Receiver() as receiver:
        assert endpoint_problem(f"{receiver.url}/hook", receivers(True)) is None
        assert endpoint_problem(f"{receiver.url}/hook", receivers(False)) == PROBLEM
        assert len(receiver.probes) == 1
    assert endpoint_problem("ftp://example.com/hook", receivers(True)) == PROBLEM


def test_failed_deliveries_follow_the_schedule_then_can_be_redelivered(client: httpx.Client, service) -> None:
    receiver = Receiver(fail_first=5).start()
    try:
        body = studio({"type": "silence", "duration": 1}, callback_url=f"{receiver.url}/callback")
        video_id = client.post("/v2/video/generate", json=body).json()["data"]["video_id"]
        event = _wait_for_delivery_status(client, video_id, "failed")
        assert event["deliveries"][0]["attempts"] == 5  # the first try and the 4 retries of the test schedule
        answer = client.post(f"/v3/webhooks/events/{event['event_id']}/redeliver")
        assert answer.status_code == 200 and answer.json()["data"]["deliveries"] == 1
        event = _wait_for_delivery_status(client, video_id, "delivered")
        assert event["deliveries"][0]["attempts"] == 6
        assert [d.status for d in receiver.deliveries] == [500] * 5 + [200]
        assert len({d.headers["webhook-id"] for d in receiver.deliveries}) == 1
        assert client.post("/v3/webhooks/events/nope/redeliver").status_code == 404
    finally:
        receiver.stop()


def _wait_for_delivery_status(client: httpx.Client, video_id: str, status: str) -> dict:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        events = client.get("/v3/webhooks/events", params={"entity_id": video_id,
                                                            "event_type": "avatar_video.success"}).json()["data"]
        if events and events[0]["deliveries"][0]["status"] == status:
            return events[0]
        time.sleep(0.2)
    raise AssertionError(f"the delivery for {video_id} never became {status}")


def test_a_slow_receiver_does_not_hold_up_the_next_render(tmp_path: Path) -> None:
    service = start_service(tmp_path, AVATARSTUDIO_WEBHOOK_TIMEOUT_SECONDS="60")
    hold = threading.Event()
    receiver = Receiver(hold=hold).start()
    try:
        with service.client() as client:
            first = client.post("/v2/video/generate", json=studio(
                {"type": "silence", "duration": 1}, callback_url=f"{receiver.url}/slow")).json()["data"]["video_id"]
            receiver.wait_for(lambda d: d.payload["event_data"]["video_id"] == first)
            second = client.post("/v2/video/generate", json=studio({"type": "silence", "duration": 1})).json()
            done = service.wait(second["data"]["video_id"], timeout=45, client=client)
            assert done["status"] == "completed" and not hold.is_set() and len(receiver.deliveries) == 1
    finally:
        hold.set()
        receiver.stop()
        stop_service(service)


def test_a_delivery_cut_off_by_a_killed_worker_arrives_after_the_restart(tmp_path: Path) -> None:
    """The worker is SIGKILLed while the receiver holds the first attempt: the attempt's lease runs out (its
    5 s deadline plus the margin), the reaper queues the delivery again, and the restarted worker delivers it."""
    settings = {"AVATARSTUDIO_WEBHOOK_TIMEOUT_SECONDS": "5"}
    service = start_service(tmp_path, workers=0, **settings)
    hold = threading.Event()
    receiver = Receiver(hold=hold).start()
    worker = start_worker(tmp_path, **settings)
    try:
        with service.client() as client:
            video_id = client.post("/v2/video/generate", json=studio(
                {"type": "silence", "duration": 1}, callback_url=f"{receiver.url}/cut")).json()["data"]["video_id"]
            receiver.wait_for(lambda d: d.payload["event_data"]["video_id"] == video_id, timeout=90)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            hold.set()  # the held attempt's answer goes to a dead connection
            with running_worker(tmp_path, **settings):
                again = receiver.wait_for(lambda d: d.payload["event_data"]["video_id"] == video_id
                                          and d is not receiver.deliveries[0], timeout=90)
                event = _wait_for_delivery_status(client, video_id, "delivered")
        assert again[0].headers["webhook-id"] == receiver.deliveries[0].headers["webhook-id"]
        assert event["deliveries"][0]["attempts"] == 1, "the cut-off attempt has no outcome to count"
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        hold.set()
        receiver.stop()
        stop_service(service)
