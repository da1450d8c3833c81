"""Captions of uploaded audio end to end: a Studio video whose scenes speak an uploaded English recording and an
uploaded silence, with caption: true, gets the recording's recognised words as subtitles and a note for the silence."""
from __future__ import annotations

import io
import re

import httpx
import numpy as np
import pytest
import soundfile

from media import download, probe
from avatarstudio.catalog.voices import get_voice
from avatarstudio.render.speech import SAMPLE_RATE, synthesize

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
SCRIPT = "Good morning everyone. Today we will talk about how to keep your data safe online."
SILENCE_SECONDS = 1.0
CUE = re.compile(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)\n(.+?)(?:\n\n|\n?$)", re.S)


def wav_bytes(samples: np.ndarray) -> bytes:
    out = io.BytesIO()
    soundfile.write(out, samples, SAMPLE_RATE, format="WAV")
    return out.getvalue()


def srt_cues(text: str) -> list[tuple[str, float, float]]:
    """(text, start, end) of each SubRip cue."""
    cues = []
    for match in CUE.finditer(text):
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(group) for group in match.groups()[:8])
        cues.append((match.group(9).replace("\n", " "), h1 * 3600 + m1 * 60 + s1 + ms1 / 1000,
                     h2 * 3600 + m2 * 60 + s2 + ms2 / 1000))
    return cues


@pytest.fixture(scope="module")
def captioned(service, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The rendered two-scene video's status, spoken duration and downloaded files."""
    spoken = synthesize(SCRIPT, get_voice(VOICE))
    with service.client() as client:
        assets = [client.post("/v1/asset", content=wav_bytes(samples), headers={"Content-Type": "audio/wav"})
                  .json()["data"]["id"] for samples in (spoken.samples, np.zeros(round(SILENCE_SECONDS * SAMPLE_RATE),
                                                                                     np.float32))]
        inputs = [{"character": {"type": "avatar", "avatar_id": "Ava_drawn_front"},
                   "voice": {"type": "audio", "audio_asset_id": asset}} for asset in assets]
        body = {"caption": True, "dimension": {"width": 320, "height": 240}, "video_inputs": inputs}
        created = client.post("/v2/video/generate", json=body).json()
        assert created["error"] is None, created
        status = service.wait(created["data"]["video_id"], timeout=180)
    assert status["status"] == "completed", status
    folder = tmp_path_factory.mktemp("audio-captions")
    return {"status": status, "spoken": spoken.duration,
            "srt": download(status["subtitle_url"], folder / "c.srt").read_text(),
            "captioned": download(status["video_url_caption"], folder / "captioned.mp4")}


def test_subtitles_hold_the_recognised_words_of_the_recording(captioned: dict) -> None:
    cues = srt_cues(captioned["srt"])
    heard = " ".join(text for text, _, _ in cues).lower().split()
    content = [word for word in re.sub(r"[^a-z ]", "", SCRIPT.lower()).split() if len(word) >= 4]
    assert sum(word in heard for word in content) / len(content) >= 0.7, heard
    assert all(0.0 <= start < end <= captioned["spoken"] + 0.05 for _, start, end in cues), cues
    assert all(a[2] <= b[1] for a, b in zip(cues, cues[1:])), cues


def test_the_silent_scene_is_noted_and_the_captioned_copy_is_whole(captioned: dict) -> None:
    status = captioned["status"]
    assert [note for note in status["notes"] if note.startswith("captions:")] == [
        "captions: no English words were recognised in the uploaded audio of scene 2, so it has none "
        "(uploaded audio is transcribed as English unless voice_settings.locale says otherwise)"]
    assert probe(captioned["captioned"]).video_seconds == pytest.approx(status["duration"], abs=0.05)


def test_a_recording_in_another_language_is_not_transcribed_and_says_so(service) -> None:
    """v3 voice_settings.locale names the recording's language: a German one gets no made-up English captions."""
    spoken = synthesize("Guten Morgen. Heute sprechen wir über das Wetter.", get_voice(VOICE))
    with service.client() as client:
        asset = client.post("/v1/asset", content=wav_bytes(spoken.samples),
                            headers={"Content-Type": "audio/wav"}).json()["data"]["id"]
        body = {"type": "avatar", "avatar_id": "Ava_drawn_front", "audio_asset_id": asset, "enable_caption": True,
                "voice_settings": {"locale": "de-DE"}, "resolution": "720p"}
        created = client.post("/v3/videos", json=body).json()
        status = service.wait(created["data"]["video_id"], timeout=180)
    assert status["status"] == "completed", status
    assert "captions: scene 1's uploaded audio is in de-DE, and only English recordings are transcribed, so it has " \
           "no captions" in status["notes"]
    assert not srt_cues(httpx.get(status["subtitle_url"]).text)
