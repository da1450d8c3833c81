"""Uploads checked by content, photos and recordings used in renders, batches, folders, listing and deletion."""
from __future__ import annotations

import io
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile
import skimage

from media import download, probe

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
ASTRONAUT_PNG = Path(skimage.__file__).parent / "data" / "astronaut.png"


def speech_like_wav(seconds: float = 2.5, rate: int = 16000) -> bytes:
    """Syllable-like bursts of a voiced tone: loud enough to drive the mouth, made here instead of fetched."""
    t = np.arange(int(seconds * rate)) / rate
    voiced = 0.4 * np.sin(2 * np.pi * 140 * t) * (np.sin(2 * np.pi * 3 * t) > 0)
    out = io.BytesIO()
    soundfile.write(out, voiced.astype(np.float32), rate, format="WAV")
    return out.getvalue()


def test_uploads_are_checked_by_content(client: httpx.Client) -> None:
    lying = client.post("/v1/asset", content=b"this is not a picture", headers={"Content-Type": "image/png"})
    assert lying.status_code == 415 and lying.json()["code"] == 400415
    empty = client.post("/v3/assets", files={"file": ("a.png", b"", "image/png")})
    assert empty.status_code == 400 and empty.json()["error"]["param"] == "file"
    wav_as_photo = client.post("/v1/talking_photo", content=speech_like_wav(), headers={"Content-Type": "image/png"})
    assert wav_as_photo.status_code == 400
    png = client.post("/v1/asset", content=ASTRONAUT_PNG.read_bytes(), headers={"Content-Type": "application/x-foo"})
    data = png.json()["data"]
    assert data["file_type"] == "image" and data["meta"]["mime_type"] == "image/png"
    assert httpx.get(data["url"]).content == ASTRONAUT_PNG.read_bytes()
    assert client.post(f"/v1/asset/{data['id']}/delete").json()["code"] == 100
    assert client.get(f"/v3/assets/{data['id']}").status_code == 404


def test_talking_photo_with_uploaded_audio_renders(client: httpx.Client, service, tmp_path: Path) -> None:
    photo = client.post("/v1/talking_photo", content=ASTRONAUT_PNG.read_bytes(),
                        headers={"Content-Type": "image/png"}).json()["data"]
    audio = client.post("/v3/assets", files={"file": ("voice.wav", speech_like_wav(), "audio/wav")}).json()["data"]
    assert audio["mime_type"] == "audio/wav"
    created = client.post("/v2/videos", json={"avatar_id": photo["talking_photo_id"], "audio_asset_id": audio["asset_id"],
                                              "resolution": "720p"}).json()
    status = service.wait(created["data"]["video_id"])
    assert status["status"] == "completed", status
    media = probe(download(status["video_url"], tmp_path / "photo.mp4"))
    assert abs(media.video_seconds - 2.5) <= 0.1 and media.audio_rms > 0.01
    listed = client.get("/v2/avatars").json()["data"]["talking_photos"]
    assert photo["talking_photo_id"] in [item["talking_photo_id"] for item in listed]


def test_studio_talking_photo_with_audio_url(client: httpx.Client, service) -> None:
    photo = client.post("/v1/talking_photo", content=ASTRONAUT_PNG.read_bytes()).json()["data"]
    audio = client.post("/v1/asset", content=speech_like_wav(1.5), headers={"Content-Type": "audio/wav"}).json()["data"]
    body = {"video_inputs": [{"character": {"type": "talking_photo", "talking_photo_id": photo["talking_photo_id"],
                                            "talking_photo_style": "circle", "circle_background_color": "#FFCC00"},
                              "voice": {"type": "audio", "audio_url": audio["url"]}}],
            "dimension": {"width": 320, "height": 240}}
    status = service.wait(client.post("/v2/video/generate", json=body).json()["data"]["video_id"])
    assert status["status"] == "completed" and abs(status["duration"] - 1.5) <= 0.1


def test_corrupt_audio_fails_the_job_with_a_reason(client: httpx.Client, service) -> None:
    corrupt = client.post("/v1/asset", content=b"ID3" + bytes(range(256)) * 40).json()["data"]
    body = {"video_inputs": [{"voice": {"type": "audio", "audio_asset_id": corrupt["id"]}}]}
    status = service.wait(client.post("/v2/video/generate", json=body).json()["data"]["video_id"])
    assert status["status"] == "failed" and status["error"]["code"] == 40121, status
    assert status["error"]["message"]


def test_batch_statuses_folders_list_and_delete(client: httpx.Client, service) -> None:
    folder = client.post("/v1/folders/create", json={"name": "launch"}).json()["data"]
    item = {"type": "avatar", "avatar_id": "Noah_drawn_close", "voice_id": VOICE, "resolution": "720p",
            "aspect_ratio": "1:1", "folder_id": folder["id"]}
    batch = client.post("/v3/videos/batches", json={"title": "two", "videos": [
        {**item, "script": "First one."}, {**item, "script": "Second one."}]}).json()["data"]
    for video_id in batch["video_ids"]:
        assert service.wait(video_id)["status"] == "completed"
    summary = client.get(f"/v3/videos/batches/{batch['batch_id']}").json()["data"]
    assert summary["status"] == "completed" and summary["counts_by_status"] == {"completed": 2}
    assert [entry["item_index"] for entry in summary["items"]] == [0, 1]
    assert client.get(f"/v3/lipsyncs/batches/{batch['batch_id']}").status_code == 404, "not a lipsync batch"
    statuses = client.get("/v3/videos/statuses", params={"batch_ids": batch["batch_id"],
                                                         "video_ids": "0" * 32}).json()["data"]
    assert [entry["status"] for entry in statuses] == ["not_found", "completed", "completed"]
    in_folder = client.get("/v3/videos", params={"folder_id": folder["id"]}).json()
    assert sorted(video["id"] for video in in_folder["data"]) == sorted(batch["video_ids"])
    assert all(video["folder_id"] == folder["id"] for video in in_folder["data"])
    first, second = batch["video_ids"]
    assert first in [video["video_id"] for video in client.get("/v1/video.list").json()["data"]["videos"]]
    assert client.delete("/v1/video.delete", params={"video_id": first}).json()["code"] == 100
    assert client.delete(f"/v3/videos/{second}").json()["data"] == {"id": second, "deleted": True}
    assert client.get(f"/v3/videos/{second}").status_code == 404
    missing = client.post("/v2/video/generate", json={"folder_id": "f" * 32, "video_inputs": [
        {"voice": {"type": "silence", "duration": 1}}]})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_v3_image_type_takes_nested_and_flat_image_fields(client: httpx.Client, service) -> None:
    asset = client.post("/v3/assets", files={"file": ("me.png", ASTRONAUT_PNG.read_bytes(), "image/png")}).json()["data"]
    common = {"script": "Hi.", "voice_id": VOICE, "resolution": "720p"}
    bodies = [{"type": "image", "image": {"type": "asset_id", "asset_id": asset["asset_id"]}, **common},
              {"type": "image", "image": {"type": "url", "url": asset["url"]}, **common},
              {"image_url": asset["url"], **common},
              {"type": "image", "image_asset_id": asset["asset_id"], **common}]
    ids = []
    for body in bodies:
        response = client.post("/v3/videos", json=body)
        assert response.status_code == 200, response.text
        ids.append(response.json()["data"]["video_id"])
    for video_id in ids:
        assert service.wait(video_id)["status"] == "completed"
    no_image = client.post("/v3/videos", json={"type": "image", **common})
    assert no_image.status_code == 400
    assert "either image or image_url or image_asset_id" in no_image.json()["error"]["message"]


def test_a_photo_url_without_a_face_fails_the_job_with_face_not_found(client: httpx.Client, service) -> None:
    from PIL import Image

    flat = io.BytesIO()
    Image.new("RGB", (256, 256), (90, 140, 200)).save(flat, "PNG")
    asset = client.post("/v1/asset", content=flat.getvalue()).json()["data"]
    created = client.post("/v3/videos", json={"type": "image", "image_url": asset["url"], "script": "Hi.",
                                              "voice_id": VOICE, "resolution": "720p"}).json()
    status = service.wait(created["data"]["video_id"])
    assert status["status"] == "failed" and status["error"]["detail"] == "face_not_found", status
    assert "face" in status["error"]["message"].lower()


def test_v3_voice_volume_scales_the_speech(client: httpx.Client, service, tmp_path: Path) -> None:
    body = {"type": "avatar", "avatar_id": "Noah_drawn_front", "script": "The same words, twice.",
            "voice_id": VOICE, "resolution": "720p", "aspect_ratio": "1:1"}
    loud = client.post("/v3/videos", json=body).json()["data"]["video_id"]
    quiet = client.post("/v3/videos", json={**body, "voice_settings": {"volume": 0.25}}).json()["data"]["video_id"]
    levels = []
    for video_id in (loud, quiet):
        status = service.wait(video_id)
        levels.append(probe(download(status["video_url"], tmp_path / f"{video_id}.mp4")).audio_rms)
    assert 0.15 < levels[1] / levels[0] < 0.4
