"""HeyGen's lipsync API through the real server with real footage: a talking video re-synced to longer new speech
keeps its size and frame rate and grows to the audio's length; every route and refusal in the v3 envelope."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from file_server import serve_folder
from live_service import start_service, stop_service
from media import download
from receiver import Receiver
from twin_media import face_share, fetch_bytes, footage_folder, poll, stream_facts

pytestmark = [pytest.mark.service, pytest.mark.slow]
VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
SPEECH = ("This is new speech for an old video. The lips follow these words now, and the video keeps going for "
          "as long as the new audio lasts.")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A service of its own whose reaper waits 30 s for a heartbeat (the shared one waits 3): pocketsphinx, which
    times the lips of uploaded English audio, holds the GIL for seconds at a stretch on a loaded machine, so the
    heartbeat thread cannot beat meanwhile."""
    service = start_service(tmp_path_factory.mktemp("lipsync-service"), AVATARSTUDIO_STALE_AFTER_SECONDS="30")
    try:
        with service.client() as http:
            yield http
    finally:
        stop_service(service)


@pytest.fixture(scope="module")
def footage_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_folder(footage_folder(tmp_path_factory.mktemp("footage"))) as url:
        yield url


def lipsync(client: httpx.Client, lipsync_id: str) -> httpx.Response:
    return client.get(f"/v3/lipsyncs/{lipsync_id}")


def test_lipsync_keeps_the_format_and_extends_to_longer_audio(client: httpx.Client, footage_url: str,
                                                              tmp_path: Path) -> None:
    video = client.post("/v1/asset", content=fetch_bytes(f"{footage_url}/jwpIntro.mp4"),
                        headers={"Content-Type": "video/mp4"}).json()["data"]["id"]
    speech = client.post("/v3/voices/speech", json={"text": SPEECH, "voice_id": VOICE}).json()["data"]
    assert speech["duration"] > 7  # longer than the 5.8 s footage
    with Receiver() as receiver:
        created = client.post("/v3/lipsyncs", json={
            "video": {"type": "asset_id", "asset_id": video}, "audio": {"type": "url", "url": speech["audio_url"]},
            "title": "Re-voiced", "callback_url": receiver.url, "callback_id": "mine-1", "enable_caption": True})
        assert created.status_code == 200, created.text
        lipsync_id = created.json()["data"]["lipsync_id"]
        assert lipsync(client, lipsync_id).json()["data"]["status"] in ("pending", "running")
        done = poll(lambda: lipsync(client, lipsync_id).json()["data"],
                    lambda data: data["status"] in ("completed", "failed"))
        assert done["status"] == "completed", done
        event = receiver.wait_for(lambda d: d.payload["event_type"] == "lipsync.success")[0].payload
        assert event["event_data"]["lipsync_id"] == lipsync_id and event["event_data"]["callback_id"] == "mine-1"
    out = download(done["video_url"], tmp_path / "lipsync.mp4")
    facts = stream_facts(out)
    assert (facts["width"], facts["height"]) == (640, 480) and round(facts["fps"]) == 30, facts
    assert abs(facts["seconds"] - speech["duration"]) < 0.5 and facts["audio_rms"] > 0.01, facts
    assert face_share(out) > 0.9
    assert "-->" in httpx.get(done["caption_url"]).text
    assert done["title"] == "Re-voiced" and done["duration"] > 7

    assert lipsync_id in [item["id"] for item in client.get("/v3/lipsyncs", params={"limit": 100}).json()["data"]]
    statuses = client.get("/v3/lipsyncs/statuses", params={"lipsync_ids": f"{lipsync_id},nope"}).json()["data"]
    assert [item["status"] for item in statuses] == ["completed", "not_found"]
    renamed = client.patch(f"/v3/lipsyncs/{lipsync_id}", json={"title": "Renamed"}).json()["data"]
    assert renamed["title"] == "Renamed"
    assert client.delete(f"/v3/lipsyncs/{lipsync_id}").json()["data"] == {"id": lipsync_id}
    gone = lipsync(client, lipsync_id)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


def test_lipsync_of_a_part_and_of_footage_that_is_not_a_video(client: httpx.Client, footage_url: str,
                                                              tmp_path: Path) -> None:
    speech = client.post("/v3/voices/speech", json={"text": "Just a few words.", "voice_id": VOICE}).json()["data"]
    audio = {"type": "url", "url": speech["audio_url"]}
    part = client.post("/v3/lipsyncs", json={"video": {"type": "url", "url": f"{footage_url}/testMovie.mp4"},
                                             "audio": audio, "start_time": 1.0, "end_time": 6.5}).json()["data"]
    broken = client.post("/v3/lipsyncs", json={"video": {"type": "url", "url": f"{footage_url}/text.mp4"},
                                               "audio": audio}).json()["data"]
    failed = poll(lambda: lipsync(client, broken["lipsync_id"]).json()["data"],
                  lambda data: data["status"] in ("completed", "failed"))
    assert failed["status"] == "failed" and failed["failure_message"].startswith("video:"), failed
    done = poll(lambda: lipsync(client, part["lipsync_id"]).json()["data"],
                lambda data: data["status"] in ("completed", "failed"))
    assert done["status"] == "completed", done
    facts = stream_facts(download(done["video_url"], tmp_path / "part.mp4"))
    assert (facts["width"], facts["height"]) == (352, 288) and abs(facts["seconds"] - speech["duration"]) < 0.5


def test_lipsync_refusals_name_the_field(client: httpx.Client) -> None:
    speech = client.post("/v3/voices/speech", json={"text": "Hi.", "voice_id": VOICE}).json()["data"]
    audio_asset = client.post("/v1/asset", content=fetch_bytes(speech["audio_url"]),
                              headers={"Content-Type": "audio/wav"}).json()["data"]["id"]
    audio = {"type": "asset_id", "asset_id": audio_asset}
    cases = {
        "video.asset_id": {"video": {"type": "asset_id", "asset_id": audio_asset}, "audio": audio},
        "audio.url": {"video": {"type": "url", "url": "http://127.0.0.1:9/v.mp4"}, "audio": {"type": "url", "url": "x"}},
        "end_time": {"video": {"type": "url", "url": "http://127.0.0.1:9/v.mp4"}, "audio": audio,
                     "start_time": 3, "end_time": 2},
        "mode": {"video": {"type": "url", "url": "http://127.0.0.1:9/v.mp4"}, "audio": audio, "mode": "fast"},
        "video": {"audio": audio},
    }
    for param, payload in cases.items():
        refused = client.post("/v3/lipsyncs", json=payload)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["param"] == param, refused.text
    missing = client.post("/v3/lipsyncs", json={"video": {"type": "asset_id", "asset_id": "nope"}, "audio": audio})
    assert missing.status_code == 404 and missing.json()["error"]["param"] == "video.asset_id"
    assert client.patch("/v3/lipsyncs/nope", json={"title": "x"}).status_code == 404
    assert client.delete("/v3/lipsyncs/nope").json()["error"]["code"] == "not_found"
