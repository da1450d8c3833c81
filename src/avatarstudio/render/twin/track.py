"""Following the face through the footage: mediapipe's face mesh on every frame (video mode, so it tracks instead
of re-detecting), the person's matte, and the measures read off the landmarks (head pose, blinks, lip shape).

Frames are tracked at most TRACK_HEIGHT pixels tall (the mesh is no more precise on larger pictures, only slower);
landmarks are returned in the working frame's pixels.
"""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from avatarstudio.render.face.landmarks import MIN_DETECTION_CONFIDENCE

TRACK_HEIGHT = 720
STABLE = (33, 133, 362, 263, 1, 2, 4, 5, 6, 168, 195, 197, 55, 285, 151)
"""Points speech does not move: eye corners, the nose from bridge to base, inner brow ends, mid forehead."""
EYE_CORNERS = (33, 263)
NOSE_TIP, FOREHEAD, CHIN = 1, 10, 152
INNER_LIP_PAIRS = ((82, 87), (13, 14), (312, 317))
MOUTH_CORNERS = (61, 291)
EYES = ((33, 160, 158, 133, 153, 144), (362, 385, 387, 263, 373, 380))
"""Each eye as p1..p6 of the eye-aspect-ratio formula."""
MATTE_HEIGHT = 256
"""The selfie model sees 256 x 256 pixels; its raw mask is stored this tall and refined at the edges of the
rendered frame when a render asks for the person cut out (matte.py)."""
MATTE_EVERY = 3
"""The selfie model runs on every third frame and the masks between are interpolated: it cost more than the face
mesh (8 ms a frame against 7 here), a person moves little in a tenth of a second, and the render refines the mask's
edge on the frame itself."""


class Tracker:
    """Face mesh and person segmentation over consecutive frames of one video."""

    def __init__(self) -> None:
        import mediapipe as mp

        self._mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1,
                                                     refine_landmarks=True, min_detection_confidence=0.5,
                                                     min_tracking_confidence=0.5)
        self._segmenter = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)
        self._detector = mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=MIN_DETECTION_CONFIDENCE)

    def landmarks(self, rgb: np.ndarray) -> np.ndarray | None:
        """(478, 2) float32 pixels of the face in `rgb`, or None where none is found."""
        found = self._mesh.process(rgb).multi_face_landmarks
        if not found:
            return None
        height, width = rgb.shape[:2]
        points = np.array([(p.x, p.y) for p in found[0].landmark], np.float32)
        return points * np.float32((width, height))

    def raw_matte(self, rgb: np.ndarray) -> np.ndarray:
        """The selfie model's person mask (uint8, 255 = person), `rgb` already MATTE_HEIGHT tall."""
        mask = self._segmenter.process(rgb).segmentation_mask
        return (np.clip(mask, 0, 1) * 255 + 0.5).astype(np.uint8)

    def face_heights(self, rgb: np.ndarray) -> list[float]:
        """The height in pixels of each face the full-range detector sees (it finds faces too small for the
        mesh, so a small face is reported as small rather than missing)."""
        found = self._detector.process(rgb).detections or []
        return [detection.location_data.relative_bounding_box.height * rgb.shape[0] for detection in found]

    def close(self) -> None:
        self._mesh.close()
        self._segmenter.close()
        self._detector.close()


class SparseMatte:
    """Writes a raw matte for every frame to `write`, running the selfie model on every MATTE_EVERY-th only (and
    on the last); the frames between get the two nearest masks blended by their distance."""

    def __init__(self, tracker: Tracker, write: Callable[[np.ndarray], None]):
        self._tracker = tracker
        self._write = write
        self._last: np.ndarray | None = None
        self._waiting: np.ndarray | None = None
        self._skipped = 0
        self._index = 0

    def add(self, small_rgb: np.ndarray) -> None:
        """The next frame, already MATTE_HEIGHT tall."""
        if self._index % MATTE_EVERY == 0:
            self._found(self._tracker.raw_matte(small_rgb))
        else:
            self._skipped += 1
            self._waiting = small_rgb
        self._index += 1

    def close(self) -> None:
        if self._skipped:
            self._skipped -= 1
            self._found(self._tracker.raw_matte(self._waiting))

    def _found(self, mask: np.ndarray) -> None:
        steps = self._skipped + 1
        for step in range(1, steps):
            self._write(cv2.addWeighted(self._last, 1 - step / steps, mask, step / steps, 0))
        self._write(mask)
        self._last, self._skipped = mask, 0


def eye_distance(points: np.ndarray) -> np.ndarray:
    """Outer eye corner to outer eye corner, per frame ((n, 478, 2) -> (n,))."""
    return np.linalg.norm(points[:, EYE_CORNERS[0]] - points[:, EYE_CORNERS[1]], axis=-1)


def face_height(points: np.ndarray) -> np.ndarray:
    """Hairline to chin per frame: landmark 10 sits low on the forehead, so 12 % is added."""
    return np.linalg.norm(points[:, CHIN] - points[:, FOREHEAD], axis=-1) * 1.12


def pose(points: np.ndarray) -> np.ndarray:
    """(yaw, pitch, roll) per frame: yaw and pitch as the nose tip's offset from the eyes' midpoint in eye
    distances (a face turning away moves its nose sideways), roll in degrees."""
    left, right = points[:, EYE_CORNERS[0]], points[:, EYE_CORNERS[1]]
    middle, span = (left + right) / 2, eye_distance(points)[:, None]
    axis = (right - left) / span
    offset = points[:, NOSE_TIP] - middle
    yaw = (offset * axis).sum(axis=1) / span[:, 0]
    pitch = (offset[:, 1] * axis[:, 0] - offset[:, 0] * axis[:, 1]) / span[:, 0]
    roll = np.degrees(np.arctan2(axis[:, 1], axis[:, 0]))
    return np.stack([yaw, pitch, roll], axis=1).astype(np.float32)


def eye_openness(points: np.ndarray) -> np.ndarray:
    """Mean eye aspect ratio per frame (about 0.3 open, under 0.2 shut)."""
    ratios = []
    for p1, p2, p3, p4, p5, p6 in EYES:
        vertical = (np.linalg.norm(points[:, p2] - points[:, p6], axis=-1)
                    + np.linalg.norm(points[:, p3] - points[:, p5], axis=-1))
        ratios.append(vertical / (2 * np.linalg.norm(points[:, p1] - points[:, p4], axis=-1)))
    return np.mean(ratios, axis=0).astype(np.float32)


def lip_shape(points: np.ndarray) -> np.ndarray:
    """(opening, width) per frame in eye distances: the inner lips' mean gap and the mouth corners' distance."""
    span = eye_distance(points)
    gap = np.mean([np.linalg.norm(points[:, a] - points[:, b], axis=-1) for a, b in INNER_LIP_PAIRS], axis=0)
    width = np.linalg.norm(points[:, MOUTH_CORNERS[0]] - points[:, MOUTH_CORNERS[1]], axis=-1)
    return np.stack([gap / span, width / span], axis=1).astype(np.float32)
