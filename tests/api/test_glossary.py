"""Brand glossaries: a term's spoken form is what the voice says, in videos and in /v3/voices/speech, while the
captions and word timestamps show the term as written. The glossary is read when a video is accepted."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from live_service import Service
from media import download

pytestmark = [pytest.mark.service, pytest.mark.slow]

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
SCRIPT = "Our Zqvx works."
SPOKEN = "the quick brown fox that jumps over the lazy dog"


def studio(client: httpx.Client) -> str:
    response = client.post("/v2/video/generate", json={
        "video_inputs": [{"character": {"type": "avatar", "avatar_id": "Noah_drawn_front"},
                          "voice": {"type": "text", "voice_id": VOICE, "input_text": SCRIPT}}],
        "dimension": {"width": 320, "height": 240}, "caption": True, "title": "Glossary"})
    assert response.status_code == 200, response.text
    return response.json()["data"]["video_id"]


def speak(client: httpx.Client) -> dict:
    response = client.post("/v3/voices/speech", json={"text": SCRIPT, "voice_id": VOICE})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_terms_are_spoken_as_respelled_and_captioned_as_written(service: Service, client: httpx.Client,
                                                               tmp_path: Path) -> None:
    before_video = studio(client)
    before_speech = speak(client)
    glossary = client.post("/v3/brand-glossaries", json={
        "name": "Brand", "terms": [{"term": "Zqvx", "pronunciation": SPOKEN}]}).json()["data"]
    try:
        after_video = studio(client)
        after_speech = speak(client)
        assert glossary["id"] in [item["id"] for item in client.get("/v3/brand-glossaries").json()["data"]]
    finally:
        deleted = client.delete(f"/v3/brand-glossaries/{glossary['id']}")
    assert deleted.json()["data"] == {"id": glossary["id"], "deleted": True}

    assert after_speech["duration"] > before_speech["duration"] + 1.0
    assert [word["word"] for word in after_speech["word_timestamps"]] == ["Our", "Zqvx", "works"]
    term = after_speech["word_timestamps"][1]
    assert term["end"] - term["start"] > 1.0  # the whole spoken phrase

    before, after = (service.wait(video_id, client=client) for video_id in (before_video, after_video))
    assert after["duration"] > before["duration"] + 1.0  # deleting the glossary did not change an accepted video
    srt = download(after["subtitle_url"], tmp_path / "after.srt").read_text()
    assert "Our Zqvx works." in srt and "quick" not in srt


def test_errors(client: httpx.Client) -> None:
    for body, param in (({"name": "x", "terms": [{"term": "two words", "pronunciation": "y"}]}, "terms.0.term"),
                        ({"name": "x", "terms": [{"term": "SQL", "pronunciation": "..."}]},
                         "terms.0.pronunciation"),
                        ({"name": "x", "terms": []}, "terms"), ({"terms": [{"term": "a", "pronunciation": "b"}]},
                                                                "name")):
        response = client.post("/v3/brand-glossaries", json=body)
        assert response.status_code == 400 and response.json()["error"]["param"] == param, response.text
    missing = client.delete("/v3/brand-glossaries/" + "0" * 32)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
