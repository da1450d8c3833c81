"""POST /v3/avatars makes a photo avatar usable as avatar_id, including for transparent WebM."""
from __future__ import annotations

import base64
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
import skimage
from PIL import Image

from media import alpha_planes, download
from slow_server import SlowHeaders

pytestmark = pytest.mark.service

ASTRONAUT_PNG = Path(skimage.__file__).parent / "data" / "astronaut.png"
VOICE = "dc5a480bbf70285f92f42e37cf943c8a"


def test_photo_avatar_from_asset_base64_and_url(client: httpx.Client) -> None:
    asset = client.post("/v3/assets", files={"file": ("me.png", ASTRONAUT_PNG.read_bytes(), "image/png")}).json()["data"]
    inputs = [{"type": "asset_id", "asset_id": asset["asset_id"]},
              {"type": "base64", "data": base64.b64encode(ASTRONAUT_PNG.read_bytes()).decode(), "media_type": "image/png"},
              {"type": "url", "url": asset["url"]}]
    for image in inputs:
        response = client.post("/v3/avatars", json={"type": "photo", "name": "Me", "file": image})
        assert response.status_code == 200, response.text
        item = response.json()["data"]["avatar_item"]
        assert item["avatar_type"] == "photo_avatar" and item["name"] == "Me"
        assert response.json()["data"]["avatar_group"]["looks_count"] == 1
        if image["type"] == "url":  # fetched by a job: the answer does not wait for it
            assert item["status"] == "processing" and item["preview_image_url"] is None, item
            item = wait_for_look(client, item["id"], {"completed", "failed"})
        assert item["status"] == "completed", item
        assert (item["image_width"], item["image_height"]) == (512, 512)
        assert client.get(f"/v3/avatars/looks/{item['id']}").status_code == 200
        assert client.delete(f"/v3/avatars/looks/{item['id']}").json()["data"] == {"id": item["id"]}
        assert client.get(f"/v3/avatars/looks/{item['id']}").status_code == 404


def wait_for_look(client: httpx.Client, look_id: str, wanted: set[str], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        look = client.get(f"/v3/avatars/looks/{look_id}").json()["data"]
        if look["status"] in wanted:
            return look
        time.sleep(0.2)
    raise AssertionError(f"look {look_id} never reached {wanted}")


def test_a_photo_at_a_slow_server_fails_with_a_reason_and_holds_up_no_request(client: httpx.Client) -> None:
    """The media server drips its headers one byte a second (for at most a minute): the create answers at once with
    the look processing, every other route answers meanwhile, and the look fails when the fetch's 30 s deadline
    passes, saying why; a video naming it meanwhile is refused as not ready."""
    with SlowHeaders(interval=1.0, seconds=60) as slow:
        created = client.post("/v3/avatars", json={"type": "photo", "name": "Slow",
                                                   "file": {"type": "url", "url": slow.url}})
        assert created.status_code == 200, created.text
        item = created.json()["data"]["avatar_item"]
        assert item["status"] == "processing" and created.json()["data"]["avatar_group"]["status"] == "processing"
        deadline = time.monotonic() + 60
        while slow.connections == 0:
            assert time.monotonic() < deadline, "the job never fetched the photo"
            time.sleep(0.1)
        assert client.get("/v3/avatars/looks", params={"ownership": "private"}).status_code == 200
        assert client.get("/v2/avatars").status_code == 200
        assert wait_for_look(client, item["id"], {"processing"})["error"] is None
        waiting = client.post("/v3/videos", json={"avatar_id": item["id"], "script": "Hi.", "voice_id": VOICE})
        assert waiting.status_code == 400 and waiting.json()["error"]["code"] == "avatar_not_ready", waiting.text
        failed = wait_for_look(client, item["id"], {"failed", "completed"})
    assert failed["status"] == "failed" and failed["error"]["code"] == "download_failed", failed
    assert "took longer than 30 s" in failed["error"]["message"]
    assert item["id"] not in {photo["talking_photo_id"] for photo in
                              client.get("/v2/avatars").json()["data"]["talking_photos"]}
    assert client.delete(f"/v3/avatars/looks/{item['id']}").status_code == 200
    assert client.get(f"/v3/avatars/looks/{item['id']}").status_code == 404


def test_photo_avatar_refusals_name_the_field(client: httpx.Client) -> None:
    flat = Image.new("RGB", (200, 200), (120, 160, 200))
    data = base64.b64encode(_png(flat)).decode()
    faceless = client.post("/v3/avatars", json={"type": "photo", "name": "x", "file": {"type": "base64", "data": data}})
    assert faceless.status_code == 400 and faceless.json()["error"]["param"] == "file"
    flat_url = client.post("/v3/assets", files={"file": ("flat.png", _png(flat), "image/png")}).json()["data"]["url"]
    by_url = client.post("/v3/avatars", json={"type": "photo", "name": "x", "file": {"type": "url", "url": flat_url}})
    failed = wait_for_look(client, by_url.json()["data"]["avatar_item"]["id"], {"failed", "completed"})
    assert failed["status"] == "failed" and failed["error"]["message"].startswith("file.url is invalid: "), failed
    assert client.delete(f"/v3/avatars/looks/{failed['id']}").status_code == 200
    prompt = client.post("/v3/avatars", json={"type": "prompt", "name": "x", "prompt": "a person"})
    assert prompt.status_code == 400 and prompt.json()["error"]["param"] == "type"
    builtin = client.delete("/v3/avatars/looks/Ava_drawn_front")
    assert builtin.status_code == 403


def test_webm_of_a_talking_photo_is_cut_out(client: httpx.Client, service, tmp_path: Path) -> None:
    photo = client.post("/v1/talking_photo", content=ASTRONAUT_PNG.read_bytes()).json()["data"]["talking_photo_id"]
    created = client.post("/v1/video.webm", json={"avatar_pose_id": photo, "input_text": "Cut out.", "voice_id": VOICE,
                                                   "dimension": {"width": 320, "height": 240}}).json()
    status = service.wait(created["data"]["video_id"])
    assert status["status"] == "completed", status
    alpha = alpha_planes(download(status["video_url"], tmp_path / "photo.webm"))[0]
    assert alpha[5, 5] < 10 and np.mean(alpha > 245) > 0.1


def _png(image: Image.Image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
