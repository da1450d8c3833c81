"""The pipeline as a chain: one log line per render with each stage's seconds, and each stage's own error turned
into the video's failure reason in one place."""
from __future__ import annotations

import logging
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from avatarstudio import spec
from avatarstudio.errors import RenderError
from avatarstudio.render import pipeline

pytestmark = pytest.mark.slow

OUTPUT = spec.Output(64, 64, fps=10)


def _silent_scene(look: spec.Look) -> spec.Scene:
    return spec.Scene(spec.Character(look), spec.Silence(0.5))


def test_a_render_logs_one_line_with_its_stage_seconds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    video = spec.VideoSpec((_silent_scene(spec.BuiltinLook("Ava_drawn_front")),), OUTPUT)
    with caplog.at_level(logging.INFO, logger="avatarstudio.render.pipeline"):
        rendered = pipeline.render(video, tmp_path, lambda ref, kind: tmp_path / ref.value)
    lines = [record.getMessage() for record in caplog.records if record.name == "avatarstudio.render.pipeline"]
    assert len(lines) == 1, lines
    assert all(f"{stage} " in lines[0] for stage in rendered.stage_seconds), lines[0]
    assert set(rendered.files()) == set(spec.OUTPUT_ROLES) - {"captioned"}


def test_the_gif_preview_shows_the_video_s_first_frames(tmp_path: Path) -> None:
    scene = spec.Scene(spec.Character(spec.BuiltinLook("Ava_drawn_front")), spec.Silence(0.5),
                       spec.Background("color", "#2040C0"))
    rendered = pipeline.render(spec.VideoSpec((scene,), spec.Output(128, 96, fps=25)), tmp_path,
                               lambda ref, kind: tmp_path / ref.value)
    with av.open(str(rendered.gif)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    with av.open(str(rendered.video)) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert len(frames) == len({round(step * 2.5) for step in range(30)} & set(range(round(rendered.duration * 25))))
    assert frames[0].shape == (240, 320, 3)
    assert frames[0][5, 5] == pytest.approx((0x20, 0x40, 0xC0), abs=12), "the scene's background"
    small = np.asarray(Image.fromarray(first).resize((320, 240)))
    assert np.abs(small.astype(int) - frames[0].astype(int)).mean() < 12, "the video's first frame, scaled"


@pytest.mark.parametrize(("image", "code"), [
    (b"not an image at all", "invalid_image"),
    (None, "face_not_found"),  # a real image without a face: a flat grey square
])
def test_a_stage_error_becomes_the_render_error(tmp_path: Path, image: bytes | None, code: str) -> None:
    photo = tmp_path / "photo"
    if image is None:
        Image.fromarray(np.full((200, 200, 3), 128, np.uint8)).save(photo, format="PNG")
    else:
        photo.write_bytes(image)
    video = spec.VideoSpec((_silent_scene(spec.PhotoLook(spec.MediaRef("url", "photo"))),), OUTPUT)
    with pytest.raises(RenderError) as raised:
        pipeline.render(video, tmp_path / "work", lambda ref, kind: tmp_path / ref.value)
    assert raised.value.code == code
