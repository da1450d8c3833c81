"""What strict HeyGen clients expect: v1 reads with a string message, blank optional choices taken as absent,
field paths without pydantic's union tags, every documented webhook event accepted, and 501 `not_supported` for
HeyGen's paths that are not served."""
from __future__ import annotations

import httpx
import pytest

from media import download, probe
from receiver import Receiver

pytestmark = [pytest.mark.service, pytest.mark.slow]

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"


def test_v1_reads_say_success(service, client: httpx.Client) -> None:
    created = client.post("/v2/video/generate", json={
        "video_inputs": [{"voice": {"type": "silence", "duration": 1}}], "dimension": {"width": 160, "height": 120},
        "title": "Strict"})
    video_id = created.json()["data"]["video_id"]
    for path, params in (("/v1/video_status.get", {"video_id": video_id}), ("/v1/video.list", {"limit": 1}),
                         ("/v1/avatar.list", {}), ("/v1/asset/list", {})):
        body = client.get(path, params=params).json()
        assert body["code"] == 100 and body["message"] == "Success", (path, body)
    service.wait(video_id, client=client)


def test_n8n_studio_body_with_blank_talking_photo_style(service, client: httpx.Client) -> None:
    """HeyGen's n8n node sends `talking_photo_style: ""` when the user leaves it blank."""
    body = {"video_inputs": [{"character": {"type": "talking_photo", "talking_photo_id": "Astronaut_Portrait_public",
                                            "talking_photo_style": "", "scale": 1},
                              "voice": {"type": "text", "voice_id": VOICE, "input_text": "Blank is absent."}}],
            "dimension": {"width": 320, "height": 240}, "test": False, "caption": False, "title": "n8n"}
    response = client.post("/v2/video/generate", json=body)
    assert response.status_code == 200, response.text
    iv = client.post("/v2/videos", json={"avatar_id": "Ava_drawn_front", "script": "Hi.", "voice_id": VOICE,
                                         "resolution": "", "aspect_ratio": "", "expressiveness": "", "title": "IV"})
    assert iv.status_code == 200, iv.text
    for video in (response, iv):  # the per-key cap counts videos in progress: leave none behind
        service.wait(video.json()["data"]["video_id"], client=client)


@pytest.mark.parametrize(("path", "body", "param"), [
    ("/v3/videos/batches", {"videos": [{"type": "avatar", "avatar_id": "Ava_drawn_front", "script": "x",
                                        "voice_id": VOICE, "aspect_ratio": "7:3"}]}, "videos.0.aspect_ratio"),
    ("/v3/videos", {"type": "image", "image": {"type": "url"}, "script": "x", "voice_id": VOICE}, "image.url"),
    ("/v3/videos", {"type": "avatar", "avatar_id": "Ava_drawn_front", "script": "x", "voice_id": VOICE,
                    "watermark": {"image": {"type": "base64"}}}, "watermark.image.data"),
])
def test_v3_field_paths_have_no_union_tags(client: httpx.Client, path: str, body: dict, param: str) -> None:
    error = client.post(path, json=body).json()["error"]
    assert error["param"] == param and error["message"].startswith(f"{param} is invalid")


def test_studio_paths_keep_heygens_own_form(client: httpx.Client) -> None:
    """Seed 003's errors name the union member (`character.avatar.circle_background_color`)."""
    body = {"video_inputs": [{"character": {"type": "avatar", "avatar_id": "Ava_drawn_front",
                                            "circle_background_color": "red"},
                              "voice": {"type": "text", "voice_id": VOICE, "input_text": "x"}}]}
    message = client.post("/v2/video/generate", json=body).json()["error"]["message"]
    assert message.startswith("video_inputs.0.character.avatar.circle_background_color is invalid")


DOCUMENTED = ["avatar_video.success", "video_translate.success", "video_translate.preflight.download_failed",
              "video_agent.fail", "personalized_video", "instant_avatar.success", "photo_avatar_generation.fail",
              "photo_avatar_add_motion.success", "live_avatar.fail", "hyperframes_video.success",
              "ai_clipping.fail", "proofread_creation.success", "batch.finished"]


def test_every_documented_event_can_be_subscribed_and_unknown_ones_cannot(client: httpx.Client) -> None:
    with Receiver() as receiver:
        v1 = client.post("/v1/webhook/endpoint.add", json={"url": f"{receiver.url}/hook", "events": DOCUMENTED})
        assert v1.status_code == 200 and v1.json()["data"]["events"] == DOCUMENTED
        client.delete("/v1/webhook/endpoint.delete", params={"endpoint_id": v1.json()["data"]["endpoint_id"]})
        v3 = client.post("/v3/webhooks/endpoints", json={"url": f"{receiver.url}/hook",
                                                         "events": [*DOCUMENTED, "video_translate.nope"]})
    assert v3.status_code == 400 and v3.json()["error"]["param"] == f"events.{len(DOCUMENTED)}"
    kinds = {item["event_type"]: item for item in client.get("/v3/webhooks/event-types").json()["data"]}
    assert set(DOCUMENTED) <= set(kinds) and set(DOCUMENTED) <= set(client.get("/v1/webhook/webhook.list").json()["data"])
    assert kinds["avatar_video.success"]["emitted"] is True
    assert kinds["video_translate.success"]["emitted"] is False
    assert kinds["video_translate.success"]["description"].startswith("Never sent by this server")


@pytest.mark.parametrize(("method", "path", "feature"), [
    ("POST", "/v2/video_translate", "Video translation"),
    ("GET", "/v2/video_translate/0123abcd", "Video translation"),
    ("POST", "/v1/streaming.new", "Interactive (streaming) avatars"),
    ("GET", "/v3/audio/sounds?query=rain", "Music and sound effect search"),
    ("POST", "/v3/voices/clone", "Voice cloning"),
    ("DELETE", "/v3/voices/0123abcd", "Voice cloning"),
])
def test_known_unserved_paths_are_501_in_their_family(client: httpx.Client, method: str, path: str,
                                                      feature: str) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 501
    body = response.json()
    if path.startswith("/v1/"):
        assert body["code"] == 400501 and feature in body["message"]
    elif path.startswith("/v2/"):
        assert body["data"] is None and body["error"]["code"] == "not_supported" and feature in body["error"]["message"]
    else:
        assert body["error"]["code"] == "not_supported" and feature in body["error"]["message"]


def test_unknown_paths_stay_404_and_served_routes_win(client: httpx.Client) -> None:
    assert client.get("/v2/no_such_thing").status_code == 404
    assert client.get("/v3/voices/0123abcd").json()["error"]["code"] == "voice_not_found"


def test_av4_generate_is_v2_videos(service, client: httpx.Client, tmp_path) -> None:
    """Older Avatar IV clients call /v2/video/av4/generate with the /v2/videos body."""
    created = client.post("/v2/video/av4/generate", json={
        "avatar_id": "Ava_drawn_front", "script": "An older client.", "voice_id": VOICE, "resolution": "720p",
        "aspect_ratio": "9:16", "title": "av4"}).json()
    assert created["error"] is None and created["data"]["status"] == "waiting"
    status = service.wait(created["data"]["video_id"], client=client)
    assert status["status"] == "completed", status
    media = probe(download(status["video_url"], tmp_path / "av4.mp4"))
    assert (media.width, media.height) == (720, 1280)
    refused = client.post("/v2/video/av4/generate", json={"script": "No avatar.", "voice_id": VOICE})
    assert refused.status_code == 400 and refused.json()["data"] is None
