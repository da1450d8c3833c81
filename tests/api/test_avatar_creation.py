"""POST /v3/avatars makes a photo avatar usable as avatar_id, including for transparent WebM."""
from __future__ import annotations

import base64
from pathlib import Path

import httpx
import numpy as np
import pytest
import skimage
from PIL import Image

from media import alpha_planes, download

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
        assert (item["image_width"], item["image_height"]) == (512, 512)
        assert response.json()["data"]["avatar_group"]["looks_count"] == 1
        assert client.get(f"/v3/avatars/looks/{item['id']}").status_code == 200
        assert client.delete(f"/v3/avatars/looks/{item['id']}").json()["data"] == {"id": item["id"]}
        assert client.get(f"/v3/avatars/looks/{item['id']}").status_code == 404


def test_photo_avatar_refusals_name_the_field(client: httpx.Client) -> None:
    flat = Image.new("RGB", (200, 200), (120, 160, 200))
    data = base64.b64encode(_png(flat)).decode()
    faceless = client.post("/v3/avatars", json={"type": "photo", "name": "x", "file": {"type": "base64", "data": data}})
    assert faceless.status_code == 400 and faceless.json()["error"]["param"] == "file"
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
