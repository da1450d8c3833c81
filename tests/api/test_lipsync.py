"""HeyGen's lipsync API through the real server with real footage: a talking video re-synced to longer new speech
keeps its size and frame rate and grows to the audio's length; every route and refusal in the v3 envelope."""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from avatarstudio.render.encode.ffmpeg import ffmpeg_exe
from file_server import serve_folder
from footage import clip
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
                                             "audio": audio, "start_time": 1.0, "end_time": 6.5,
                                             "enable_dynamic_duration": False}).json()["data"]
    broken = client.post("/v3/lipsyncs", json={"video": {"type": "url", "url": f"{footage_url}/text.mp4"},
                                               "audio": audio}).json()["data"]
    failed = poll(lambda: lipsync(client, broken["lipsync_id"]).json()["data"],
                  lambda data: data["status"] in ("completed", "failed"))
    assert failed["status"] == "failed" and failed["failure_message"].startswith("video:"), failed
    done = poll(lambda: lipsync(client, part["lipsync_id"]).json()["data"],
                lambda data: data["status"] in ("completed", "failed"))
    assert done["status"] == "completed", done
    facts = stream_facts(download(done["video_url"], tmp_path / "part.mp4"))
    # As long as the 5.5 s part (enable_dynamic_duration off), not as the 1.5 s of speech.
    assert (facts["width"], facts["height"]) == (352, 288) and abs(facts["seconds"] - 5.5) < 0.1, facts


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
        "fps_mode": {"video": {"type": "url", "url": "http://127.0.0.1:9/v.mp4"}, "audio": audio, "fps_mode": "vfr"},
        "video": {"audio": audio},
    }
    for param, payload in cases.items():
        refused = client.post("/v3/lipsyncs", json=payload)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["param"] == param, refused.text
    missing = client.post("/v3/lipsyncs", json={"video": {"type": "asset_id", "asset_id": "nope"}, "audio": audio})
    assert missing.status_code == 404 and missing.json()["error"]["param"] == "video.asset_id"
    no_folder = client.post("/v3/lipsyncs", json={"video": {"type": "url", "url": "http://127.0.0.1:9/v.mp4"},
                                                  "audio": audio, "folder_id": "nope"})
    assert no_folder.status_code == 404 and no_folder.json()["error"]["param"] == "folder_id"
    assert client.patch("/v3/lipsyncs/nope", json={"title": "x"}).status_code == 404
    assert client.delete("/v3/lipsyncs/nope").json()["error"]["code"] == "not_found"


def _source_with_a_quiet_tone(folder: Path) -> Path:
    """jwpIntro re-encoded at 30000/1001 fps and about 300 kb/s, its speech cut after 3.5 s and a quiet 1 kHz tone
    (the "music", about -67 dBFS: far enough under the speech not to count as talking) playing from there on."""
    path = folder / "ntsc.mp4"
    graph = ("[0:a]volume=0:enable=gte(t\\,3.5)[voice];[1:a]volume=0.005,volume=0:enable=lt(t\\,3.5)[tone];"
             "[voice][tone]amix=inputs=2:duration=first:normalize=0[a]")
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(clip("jwpIntro.mp4")), "-f", "lavfi",
                    "-i", "sine=frequency=1000:sample_rate=48000", "-filter_complex", graph, "-map", "0:v",
                    "-map", "[a]", "-r", "30000/1001", "-c:v", "libx264", "-b:v", "300k", "-c:a", "aac", "-shortest",
                    str(path)], check=True)
    return path


def _tail_audio(video: Path, start: float) -> tuple[float, float]:
    """RMS (dBFS) of the audio from `start` seconds on, and its strongest frequency (Hz)."""
    with av.open(str(video)) as box:
        rate = box.streams.audio[0].rate
        samples = np.concatenate([frame.to_ndarray()[0] for frame in box.decode(audio=0)])
    tail = samples[round(start * rate):].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(tail))
    return 10 * np.log10(np.mean(tail ** 2) + 1e-12), float(np.fft.rfftfreq(tail.size, 1 / rate)[spectrum.argmax()])


def _mark_share(video: Path) -> float:
    """The share of near-white pixels where the default mark goes (the bottom-right corner) in the middle frame."""
    with av.open(str(video)) as box:
        frames = [frame.to_ndarray(format="rgb24") for frame in box.decode(video=0)]
    corner = frames[len(frames) // 2][-60:, -160:]
    return float(np.mean(corner.min(axis=2) > 200))


def test_lipsync_options_change_the_output(client: httpx.Client, tmp_path: Path) -> None:
    """Two lipsyncs of the same 29.97 fps source with the options set both ways, each checked on the decoded file:
    frame rate, bitrate, duration, the source's background sound, the watermark, the folder."""
    source = _source_with_a_quiet_tone(tmp_path)
    source_rate = stream_facts(source)
    with av.open(str(source)) as box:
        source_bitrate = box.streams.video[0].bit_rate
    video = client.post("/v1/asset", content=source.read_bytes(), headers={"Content-Type": "video/mp4"}).json()
    speech = client.post("/v3/voices/speech", json={"text": "Just a few words.", "voice_id": VOICE}).json()["data"]
    folder = client.post("/v1/folders/create", json={"name": "dubbed"}).json()["data"]["id"]
    common = {"video": {"type": "asset_id", "asset_id": video["data"]["id"]},
              "audio": {"type": "url", "url": speech["audio_url"]}, "enable_dynamic_duration": False}
    kept = client.post("/v3/lipsyncs", json={**common, "fps_mode": "passthrough", "keep_the_same_format": True,
                                             "enable_watermark": True, "folder_id": folder,
                                             "enable_speech_enhancement": True}).json()["data"]["lipsync_id"]
    plain = client.post("/v3/lipsyncs", json={**common, "fps_mode": "cfr", "keep_the_same_format": False,
                                              "disable_music_track": True}).json()["data"]["lipsync_id"]
    outputs = {}
    for name, lipsync_id in (("kept", kept), ("plain", plain)):
        done = poll(lambda: lipsync(client, lipsync_id).json()["data"],
                    lambda data: data["status"] in ("completed", "failed"))
        assert done["status"] == "completed", done
        outputs[name] = download(done["video_url"], tmp_path / f"{name}.mp4")
    with av.open(str(outputs["kept"])) as box:
        stream = box.streams.video[0]
        # r_frame_rate exactly; the average, from the MP4's timestamps, comes within their rounding.
        assert stream.guessed_rate == Fraction(30000, 1001) and abs(stream.average_rate - Fraction(30000, 1001)) < 0.01
        assert 0.5 < stream.bit_rate / source_bitrate < 1.6, (stream.bit_rate, source_bitrate)
    with av.open(str(outputs["plain"])) as box:
        assert box.streams.video[0].guessed_rate == 30
    for output in outputs.values():  # the source's length, not the 1.5 s of new speech
        assert abs(stream_facts(output)["seconds"] - source_rate["seconds"]) < 0.1
    tone_level, _ = _tail_audio(source, 4.0)
    kept_level, kept_pitch = _tail_audio(outputs["kept"], 4.0)
    plain_level, _ = _tail_audio(outputs["plain"], 4.0)
    assert abs(kept_level - tone_level) < 4 and abs(kept_pitch - 1000) < 5 and plain_level < tone_level - 30, (
        tone_level, kept_level, plain_level)
    assert _mark_share(outputs["kept"]) > 0.03 and _mark_share(outputs["plain"]) < 0.005
    in_folder = client.get("/v3/lipsyncs", params={"folder_id": folder}).json()["data"]
    assert [item["id"] for item in in_folder] == [kept] and in_folder[0]["folder_id"] == folder


def test_lipsync_batch_items_succeed_or_fail_alone(client: httpx.Client, footage_url: str) -> None:
    speech = client.post("/v3/voices/speech", json={"text": "Just a few words.", "voice_id": VOICE}).json()["data"]
    audio = {"type": "url", "url": speech["audio_url"]}
    good = {"video": {"type": "url", "url": f"{footage_url}/jwpIntro.mp4"}, "audio": audio, "title": "good"}
    too_many = client.post("/v3/lipsyncs/batches", json={"lipsyncs": [good] * 5})  # the cap is 4 by default
    assert too_many.status_code == 429 and too_many.headers["Retry-After"], too_many.text
    items = [good, {**good, "mode": "fast"}, {"video": {"type": "url", "url": f"{footage_url}/text.mp4"}, "audio": audio},
             "not an object"]
    with Receiver() as receiver:
        body = {"title": "three", "callback_url": receiver.url, "lipsyncs": items}
        created = client.post("/v3/lipsyncs/batches", json=body, headers={"Idempotency-Key": "batch-1"})
        assert created.status_code == 202, created.text
        batch_id = created.json()["data"]["batch_id"]
        again = client.post("/v3/lipsyncs/batches", json=body, headers={"Idempotency-Key": "batch-1"})
        assert again.status_code == 202 and again.json()["data"]["batch_id"] == batch_id
        done = poll(lambda: client.get(f"/v3/lipsyncs/batches/{batch_id}").json()["data"],
                    lambda data: data["status"] != "processing")
        event = receiver.wait_for(lambda d: d.payload["event_type"] == "batch.finished")[0].payload
    assert event["event_data"]["batch_id"] == batch_id
    assert client.get(f"/v3/videos/batches/{batch_id}").status_code == 404, "a lipsync batch is not a video batch"
    assert done["status"] == "completed" and done["total_items"] == 4, done
    assert done["counts_by_status"] == {"completed": 1, "failed": 3}, done
    first, refused, broken, not_an_object = done["items"]
    assert [item["item_index"] for item in done["items"]] == [0, 1, 2, 3] and first["status"] == "completed"
    assert not_an_object["error"]["message"] == "lipsyncs.3: request body must be a JSON object"
    assert refused["error"]["code"] == "invalid_parameter" and "lipsyncs.1: mode" in refused["error"]["message"]
    assert broken["status"] == "failed" and broken["error"]["message"].startswith("video:")
    assert lipsync(client, first["video_id"]).json()["data"]["title"] == "good"
    statuses = client.get("/v3/lipsyncs/statuses", params={"batch_ids": batch_id}).json()["data"]
    assert [(item["item_index"], item["status"]) for item in statuses] == [(0, "completed"), (1, "failed"),
                                                                         (2, "failed"), (3, "failed")]
