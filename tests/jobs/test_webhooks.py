"""Webhooks reach a receiver on loopback: signed for registered endpoints, retried with the same event id; the
registration probe never reaches a private address unless that is allowed."""
from __future__ import annotations

import hashlib
import hmac
import time

import httpx
import pytest

from avatarstudio.jobs.webhook_probe import endpoint_problem
from receiver import Receiver

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
    goes there whatever AVATARSTUDIO_ALLOW_PRIVATE_URLS says (that setting guards media downloads)."""
    with Receiver() as receiver:
        assert endpoint_problem(f"{receiver.url}/hook") is None
        assert len(receiver.probes) == 1
    assert "within 1 s" in endpoint_problem("ftp://example.com/hook")
