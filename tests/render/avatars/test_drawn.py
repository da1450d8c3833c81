import numpy as np
import pytest

from avatarstudio.render.avatars import FaceParams, builtin_engine

HEIGHT = 360


@pytest.fixture(scope="module")
def ava():
    return builtin_engine("Ava_drawn_front", HEIGHT)


def region(engine, frame, top: float, bottom: float, half_width: float) -> np.ndarray:
    """Rows from face centre + top to + bottom, columns face centre +- half_width; all in face heights."""
    box = engine.face_box
    h, w = frame.shape[:2]
    face = box.height * h
    cx, cy = box.cx * w, box.cy * h
    return frame[round(cy + top * face):round(cy + bottom * face), round(cx - half_width * face):round(cx + half_width * face)]


def dark_pixels(pixels: np.ndarray) -> int:
    luminance = pixels[..., :3].astype(float) @ [0.299, 0.587, 0.114]
    return int(((luminance < 110) & (pixels[..., 3] > 0)).sum())


def test_mouth_dark_area_grows_with_mouth_open(ava):
    areas = [dark_pixels(region(ava, ava.frame(FaceParams(mouth_open=m)), 0.15, 0.45, 0.15)) for m in (0.0, 0.5, 1.0)]
    assert areas[0] < areas[1] < areas[2]
    assert areas[2] > 5 * max(areas[0], 1)


def test_blink_closes_the_eyes(ava):
    open_eyes = region(ava, ava.frame(FaceParams()), -0.12, 0.03, 0.25)
    closed = region(ava, ava.frame(FaceParams(blink=1.0)), -0.12, 0.03, 0.25)
    white = lambda pixels: int((pixels[..., :3].min(axis=2) > 235).sum())  # noqa: E731
    assert white(open_eyes) > 50
    assert white(closed) == 0
    assert np.abs(open_eyes.astype(int) - closed.astype(int)).mean() > 3


def test_transparent_corners_and_opaque_face(ava):
    frame = ava.frame(FaceParams())
    assert frame.dtype == np.uint8 and frame.shape == (HEIGHT, frame.shape[1], 4)
    for y, x in ((0, 0), (0, -1), (-1, 0), (-1, -1)):
        assert frame[y, x, 3] == 0
    box = ava.face_box
    assert frame[round(box.cy * HEIGHT), round(box.cx * frame.shape[1]), 3] == 255


def test_size_is_constant_and_frames_are_deterministic(ava):
    poses = [FaceParams(), FaceParams(head_x=0.05, head_y=-0.03, head_roll=3.0, mouth_open=0.7), FaceParams(smile=1.0)]
    frames = [ava.frame(p) for p in poses]
    assert {f.shape for f in frames} == {frames[0].shape}
    assert not np.array_equal(frames[0], frames[1])
    assert np.array_equal(ava.frame(poses[1]), frames[1])


def test_smile_lifts_the_mouth_corners(ava):
    neutral = region(ava, ava.frame(FaceParams()), 0.15, 0.45, 0.15)
    smiling = region(ava, ava.frame(FaceParams(smile=1.0)), 0.15, 0.45, 0.15)
    assert not np.array_equal(neutral, smiling)
