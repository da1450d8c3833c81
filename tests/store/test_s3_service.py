"""The real service with STORAGE_URL=s3://bucket/prefix: uploads, renders and deletes reach the bucket, and
downloads still go through the API's signed /files links, Range requests included."""
from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image

from footage import clip
from live_service import start_service, stop_service
from media import download, probe
from twin_media import poll
from workers import running_worker

pytestmark = pytest.mark.service

DRAWN = "Ava_drawn_front"
VOICE = "dc5a480bbf70285f92f42e37cf943c8a"


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def test_renders_uploads_and_deletes_live_in_the_bucket(s3_server, tmp_path: Path) -> None:
    bucket = s3_server.new_bucket()
    service = start_service(tmp_path / "data", workers=1, STORAGE_URL=f"s3://{bucket}/studio/files",
                            **s3_server.env)
    try:
        with service.client() as client:
            asset = client.post("/v3/assets", files={"file": ("bg.png", small_png(), "image/png")}).json()["data"]
            asset_keys = [f"studio/files/assets/{asset['asset_id']}/file.png"]
            assert s3_server.keys(bucket) == asset_keys
            body = {"caption": True, "dimension": {"width": 320, "height": 240}, "video_inputs": [
                {"character": {"type": "avatar", "avatar_id": DRAWN},
                 "voice": {"type": "text", "voice_id": VOICE, "input_text": "Hello there."},
                 "background": {"type": "image", "image_asset_id": asset["asset_id"]}}]}
            video_id = client.post("/v2/video/generate", json=body).json()["data"]["video_id"]
            status = service.wait(video_id)
            assert status["status"] == "completed", status
            media = probe(download(status["video_url"], tmp_path / "out.mp4"))
            assert (media.video_codec, media.width, media.height) == ("h264", 320, 240)
            assert abs(media.video_seconds - status["duration"]) <= 0.1 and media.audio_rms > 0.01
            partial = httpx.get(status["video_url"], headers={"Range": "bytes=0-99"})
            assert partial.status_code == 206 and len(partial.content) == 100
            for role in ("thumbnail_url", "gif_url", "subtitle_url", "caption_url"):
                assert httpx.get(status[role]).status_code == 200, role

            video_keys = [key for key in s3_server.keys(bucket) if key.startswith(f"studio/files/videos/{video_id}/")]
            assert {Path(key).suffix for key in video_keys} >= {".mp4", ".jpg", ".gif", ".srt", ".vtt", ".ass"}, \
                video_keys
            assert sorted(asset_keys + video_keys) == s3_server.keys(bucket)
            assert not (service.data_dir / "files").exists(), "nothing should be stored on local disk"

            assert client.delete(f"/v3/videos/{video_id}").json()["data"]["deleted"] is True
            assert client.post(f"/v1/asset/{asset['asset_id']}/delete").json()["code"] == 100
            assert s3_server.keys(bucket) == []
            assert httpx.get(status["video_url"]).status_code == 404
    finally:
        stop_service(service)


def test_a_missing_bucket_stops_the_service_at_start_up(s3_server, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"configuration error: STORAGE_URL='s3://absent-bucket'"):
        start_service(tmp_path / "data", STORAGE_URL="s3://absent-bucket", **s3_server.env)


def test_a_twin_trained_and_used_by_a_worker_on_another_host_lives_in_the_bucket(s3_server, tmp_path: Path) -> None:
    """The worker has its own data dir (another host): it gets the footage, keeps the twin's files and reads them
    back for the render only through the bucket."""
    bucket = s3_server.new_bucket()
    shared = {"STORAGE_URL": f"s3://{bucket}/studio/files", "AVATARSTUDIO_TWIN_CONSENT_REQUIRED": "false",
              **s3_server.env}
    service = start_service(tmp_path / "api", workers=0, **shared)
    host = tmp_path / "other-host"
    host.mkdir()
    database = {"DATABASE_URL": f"sqlite:///{service.data_dir / 'avatarstudio.db'}",
                "QUEUE_URL": f"sqlite:///{service.data_dir / 'queue.db'}"}
    try:
        with running_worker(host, **shared, **database), service.client() as client:
            footage = client.post("/v1/asset", content=clip("jwpIntro.mp4").read_bytes(),
                                  headers={"Content-Type": "video/mp4"}).json()["data"]["id"]
            made = client.post("/v3/avatars", json={"type": "digital_twin", "name": "Jon",
                                                    "file": {"type": "asset_id", "asset_id": footage}}).json()
            twin_id = made["data"]["avatar_item"]["id"]
            done = poll(lambda: client.get(f"/v3/avatars/looks/{twin_id}").json()["data"],
                        lambda look: look["status"] in ("completed", "failed"))
            assert done["status"] == "completed", done
            twin_keys = [key for key in s3_server.keys(bucket) if key.startswith(f"studio/files/twins/{twin_id}/")]
            assert {Path(key).name for key in twin_keys} >= {"preview.jpg", "preview.mp4"}, twin_keys
            assert httpx.get(done["preview_image_url"]).status_code == 200
            video_id = client.post("/v3/videos", json={"avatar_id": twin_id, "script": "Hello from the bucket.",
                                                        "voice_id": VOICE, "resolution": "720p"}).json()["data"]["video_id"]
            status = service.wait(video_id, timeout=300)
            assert status["status"] == "completed", status
            assert probe(download(status["video_url"], tmp_path / "twin.mp4")).audio_rms > 0.01
            assert client.delete(f"/v3/avatars/looks/{twin_id}").json()["data"] == {"id": twin_id}
            assert not [key for key in s3_server.keys(bucket) if "/twins/" in key]
        assert not (service.data_dir / "files").exists() and not (host / "files").exists()
    finally:
        stop_service(service)
