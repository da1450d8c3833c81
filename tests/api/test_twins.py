"""Digital twins as a HeyGen client drives them, through the real server with real footage (PsychoPy's clips):
create from an uploaded video, wait for consent, consent on the consent page, train, render with the twin in
every create endpoint (decoded: the person's face and the speech are there), find it in every listing, rename,
delete; and every refusal in its family's envelope."""
from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from avatarstudio.render.encode.ffmpeg import ffmpeg_exe
from file_server import serve_folder
from footage import clip
from live_service import start_service, stop_service
from media import download
from receiver import Receiver
from twin_media import face_share, fetch_bytes, footage_folder, poll, stream_facts

pytestmark = [pytest.mark.service, pytest.mark.slow]
VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
SCRIPT = "Hello, this is my digital twin speaking. It moves its lips to new words."


@pytest.fixture(scope="module")
def footage_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_folder(footage_folder(tmp_path_factory.mktemp("footage"))) as url:
        yield url


def look(client: httpx.Client, look_id: str) -> dict:
    return client.get(f"/v3/avatars/looks/{look_id}").json()["data"]


def trained(client: httpx.Client, look_id: str) -> dict:
    return poll(lambda: look(client, look_id), lambda item: item["status"] in ("completed", "failed"))


def test_twin_from_an_upload_with_consent_renders_lists_and_deletes(client: httpx.Client, service, footage_url: str,
                                                                    tmp_path: Path) -> None:
    footage = fetch_bytes(f"{footage_url}/jwpIntro.mp4")
    asset = client.post("/v1/asset", content=footage, headers={"Content-Type": "video/mp4"}).json()["data"]
    assert asset["file_type"] == "video"
    with Receiver() as receiver:
        created = client.post("/v3/avatars", json={"type": "digital_twin", "name": "Jon",
                                                   "file": {"type": "asset_id", "asset_id": asset["id"]},
                                                   "callback_url": receiver.url})
        assert created.status_code == 200, created.text
        group, item = created.json()["data"]["avatar_group"], created.json()["data"]["avatar_item"]
        assert item["avatar_type"] == "digital_twin" and item["status"] == "pending_consent"
        assert group["consent_status"] == "pending" and group["id"] == item["group_id"]

        waiting = client.post("/v3/videos", json={"avatar_id": item["id"], "script": SCRIPT, "voice_id": VOICE})
        assert waiting.status_code == 400 and waiting.json()["error"]["code"] == "avatar_not_ready"
        assert "pending_consent" in waiting.json()["error"]["message"]
        assert waiting.json()["error"]["param"] == "avatar_id"

        page_url = client.post(f"/v3/avatars/{group['id']}/consent", json={}).json()["data"]["url"]
        page = httpx.get(page_url)
        assert page.status_code == 200 and "Jon" in page.text and 'name="consent_video"' in page.text
        assert httpx.get(page_url.replace("signature=", "signature=0")).status_code == 403
        given = httpx.post(page_url, data={"confirm": "yes"},
                           files={"consent_video": ("consent.mp4", fetch_bytes(f"{footage_url}/testMovie.mp4"),
                                                    "video/mp4")})
        assert given.status_code == 200 and "Thank you" in given.text

        done = trained(client, item["id"])
        assert done["status"] == "completed", done
        event = receiver.wait_for(lambda d: d.payload["event_type"] == "instant_avatar.success")[0].payload
        assert event["event_data"]["avatar_id"] == item["id"]
    assert (done["image_width"], done["image_height"]) == (640, 480)
    assert any("2 minutes" in note for note in done["notes"]), done["notes"]
    assert Image.open(io.BytesIO(fetch_bytes(done["preview_image_url"]))).size == (640, 480)
    assert stream_facts(download(done["preview_video_url"], tmp_path / "preview.mp4"))["frames"] > 25
    assert client.get(f"/v3/avatars/{group['id']}").json()["data"]["consent_status"] == "completed"

    _listed_everywhere(client, item["id"], group["id"])
    renamed = client.patch(f"/v3/avatars/looks/{item['id']}", json={"name": "Jon Peirce"}).json()["data"]
    assert renamed["name"] == "Jon Peirce" and look(client, item["id"])["name"] == "Jon Peirce"

    video_id = client.post("/v3/videos", json={"avatar_id": item["id"], "script": SCRIPT, "voice_id": VOICE,
                                                "resolution": "720p"}).json()["data"]["video_id"]
    status = service.wait(video_id, timeout=300)
    assert status["status"] == "completed", status
    rendered = download(status["video_url"], tmp_path / "twin.mp4")
    facts = stream_facts(rendered)
    assert (facts["width"], facts["height"]) == (1280, 720) and facts["audio_rms"] > 0.01, facts
    assert face_share(rendered) > 0.9

    _deleted_twin_fails_waiting_video(client, service, item["id"], group["id"])
    assert client.get(f"/v3/avatars/{group['id']}").status_code == 404
    gone = client.get(f"/v3/avatars/looks/{item['id']}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "avatar_not_found"
    assert client.post("/v3/videos", json={"avatar_id": item["id"], "script": "x", "voice_id": VOICE}).status_code == 404


def _listed_everywhere(client: httpx.Client, look_id: str, group_id: str) -> None:
    v1 = client.get("/v1/avatar.list").json()["data"]["avatars"]
    v2 = client.get("/v2/avatars").json()["data"]["avatars"]
    for listed in (v1, v2):
        entry = next(avatar for avatar in listed if avatar["avatar_id"] == look_id)
        assert entry["type"] == "avatar" and entry["preview_video_url"] != entry["preview_image_url"]
    groups = client.get("/v2/avatar_group.list").json()["data"]["avatar_group_list"]
    assert next(group for group in groups if group["id"] == group_id)["train_status"] == "ready"
    members = client.get(f"/v2/avatar_group/{group_id}/avatars").json()["data"]["avatar_list"]
    assert [member["id"] for member in members] == [look_id]
    v3_groups = client.get("/v3/avatars", params={"ownership": "private", "limit": 100}).json()["data"]
    assert next(group for group in v3_groups if group["id"] == group_id)["status"] == "completed"
    looks = client.get("/v3/avatars/looks", params={"avatar_type": "digital_twin", "limit": 100}).json()["data"]
    assert look_id in [item["id"] for item in looks]


def _deleted_twin_fails_waiting_video(client: httpx.Client, service, look_id: str, group_id: str) -> None:
    """A video queued behind another, whose twin is deleted before its turn, fails saying so, webhook included."""
    blocker = client.post("/v2/video/generate", json={"video_inputs": [{
        "character": {"type": "avatar", "avatar_id": "Ava_drawn_front"},
        "voice": {"type": "silence", "duration": 8}}], "dimension": {"width": 640, "height": 360}}).json()
    with Receiver() as receiver:
        waiting = client.post("/v2/video/generate", json={"callback_url": receiver.url, "video_inputs": [{
            "character": {"type": "avatar", "avatar_id": look_id},
            "voice": {"type": "text", "voice_id": VOICE, "input_text": SCRIPT}}],
            "dimension": {"width": 640, "height": 480}}).json()
        assert client.delete(f"/v3/avatars/{group_id}").json()["data"] == {"id": group_id}
        failed = service.wait(waiting["data"]["video_id"], timeout=300)
        assert failed["status"] == "failed" and "deleted" in failed["error"]["message"], failed
        event = receiver.wait_for(lambda d: d.payload["event_type"] == "avatar_video.fail")[0].payload
        assert "deleted" in event["event_data"]["msg"]
    assert service.wait(blocker["data"]["video_id"])["status"] == "completed"


def test_v2_video_avatar_with_consent_by_url(client: httpx.Client, footage_url: str) -> None:
    created = client.post("/v2/video_avatar", json={"training_footage_url": f"{footage_url}/testMovie.mp4",
                                                    "video_consent_url": f"{footage_url}/jwpIntro.mp4",
                                                    "avatar_name": "Jon again"}).json()
    avatar_id = created["data"]["avatar_id"]
    done = poll(lambda: client.get(f"/v2/video_avatar/{avatar_id}").json()["data"],
                lambda data: data["status"] != "in_progress")
    assert done["status"] == "completed" and done["error_message"] is None, done
    assert done["preview_image_url"].startswith("http") and done["default_voice_id"]
    video = client.post("/v2/videos", json={"avatar_id": avatar_id, "script": SCRIPT, "voice_id": VOICE,
                                            "resolution": "720p"}).json()
    assert video["error"] is None, video
    assert client.delete(f"/v2/video_avatar/{avatar_id}").json() == {"error": None, "data": {"avatar_id": avatar_id}}
    gone = client.get(f"/v2/video_avatar/{avatar_id}")
    assert gone.status_code == 404 and gone.json()["data"] is None and gone.json()["error"]["code"] == "avatar_not_found"


def test_footage_that_cannot_make_a_twin_fails_with_the_limits(client: httpx.Client, footage_url: str) -> None:
    ids = {}
    for name in ("short.mp4", "text.mp4"):
        made = client.post("/v2/video_avatar", json={"training_footage_url": f"{footage_url}/{name}",
                                                     "video_consent_url": f"{footage_url}/jwpIntro.mp4",
                                                     "avatar_name": name}).json()
        ids[name] = made["data"]["avatar_id"]
    for name, code in (("short.mp4", "footage_too_short"), ("text.mp4", "not_a_video")):
        failed = trained(client, ids[name])
        assert failed["status"] == "failed" and failed["error"]["code"] == code, failed
    assert re.search(r"\d+ s", trained(client, ids["short.mp4"])["error"]["message"])
    v2 = client.get(f"/v2/video_avatar/{ids['text.mp4']}").json()["data"]
    assert v2["status"] == "failed" and v2["error_message"]
    refused = client.post("/v2/videos", json={"avatar_id": ids["text.mp4"], "script": "x", "voice_id": VOICE}).json()
    assert refused["data"] is None and refused["error"]["code"] == "avatar_not_ready"
    assert "failed" in refused["error"]["message"]


def test_mov_and_webm_uploads_are_videos(client: httpx.Client, tmp_path: Path) -> None:
    source = tmp_path / "source.mp4"
    source.write_bytes(clip("jwpIntro.mp4").read_bytes())
    for suffix, codec, mime in ((".mov", ["-c", "copy"], "video/quicktime"),
                                (".webm", ["-t", "1", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-an"],
                                 "video/webm")):
        target = tmp_path / f"footage{suffix}"
        subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(source), *codec, str(target)], check=True)
        v1 = client.post("/v1/asset", content=target.read_bytes(), headers={"Content-Type": mime}).json()["data"]
        assert (v1["file_type"], v1["meta"]["mime_type"]) == ("video", mime)
        v3 = client.post("/v3/assets", files={"file": (target.name, target.read_bytes(), mime)}).json()["data"]
        assert v3["mime_type"] == mime


def test_refusals_name_the_field_in_each_family(client: httpx.Client, footage_url: str) -> None:
    png = io.BytesIO()
    Image.new("RGB", (64, 64)).save(png, "PNG")
    image = client.post("/v1/asset", content=png.getvalue(), headers={"Content-Type": "image/png"}).json()["data"]
    cases = {
        "file.asset_id": {"type": "asset_id", "asset_id": image["id"]},
        "file.data": {"type": "base64", "data": "aGVsbG8gd29ybGQ="},
        "file.url": {"type": "url", "url": "ftp://example/x.mp4"},
    }
    for param, file in cases.items():
        refused = client.post("/v3/avatars", json={"type": "digital_twin", "name": "x", "file": file})
        assert refused.status_code == 400 and refused.json()["error"]["param"] == param, refused.text
    assert "MP4, MOV or WebM" in client.post("/v3/avatars", json={
        "type": "digital_twin", "name": "x", "file": cases["file.asset_id"]}).json()["error"]["message"]
    no_group = client.post("/v3/avatars", json={"type": "digital_twin", "name": "x", "avatar_group_id": "nope",
                                                "file": {"type": "url", "url": f"{footage_url}/jwpIntro.mp4"}})
    assert no_group.status_code == 404 and no_group.json()["error"]["param"] == "avatar_group_id"
    assert client.post("/v3/avatars/nope/consent", json={}).status_code == 404

    pending = client.post("/v3/avatars", json={"type": "digital_twin", "name": "Waits",
                                               "file": {"type": "url", "url": f"{footage_url}/jwpIntro.mp4"}})
    twin = pending.json()["data"]["avatar_item"]
    bad_consent = client.post(f"/v3/avatars/{twin['group_id']}/consent",
                              json={"consent_video": {"type": "asset_id", "asset_id": image["id"]}})
    assert bad_consent.status_code == 400 and bad_consent.json()["error"]["param"] == "consent_video.asset_id"
    webm = client.post("/v1/video.webm", json={"avatar_pose_id": twin["id"], "input_text": "x", "voice_id": VOICE,
                                               "dimension": {"width": 320, "height": 240}}).json()
    assert webm["code"] == 400119 and "pending_consent" in webm["message"]
    studio = client.post("/v2/video/generate", json={"video_inputs": [{
        "character": {"type": "avatar", "avatar_id": twin["id"]},
        "voice": {"type": "text", "voice_id": VOICE, "input_text": "x"}}]}).json()
    assert studio["error"]["code"] == "avatar_not_ready"
    assert "video_inputs.0.character.avatar_id" in studio["error"]["message"]
    assert "pending_consent" in studio["error"]["message"]
    assert look(client, twin["id"])["status"] == "pending_consent"
    client.delete(f"/v3/avatars/looks/{twin['id']}")


def test_consent_can_be_switched_off_for_single_person_installs(tmp_path: Path, footage_url: str) -> None:
    service = start_service(tmp_path / "service", AVATARSTUDIO_TWIN_CONSENT_REQUIRED="false")
    try:
        with service.client() as client:
            made = client.post("/v3/avatars", json={"type": "digital_twin", "name": "Solo",
                                                    "file": {"type": "url", "url": f"{footage_url}/jwpIntro.mp4"}})
            group, item = made.json()["data"]["avatar_group"], made.json()["data"]["avatar_item"]
            assert item["status"] == "processing" and group["consent_status"] is None
            assert trained(client, item["id"])["status"] == "completed"
    finally:
        stop_service(service)
