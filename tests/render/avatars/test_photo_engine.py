"""The photo engine on a real photo, measured with mediapipe's face mesh on the frames it returns."""
import cv2
import numpy as np
import pytest
from skimage import data

from avatarstudio.render.avatars import FaceParams, photo_engine
from avatarstudio.render.face.landmarks import face_landmarks

HEIGHT = 400


def lips_and_eyes(frame: np.ndarray) -> tuple[float, float]:
    """(inner lip gap, mean eye opening) as fractions of the face height, measured on a rendered frame."""
    points = face_landmarks(np.ascontiguousarray(frame[..., :3]))
    face = points[152, 1] - points[10, 1]
    eyes = (points[145, 1] - points[159, 1] + points[374, 1] - points[386, 1]) / 2
    return float(points[14, 1] - points[13, 1]) / face, float(eyes) / face


@pytest.fixture(scope="module")
def engine():
    return photo_engine(data.astronaut(), HEIGHT)


def test_mouth_opens_closes_and_eyes_blink(engine):
    rest_gap, rest_eyes = lips_and_eyes(engine.frame(FaceParams()))
    open_gap, _ = lips_and_eyes(engine.frame(FaceParams(mouth_open=0.8)))
    _, closed_eyes = lips_and_eyes(engine.frame(FaceParams(blink=1.0)))
    assert rest_gap < 0.02                      # the photo smiles with parted lips; at rest the lips meet
    assert open_gap > rest_gap + 0.06
    assert closed_eyes < 0.5 * rest_eyes


def test_warp_stays_inside_the_face_crop_without_seams(engine):
    rest = engine.frame(FaceParams()).astype(int)
    moved = engine.frame(FaceParams(mouth_open=0.7, head_x=0.04, head_y=0.02, head_roll=3.0, smile=0.5))
    diff = np.abs(moved.astype(int) - rest).sum(axis=2)
    assert diff.max() > 100                                  # the face moved
    assert diff[:, :40].max() == 0 and diff[-40:].max() == 0  # the frame's edges and the shoulders did not
    rows, cols = np.nonzero(diff)
    box = diff[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    ring = np.concatenate([box[0], box[-1], box[:, 0], box[:, -1]])
    assert ring.mean() < 6 and box.mean() > 2 * ring.mean()        # fades to nothing at the warped box's edge
    assert np.array_equal(engine.frame(FaceParams(mouth_open=0.3)), engine.frame(FaceParams(mouth_open=0.3)))


def test_frames_change_only_inside_the_moving_box(engine):
    x0, y0, x1, y1 = engine.moving_box
    rest = engine.frame(FaceParams())
    for pose in (FaceParams(mouth_open=1.0, head_x=0.08, head_y=0.05, head_roll=6.0), FaceParams(blink=1.0, smile=1)):
        outside = engine.frame(pose).copy()
        assert not np.array_equal(outside[y0:y1, x0:x1], rest[y0:y1, x0:x1])
        outside[y0:y1, x0:x1] = rest[y0:y1, x0:x1]
        assert np.array_equal(outside, rest)
    assert (x1 - x0) * (y1 - y0) < 0.8 * engine.size[0] * engine.size[1]


def test_matting_makes_the_background_transparent():
    frame = photo_engine(data.astronaut(), HEIGHT, matting=True).frame(FaceParams(mouth_open=0.5))
    alpha = frame[..., 3]
    assert alpha[0, 0] == 0 and alpha[5, -5] == 0
    assert alpha[HEIGHT // 4, HEIGHT * 45 // 100] == 255 and alpha[-1, HEIGHT // 2] == 255
    assert 0.2 < (alpha < 10).mean() < 0.7


def test_super_resolution_restores_edges_of_a_small_photo():
    small = cv2.resize(data.astronaut(), (200, 200), interpolation=cv2.INTER_AREA)

    def sharpness(frame: np.ndarray) -> float:
        return float(cv2.Laplacian(cv2.cvtColor(frame[..., :3], cv2.COLOR_RGB2GRAY), cv2.CV_32F).var())

    plain = photo_engine(small, 600).frame(FaceParams())
    sharp = photo_engine(small, 600, super_resolution=True).frame(FaceParams())
    assert plain.shape == sharp.shape == (600, 600, 4)
    assert sharpness(sharp) > 1.3 * sharpness(plain)
    assert np.abs(sharp[..., :3].astype(int) - plain[..., :3]).mean() < 6    # the same picture, only crisper
