"""The first video a new user makes looks good: a photo whose shape differs from the video's fills the frame.

POST /v2/videos with the built-in square portrait at 16:9 and no background: the person is cut out, face centred,
over a blurred and darkened extension of the photo's own background; no white bars. A background that is asked
for is kept exactly.
"""
from __future__ import annotations

from pathlib import Path

import av
import mediapipe as mp
import numpy as np
import pytest

from media import download

pytestmark = [pytest.mark.service, pytest.mark.slow]

PORTRAIT = "Astronaut_Portrait_public"
VOICE = "dc5a480bbf70285f92f42e37cf943c8a"
STRIP = 0.1
"""The part of the width at each side where a square photo placed as it is would leave bars."""


def first_frame(client, service, body: dict, out: Path) -> np.ndarray:
    created = client.post("/v2/videos", json=body).json()
    assert created["error"] is None, created
    status = service.wait(created["data"]["video_id"])
    assert status["status"] == "completed", status
    with av.open(str(download(status["video_url"], out))) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24")


def face_centre_x(frame: np.ndarray) -> float:
    """The face's centre as a fraction of the frame's width, found by mediapipe in the frame's middle square (its
    face detector looks at a 128-pixel copy of the image, where a face in a whole 16:9 frame is too small)."""
    height, width = frame.shape[:2]
    left = (width - height) // 2
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1) as mesh:
        found = mesh.process(np.ascontiguousarray(frame[:, left:left + height])).multi_face_landmarks
    assert found, "no face in the middle of the output"
    return (left + height * float(np.mean([point.x for point in found[0].landmark]))) / width


def test_a_square_photo_at_16_9_fills_the_frame_with_its_face_centred(client, service, tmp_path: Path) -> None:
    body = {"avatar_id": PORTRAIT, "script": "Hello.", "voice_id": VOICE, "resolution": "720p", "aspect_ratio": "16:9"}
    frame = first_frame(client, service, body, tmp_path / "filled.mp4")
    assert frame.shape == (720, 1280, 3)
    strip = round(STRIP * frame.shape[1])
    for side in (frame[:, :strip], frame[:, -strip:]):
        near_white = (side.min(axis=2) > 235).mean()
        assert near_white < 0.01, f"{near_white:.1%} of a side strip is white"
        assert side.mean() < 170, "the sides are not the darkened backdrop"
        assert side.std() > 4, "the sides are one flat colour, not the photo's background extended"
    assert abs(face_centre_x(frame) - 0.5) < 0.03


def test_a_background_that_is_asked_for_is_kept(client, service, tmp_path: Path) -> None:
    body = {"avatar_id": PORTRAIT, "script": "Hello.", "voice_id": VOICE, "resolution": "720p", "aspect_ratio": "16:9",
            "background": {"type": "color", "value": "#FFFFFF"}}
    frame = first_frame(client, service, body, tmp_path / "white.mp4")
    strip = round(STRIP * frame.shape[1])
    for side in (frame[:, :strip], frame[:, -strip:]):
        assert (side.min(axis=2) > 235).mean() > 0.99
