"""Face landmarks with mediapipe's bundled face mesh (478 points with refined eyes and lips), and the named
groups of landmark indices the rest of the package uses.

Index groups follow mediapipe's canonical face mesh. "Right" and "left" are the subject's: the right eye is on
the image's left.
"""
from __future__ import annotations

import numpy as np

FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148,
             176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
FOREHEAD, CHIN, NOSE_TIP = 10, 152, 1
MOUTH_CORNERS = (61, 291)
OUTER_UPPER_LIP = (185, 40, 39, 37, 0, 267, 269, 270, 409)
OUTER_LOWER_LIP = (146, 91, 181, 84, 17, 314, 405, 321, 375)
INNER_CORNERS = (78, 308)
INNER_UPPER_LIP = (191, 80, 81, 82, 13, 312, 311, 310, 415)
"""Left to right on the image, each paired with the INNER_LOWER_LIP entry at the same position."""
INNER_LOWER_LIP = (95, 88, 178, 87, 14, 317, 402, 318, 324)
RIGHT_EYE = {"corners": (33, 133), "upper": (246, 161, 160, 159, 158, 157, 173),
             "lower": (7, 163, 144, 145, 153, 154, 155)}
LEFT_EYE = {"corners": (362, 263), "upper": (398, 384, 385, 386, 387, 388, 466),
            "lower": (382, 381, 380, 374, 373, 390, 249)}
"""Each eye: its corners (image left, image right) and upper / lower lid points between them, left to right."""
EYES = (RIGHT_EYE, LEFT_EYE)

MAX_FACES = 4
"""Face detection counts up to this many faces, so a group photo is recognised as one."""
MIN_DETECTION_CONFIDENCE = 0.5


class FaceCountError(ValueError):
    """The image does not show exactly one face; `count` says how many were found."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


def count_faces(rgb: np.ndarray) -> int:
    """How many faces mediapipe's full-range face detector finds in an RGB uint8 image (at most MAX_FACES)."""
    import mediapipe as mp

    with mp.solutions.face_detection.FaceDetection(model_selection=1,
                                                   min_detection_confidence=MIN_DETECTION_CONFIDENCE) as detector:
        found = detector.process(rgb).detections or []
    return min(len(found), MAX_FACES)


def face_landmarks(rgb: np.ndarray) -> np.ndarray:
    """The 478 landmarks (x, y in pixels, float32) of the one face in an RGB uint8 image.

    Raises FaceCountError when the detector or the mesh does not find exactly one face.
    """
    import mediapipe as mp

    faces = count_faces(rgb)
    if faces > 1:
        raise FaceCountError(faces)
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=2, refine_landmarks=True,
                                         min_detection_confidence=MIN_DETECTION_CONFIDENCE) as mesh:
        found = mesh.process(rgb).multi_face_landmarks or []
    if len(found) != 1:
        raise FaceCountError(len(found))
    height, width = rgb.shape[:2]
    points = np.array([(p.x * width, p.y * height) for p in found[0].landmark], np.float32)
    return points
