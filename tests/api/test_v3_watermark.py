"""v3 watermark end to end: an image over every frame, over the avatar too, blended once however long the video.

The watermark here is a translucent red sheet larger than the frame, on a talking photo: the encoder gets that
video as a still plus the moving face, and the watermark must be drawn once there as everywhere else.
"""
from __future__ import annotations

import base64
import io
from pathlib import Path

import av
import httpx
import numpy as np
import pytest
from PIL import Image

from media import download

pytestmark = pytest.mark.service

OPACITY = 0.4


def red_png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 36), (255, 0, 0)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_the_watermark_covers_every_frame_and_the_avatar_once(client: httpx.Client, service, tmp_path: Path) -> None:
    body = {"type": "avatar", "avatar_id": "Astronaut_Portrait_public", "voice_id": "dc5a480bbf70285f92f42e37cf943c8a",
            "script": "A watermark sits on top of everything, and it never gets any stronger.", "resolution": "720p",
            "background": {"type": "color", "value": "#000000"},
            "watermark": {"image": {"type": "base64", "data": red_png(), "media_type": "image/png"},
                          "opacity": OPACITY, "scale": 25,
                          "placement": {"position": "top_left", "offset_x": -0.05, "offset_y": -0.05}}}
    created = client.post("/v3/videos", json=body)
    assert created.status_code == 200, created.text
    status = service.wait(created.json()["data"]["video_id"], timeout=180)
    assert status["status"] == "completed", status
    with av.open(str(download(status["video_url"], tmp_path / "marked.mp4"))) as container:
        frames = [frame.to_ndarray(format="rgb24").astype(int) for frame in container.decode(video=0)]
    assert len(frames) > 50
    red = round(255 * OPACITY)
    for frame in (frames[0], frames[len(frames) // 2], frames[-1]):
        assert np.abs(frame[10, 10] - (red, 0, 0)).max() <= 8        # over the black background
        face = frame[300, 640]                                          # the astronaut's face, under the sheet
        assert face[0] - face[1] > 0.9 * red
    # Drawn more than once where the face moves, the sheet would turn that part redder frame after frame.
    means = [frame[..., 0].mean() - frame[..., 1].mean() for frame in frames]
    assert max(means) - min(means) < 2.0, (min(means), max(means))
    # The thumbnail is a frame from a second in: the encoder takes only the face's box of it, the thumbnail all of it.
    thumbnail = np.asarray(Image.open(download(status["thumbnail_url"], tmp_path / "thumb.jpg"))).astype(int)
    assert np.abs(thumbnail[10, 10] - (red, 0, 0)).max() <= 8


def test_a_bad_watermark_names_its_field(client: httpx.Client) -> None:
    body = {"type": "avatar", "avatar_id": "Ava_drawn_front", "voice_id": "dc5a480bbf70285f92f42e37cf943c8a",
            "script": "Hi.", "watermark": {"image": {"type": "url", "url": "https://example.com/logo.png"},
                                           "opacity": 2}}
    refused = client.post("/v3/videos", json=body)
    assert refused.status_code == 400 and refused.json()["error"]["param"].startswith("watermark.opacity")
