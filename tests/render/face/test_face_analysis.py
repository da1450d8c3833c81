import numpy as np
import pytest
from skimage import data

from avatarstudio.render.face import FaceError, analyse


def test_astronaut_has_one_face_with_landmarks_and_a_matte():
    photo = data.astronaut()
    result = analyse(photo)
    assert result.points.shape == (478, 2) and result.size == (512, 512)
    left, top = result.points.min(axis=0)
    right, bottom = result.points.max(axis=0)
    assert 150 < left < right < 300 and 40 < top < bottom < 200       # the face in the upper middle
    assert result.matte.shape == (512, 512)
    assert result.matte[5, 5] < 0.05 and result.matte[5, 506] < 0.05   # background corners
    assert result.matte[120, 220] > 0.95 and result.matte[480, 250] > 0.95  # face and body
    assert analyse(photo.copy()) is result                              # analysed once, then cached


def test_photo_without_a_face_is_refused():
    with pytest.raises(FaceError) as error:
        analyse(data.coffee())
    assert error.value.code == "no_face" and "No face" in error.value.message
    with pytest.raises(FaceError):
        analyse(np.full((200, 200, 3), 128, np.uint8))


def test_photo_with_two_faces_is_refused():
    photo = data.astronaut()
    with pytest.raises(FaceError) as error:
        analyse(np.concatenate([photo, photo[:, ::-1]], axis=1))
    assert error.value.code == "several_faces" and "2 faces" in error.value.message
