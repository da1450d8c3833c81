"""HeyGen's v2 photo avatar groups as its clients drive them: upload, create a group, add a look, train (ready at
once, with its webhook), list the group's looks and use one in a video; generative routes answer 501."""
from __future__ import annotations

from importlib.resources import files

import httpx
import pytest

from receiver import Receiver

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"


def upload(client: httpx.Client, data: bytes, mime: str) -> dict:
    response = client.post("/v1/asset", content=data, headers={"Content-Type": mime})
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture(scope="module")
def portrait(service) -> dict:
    with service.client() as client:
        return upload(client, files("skimage.data").joinpath("astronaut.png").read_bytes(), "image/png")


def test_group_create_add_train_list_and_render(client: httpx.Client, portrait: dict) -> None:
    created = client.post("/v2/photo_avatar/avatar_group/create",
                          json={"name": "Eileen", "image_key": portrait["image_key"]}).json()
    assert created["error"] is None and created["data"]["status"] == "pending"
    group_id = created["data"]["id"]
    added = client.post("/v2/photo_avatar/avatar_group/add",
                        json={"group_id": group_id, "image_keys": [portrait["id"]], "name": "Eileen, close"}).json()
    look = added["data"]["photo_avatar_list"][0]
    assert look["group_id"] == group_id and look["name"] == "Eileen, close" and look["image_url"].startswith("http")
    assert client.get(f"/v2/photo_avatar/{look['id']}").json()["data"]["group_id"] == group_id
    listed = client.get(f"/v2/avatar_group/{group_id}/avatars").json()["data"]["avatar_list"]
    assert len(listed) == 2 and {item["group_id"] for item in listed} == {group_id}
    assert look["id"] in {item["avatar_id"] for item in listed}
    assert client.get(f"/v2/photo_avatar/train/status/{group_id}").json()["data"]["status"] == "pending"
    groups = client.get("/v2/avatar_group.list").json()["data"]["avatar_group_list"]
    assert {"id": group_id, "name": "Eileen", "num_looks": 2, "train_status": "pending"}.items() <= next(
        group for group in groups if group["id"] == group_id).items()

    with Receiver() as receiver:
        endpoint = client.post("/v3/webhooks/endpoints", json={"url": f"{receiver.url}/hook",
                                                               "events": ["photo_avatar_train.success"]}).json()
        try:
            trained = client.post("/v2/photo_avatar/train", json={"group_id": group_id}).json()
            assert trained["error"] is None
            delivery = receiver.wait_for(lambda d: d.payload["event_data"].get("group_id") == group_id)[0]
        finally:
            client.delete(f"/v3/webhooks/endpoints/{endpoint['data']['endpoint_id']}")
    assert delivery.payload["event_type"] == "photo_avatar_train.success"
    assert client.get(f"/v2/photo_avatar/train/status/{group_id}").json()["data"]["status"] == "ready"
    video = client.post("/v2/video/generate", json={
        "video_inputs": [{"character": {"type": "talking_photo", "talking_photo_id": look["id"]},
                          "voice": {"type": "text", "voice_id": VOICE, "input_text": "A look of my group."}}],
        "dimension": {"width": 320, "height": 240}, "title": "Group look"})
    assert video.status_code == 200, video.text


def test_errors_in_the_v2_envelope(client: httpx.Client, portrait: dict) -> None:
    audio = upload(client, b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80>\x00\x00\x00}\x00\x00"
                           b"\x02\x00\x10\x00data\x00\x00\x00\x00", "audio/wav")
    for body, status, code in (({"name": "x", "image_key": "nope"}, 404, "asset_not_found"),
                               ({"name": "x", "image_key": audio["id"]}, 400, "invalid_parameter"),
                               ({"image_key": portrait["id"]}, 400, "invalid_parameter")):
        response = client.post("/v2/photo_avatar/avatar_group/create", json=body)
        assert response.status_code == status and response.json()["error"]["code"] == code, response.text
    missing = client.post("/v2/photo_avatar/train", json={"group_id": "0" * 32})
    assert missing.status_code == 404 and missing.json()["data"] is None


@pytest.mark.parametrize("path", ["/v2/photo_avatar/photo/generate", "/v2/photo_avatar/look/generate",
                                  "/v2/photo_avatar/add_motion"])
def test_generative_routes_are_not_supported(client: httpx.Client, path: str) -> None:
    response = client.post(path, json={"name": "x", "age": "Young Adult", "gender": "Woman"})
    assert response.status_code == 501 and response.json()["error"]["code"] == "not_supported"
