"""prepare() on real footage of a person talking, and the footage it must refuse, each with its reason."""
from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from avatarstudio.render.twin import TwinError, load, prepare
from avatarstudio.render.twin.prepare import SCRIPT_UNUSED_NOTE
from tests.footage import clip
from tests.render.twin.conftest import ffmpeg

pytestmark = pytest.mark.slow


def test_jwp_intro_makes_a_twin_with_flat_files(jwp_twin):
    directory, result = jwp_twin
    assert (result.width, result.height, result.frames) == (640, 480, 173)
    assert 5.7 < result.duration < 5.9 and abs(result.fps - 29.97) < 0.01
    assert result.usable_frames > 0.9 * result.frames
    assert any("2 minutes" in note for note in result.notes)
    assert all(path.is_file() for path in directory.iterdir())               # flat: no subfolders
    with Image.open(directory / result.preview_image) as preview:
        assert preview.size == (640, 480)
    with av.open(str(directory / result.preview_video)) as video:
        assert 3.5 < video.duration / av.time_base < 4.5
    with av.open(str(directory / "matte.mp4")) as matte:                   # the selfie model ran on every third
        masks = [frame.to_ndarray(format="gray") for frame in matte.decode(video=0)]
    assert len(masks) == result.frames                                        # a mask for every frame all the same
    assert all(mask[mask.shape[0] // 2, mask.shape[1] // 2] > 200 and mask[5, 5] < 50 for mask in masks)
    twin = load(directory)
    assert twin.talking.mean() > 0.3 and not twin.talking.all()               # he talks, and pauses
    phones = json.loads((directory / "phones.json").read_text())["phones"]
    assert len(phones) > 20 and all(0 <= start < end <= 6 for _, start, end in phones)
    first, last = twin.turns
    assert first < 0.15 * twin.frames and last > 0.85 * twin.frames
    assert twin.rest_opening < np.nanmedian(twin.lips[twin.talking, 0])


def test_the_other_session_makes_a_twin_too(tmp_path):
    """Its script here is mostly made-up words: kept with the phones, but they are heard, and the status says so."""
    script = "Qwzx blorptang frimble, hi."
    result = prepare(clip("testMovie.mp4"), tmp_path, script=script)
    assert (result.width, result.height) == (352, 288) and result.usable_frames > 0.8 * result.frames
    assert json.loads((tmp_path / "phones.json").read_text())["script"] == script
    assert SCRIPT_UNUSED_NOTE in result.notes


def test_a_file_that_is_not_a_video_is_refused(tmp_path):
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video")
    with pytest.raises(TwinError) as error:
        prepare(text, tmp_path / "out")
    assert error.value.code == "not_a_video" and "MP4, MOV or WebM" in error.value.message


def test_footage_shorter_than_five_seconds_is_refused_with_the_limits(tmp_path):
    short = tmp_path / "short.mp4"
    ffmpeg("-i", str(clip("jwpIntro.mp4")), "-t", "3", "-c:v", "libx264", "-c:a", "aac", str(short))
    with pytest.raises(TwinError) as error:
        prepare(short, tmp_path / "out")
    assert error.value.code == "footage_too_short"
    assert "5 s to 10 min" in error.value.message and "3.0 s" in error.value.message


def test_footage_without_a_face_is_refused(tmp_path):
    wall = tmp_path / "wall.webm"
    ffmpeg("-f", "lavfi", "-i", "color=c=0x8090a0:s=640x360:r=10:d=5.5", "-c:v", "libvpx-vp9", str(wall))
    with pytest.raises(TwinError) as error:
        prepare(wall, tmp_path / "out")
    assert error.value.code == "no_face" and "face" in error.value.message


def test_a_face_under_100_pixels_is_refused(tmp_path):
    far = tmp_path / "far.mov"
    ffmpeg("-i", str(clip("jwpIntro.mp4")), "-vf", "scale=192:144,pad=640:480:224:168,fps=10", "-c:v", "libx264",
           str(far))
    with pytest.raises(TwinError) as error:
        prepare(far, tmp_path / "out")
    assert error.value.code == "face_too_small" and "at least 100" in error.value.message


def test_rotation_metadata_is_honoured(tmp_path):
    """A phone stores portrait video as landscape pictures plus a display rotation: the twin stands upright."""
    sideways, tagged = tmp_path / "sideways.mp4", tmp_path / "tagged.mp4"
    ffmpeg("-i", str(clip("jwpIntro.mp4")), "-vf", "transpose=2,fps=10", "-c:v", "libx264", "-an", str(sideways))
    ffmpeg("-display_rotation", "-90", "-i", str(sideways), "-c", "copy", str(tagged))
    result = prepare(tagged, tmp_path / "out")
    assert (result.width, result.height) == (640, 480) and result.usable_frames > 0.9 * result.frames
    assert any("no sound" in note for note in result.notes)
