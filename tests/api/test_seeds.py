"""The four seed endpoints, driven over HTTP on loopback, each to a decoded, checked file."""
from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
import pytest

from media import alpha_planes, download, probe

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"  # piper, joe (en-US), the catalogue's default voice
DRAWN = "Ava_drawn_front"
PHOTO = "Astronaut_Portrait_public"
TEXT = "Hello from avatar studio. This video was made on this machine."


def check_duration(video: Path, status_duration: float) -> None:
    media = probe(video)
    assert abs(media.video_seconds - media.audio_seconds) <= 0.1, media
    assert abs(media.video_seconds - status_duration) <= 0.1, (media, status_duration)
    assert media.audio_rms > 0.01, "the speech track is silent"
    assert 2.0 < media.video_seconds < 10.0


def test_v1_webm_is_vp9_with_real_alpha(client: httpx.Client, service, tmp_path: Path) -> None:
    body = {"avatar_pose_id": DRAWN, "avatar_style": "normal", "input_text": TEXT, "voice_id": VOICE,
            "dimension": {"width": 640, "height": 360}}
    created = client.post("/v1/video.webm", json=body).json()
    assert created["code"] == 100 and created["message"] is None
    status = service.wait(created["data"]["video_id"])
    assert status["status"] == "completed", status
    video = download(status["video_url"], tmp_path / "out.webm")
    media = probe(video)
    assert (media.video_codec, media.audio_codec, media.width, media.height) == ("vp9", "opus", 640, 360)
    check_duration(video, status["duration"])
    alpha = alpha_planes(video)[len(alpha_planes(video)) // 2]
    assert (alpha < 10).mean() > 0.2, "the background should be transparent"
    assert (alpha > 245).mean() > 0.05, "the avatar should be opaque"
    assert alpha[0, 0] < 10 and alpha[-1, 320] > 245  # corner is background; bottom centre is the avatar's body


def test_v2_videos_avatar_iv_mp4(client: httpx.Client, service, tmp_path: Path) -> None:
    body = {"avatar_id": PHOTO, "script": TEXT, "voice_id": VOICE, "resolution": "720p", "aspect_ratio": "16:9",
            "background": {"type": "color", "value": "#00ff00"}, "title": "seed 001"}
    created = client.post("/v2/videos", json=body).json()
    assert created["error"] is None and created["data"]["status"] == "waiting"
    video_id = created["data"]["video_id"]
    assert "progress" in client.get(f"/v2/videos/{video_id}").json()["data"]
    service.wait(video_id)
    status = client.get(f"/v2/videos/{video_id}").json()["data"]
    assert status["status"] == "completed" and status["title"] == "seed 001" and status["progress"] == 100
    video = download(status["video_url"], tmp_path / "out.mp4")
    media = probe(video)
    assert (media.video_codec, media.audio_codec, media.width, media.height) == ("h264", "aac", 1280, 720)
    check_duration(video, status["duration"])
    for role in ("thumbnail_url", "gif_url", "subtitle_url"):
        assert httpx.get(status[role]).status_code == 200, role


def test_v3_videos_vertical(client: httpx.Client, service, tmp_path: Path) -> None:
    body = {"type": "avatar", "avatar_id": DRAWN, "script": TEXT, "voice_id": VOICE, "resolution": "720p",
            "aspect_ratio": "9:16", "callback_id": "mine-1"}
    created = client.post("/v3/videos", json=body)
    assert created.headers.get("x-request-id")
    data = created.json()["data"]
    assert data["status"] == "waiting" and data["output_format"] == "mp4"
    service.wait(data["video_id"])
    status = client.get(f"/v3/videos/{data['video_id']}").json()["data"]
    assert status["status"] == "completed" and status["failure_code"] is None
    video = download(status["video_url"], tmp_path / "out.mp4")
    media = probe(video)
    assert (media.width, media.height) == (720, 1280)
    check_duration(video, status["duration"])


def test_v2_generate_studio(client: httpx.Client, service, tmp_path: Path) -> None:
    body = {"title": "studio", "callback_id": "cb", "dimension": {"width": 640, "height": 360},
            "video_inputs": [{"character": {"type": "avatar", "avatar_id": DRAWN, "scale": 0.8},
                              "voice": {"type": "text", "voice_id": VOICE, "input_text": TEXT},
                              "background": {"type": "color", "value": "#FF0000"}}]}
    created = client.post("/v2/video/generate", json=body).json()
    assert created["error"] is None
    status = service.wait(created["data"]["video_id"])
    assert status["status"] == "completed" and status["callback_id"] == "cb"
    video = download(status["video_url"], tmp_path / "out.mp4")
    media = probe(video)
    assert (media.video_codec, media.width, media.height) == ("h264", 640, 360)
    check_duration(video, status["duration"])
    import av

    with av.open(str(video)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert np.abs(frame[5, 5].astype(int) - [255, 0, 0]).max() < 40, frame[5, 5]


def test_download_supports_range_and_rejects_bad_signatures(client: httpx.Client, service) -> None:
    body = {"video_inputs": [{"voice": {"type": "silence", "duration": 1}}], "dimension": {"width": 320, "height": 240}}
    status = service.wait(client.post("/v2/video/generate", json=body).json()["data"]["video_id"])
    url = status["video_url"]
    partial = httpx.get(url, headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.content) == 100
    assert httpx.get(url.replace("signature=", "signature=0")).status_code == 403
    fresh = client.get("/v1/video_status.get", params={"video_id": status["id"]}).json()["data"]["video_url"]
    assert httpx.get(fresh).status_code == 200
