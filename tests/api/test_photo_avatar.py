"""Talking photos end to end: upload or pick a photo, render over HTTP, decode, and measure the face in the output
with mediapipe's face mesh (a pass of its own over the decoded frames)."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import av
import httpx
import mediapipe as mp
import numpy as np
import pytest

from media import alpha_planes, download

pytestmark = pytest.mark.service

VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
TEXT = 'Hello there, I am talking to you today. <break time="1.2s"/> Now I am speaking again, for you.'
FPS = 25


def astronaut_png() -> bytes:
    return files("skimage.data").joinpath("astronaut.png").read_bytes()


def track_face(video: Path) -> dict[str, np.ndarray]:
    """Per frame: inner lip gap and eye opening (fractions of the face height) and the nose's x (of the width)."""
    gaps, eyes, nose = [], [], []
    with mp.solutions.face_mesh.FaceMesh(max_num_faces=1, refine_landmarks=True) as mesh, av.open(str(video)) as box:
        for frame in box.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24")
            found = mesh.process(rgb).multi_face_landmarks
            assert found, "the face was lost in the output"
            p = np.array([(q.x, q.y) for q in found[0].landmark])
            face = p[152, 1] - p[10, 1]
            gaps.append((p[14, 1] - p[13, 1]) / face)
            eyes.append((p[145, 1] - p[159, 1] + p[374, 1] - p[386, 1]) / 2 / face)
            nose.append(p[1, 0])
    return {"gap": np.array(gaps), "eyes": np.array(eyes), "nose": np.array(nose)}


def loudness(video: Path) -> np.ndarray:
    """RMS of the audio per video frame."""
    with av.open(str(video)) as box:
        samples = np.concatenate([f.to_ndarray().mean(axis=0) for f in box.decode(audio=0)])
        rate = box.streams.audio[0].rate
    per_frame = rate // FPS
    n = len(samples) // per_frame
    return np.sqrt((samples[:n * per_frame].reshape(n, per_frame) ** 2).mean(axis=1))


def render(client: httpx.Client, service, character: dict, out: Path) -> Path:
    body = {"dimension": {"width": 640, "height": 360},
            "video_inputs": [{"character": character, "voice": {"type": "text", "voice_id": VOICE, "input_text": TEXT},
                              "background": {"type": "color", "value": "#336699"}}]}
    created = client.post("/v2/video/generate", json=body).json()
    assert created["error"] is None, created
    status = service.wait(created["data"]["video_id"])
    assert status["status"] == "completed", status
    return download(status["video_url"], out)


def check_talks(video: Path) -> dict[str, np.ndarray]:
    face = track_face(video)
    rms = loudness(video)
    n = min(len(rms), len(face["gap"]))
    gap, rms = face["gap"][:n], rms[:n]
    speaking = rms > 0.1 * rms.max()
    quiet = ~speaking
    # The break: the longest run of quiet frames, without its first and last 4 frames (lips closing, opening).
    runs, start = [], None
    for i, q in enumerate(np.append(quiet, False)):
        if q and start is None:
            start = i
        elif not q and start is not None:
            runs.append((start, i))
            start = None
    first, last = max(runs, key=lambda run: run[1] - run[0])
    assert last - first >= FPS, "the break should be a pause of over a second"
    pause = gap[first + 4:last - 4]
    talking = np.median(gap[speaking])
    assert talking > 0.03, "the mouth should open while speaking"
    assert pause.mean() < 0.25 * talking, "the mouth should rest in the pause"
    assert np.corrcoef(gap, rms)[0, 1] > 0.4, "the mouth should follow the loudness"
    assert face["eyes"].min() < 0.6 * np.median(face["eyes"]), "the eyes should blink"
    return face


@pytest.fixture(scope="module")
def uploaded_photo(client_module) -> str:
    response = client_module.post("/v1/talking_photo", content=astronaut_png(), headers={"Content-Type": "image/png"})
    assert response.status_code == 200, response.text
    return response.json()["data"]["talking_photo_id"]


@pytest.fixture(scope="module")
def client_module(service):
    with service.client() as http:
        yield http


def test_builtin_and_uploaded_photo_talk_blink_and_expressive_moves_more(client_module, service, uploaded_photo,
                                                                         tmp_path: Path) -> None:
    # closeUp: the face is large enough in a 640 x 360 frame for the face mesh to follow every frame.
    builtin = render(client_module, service, {"type": "avatar", "avatar_id": "Astronaut_Portrait_public",
                                              "avatar_style": "closeUp", "talking_style": "stable"},
                     tmp_path / "builtin.mp4")
    uploaded = render(client_module, service, {"type": "talking_photo", "talking_photo_id": uploaded_photo,
                                               "avatar_style": "closeUp", "talking_style": "expressive"},
                      tmp_path / "uploaded.mp4")
    calm, lively = check_talks(builtin), check_talks(uploaded)
    assert np.std(lively["nose"]) > 1.3 * np.std(calm["nose"]), "expressive should move the head more"


def test_photo_without_a_face_is_refused(client_module) -> None:
    coffee = files("skimage.data").joinpath("coffee.png").read_bytes()
    response = client_module.post("/v1/talking_photo", content=coffee, headers={"Content-Type": "image/png"})
    assert response.status_code == 400
    assert response.json()["code"] == 400175 and "No face" in response.json()["message"]


def test_photo_avatar_webm_has_a_transparent_background(client_module, service, tmp_path: Path) -> None:
    body = {"avatar_pose_id": "Astronaut_Closeup_public", "avatar_style": "normal", "voice_id": VOICE,
            "input_text": "Hi, nice to meet you.", "dimension": {"width": 480, "height": 270}}
    created = client_module.post("/v1/video.webm", json=body).json()
    assert created["code"] == 100, created
    status = service.wait(created["data"]["video_id"])
    assert status["status"] == "completed", status
    alpha = alpha_planes(download(status["video_url"], tmp_path / "out.webm"))[10]
    assert alpha[5, 5] < 10 and alpha[5, -5] < 10, "the backdrop around the person should be transparent"
    assert alpha[-5, 240] > 245 and alpha[90, 240] > 245, "the person should be opaque"
