"""An independent face tracker: mediapipe face mesh (478 points, refined lips and irises) over decoded frames, and
the per-frame measures read off its landmarks (mouth opening, eye aspect ratio, head centroid and roll).

Landmark numbers are mediapipe's canonical face-mesh indices. Every length is divided by the distance between the
outer eye corners, so the measures do not depend on how large the face is in the frame.
"""
from __future__ import annotations

import numpy as np
from mediapipe.python.solutions import face_mesh

INNER_LIP_PAIRS = ((82, 87), (13, 14), (312, 317))
"""Upper / lower inner-lip points: left of centre, centre, right of centre."""
EYE_OUTER = (33, 263)
EYE_POINTS = ((33, 160, 158, 133, 153, 144), (362, 385, 387, 263, 373, 380))
"""Each eye as p1..p6 of the eye-aspect-ratio formula: corners p1, p4; upper lid p2, p3; lower lid p6, p5."""
NOSE_BASE = 2
STABLE_POINTS = (33, 133, 362, 263, 1, 2, 4, 5, 6, 168, 195, 197, 55, 285, 10, 151)
"""Points that speech does not move: eye corners, the nose from bridge to base, inner brow ends, mid forehead."""


def _points(connections: frozenset) -> list[int]:
    return sorted({index for edge in connections for index in edge})


FACE_OVAL = _points(face_mesh.FACEMESH_FACE_OVAL)
LIPS = _points(face_mesh.FACEMESH_LIPS)
EYES = (_points(face_mesh.FACEMESH_LEFT_EYE), _points(face_mesh.FACEMESH_RIGHT_EYE))


Box = tuple[int, int, int, int]
"""x0, y0, x1, y1 in pixels."""
ROI_FACE_SIZES = 3.0
"""The region a video is tracked in is a square this many face sizes wide around the face found first."""


class Tracker:
    """Face mesh on one face: in video mode it follows the face from frame to frame. With a `roi`, only that part
    of each frame is searched, which lets the face detector find faces that are small in a large frame."""

    def __init__(self, still_images: bool = False, roi: Box | None = None):
        self._mesh = face_mesh.FaceMesh(static_image_mode=still_images, max_num_faces=1, refine_landmarks=True,
                                        min_detection_confidence=0.5, min_tracking_confidence=0.5)
        self.roi = roi

    def landmarks(self, rgb: np.ndarray) -> np.ndarray | None:
        """(478, 2) pixel coordinates (of the whole frame) of the face in `rgb`, or None where none is found."""
        x0, y0 = 0, 0
        if self.roi is not None:
            x0, y0, x1, y1 = self.roi
            rgb = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        found = self._mesh.process(rgb)
        if not found.multi_face_landmarks:
            return None
        height, width = rgb.shape[:2]
        points = found.multi_face_landmarks[0].landmark
        return np.array([(p.x * width + x0, p.y * height + y0) for p in points])

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _windows(height: int, width: int) -> list[Box]:
    """Where to look for a face: the whole frame, then squares of the short side, then of half of it."""
    windows = [(0, 0, width, height)]
    for side in (min(height, width), min(height, width) // 2):
        for top in np.linspace(0, height - side, max(1, round(2 * height / side) - 1)).astype(int):
            for left in np.linspace(0, width - side, max(1, round(2 * width / side) - 1)).astype(int):
                windows.append((left, top, left + side, top + side))
    return windows


def _square_around(points: np.ndarray, height: int, width: int) -> Box:
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    side = int(min(height, width, ROI_FACE_SIZES * max(x1 - x0, y1 - y0)))
    left = int(np.clip((x0 + x1 - side) / 2, 0, width - side))
    top = int(np.clip((y0 + y1 - side) / 2, 0, height - side))
    return left, top, left + side, top + side


def locate(rgb: np.ndarray) -> Box | None:
    """A square region around the face in `rgb` to track it in, or None when no window shows a face."""
    height, width = rgb.shape[:2]
    with Tracker(still_images=True) as finder:
        for window in _windows(height, width):
            finder.roi = window
            points = finder.landmarks(rgb)
            if points is not None:
                return _square_around(points, height, width)
    return None


def eye_distance(points: np.ndarray) -> float:
    return float(np.linalg.norm(points[EYE_OUTER[0]] - points[EYE_OUTER[1]]))


def mouth_opening(points: np.ndarray) -> float:
    """Mean gap between the inner lips over three points across the mouth, per eye distance."""
    gaps = [np.linalg.norm(points[upper] - points[lower]) for upper, lower in INNER_LIP_PAIRS]
    return float(np.mean(gaps)) / eye_distance(points)


def eye_aspect_ratio(points: np.ndarray) -> float:
    """Mean over both eyes of (|p2-p6| + |p3-p5|) / (2 |p1-p4|): about 0.25-0.35 open, near 0 closed."""
    ratios = []
    for p1, p2, p3, p4, p5, p6 in EYE_POINTS:
        lids = np.linalg.norm(points[p2] - points[p6]) + np.linalg.norm(points[p3] - points[p5])
        ratios.append(lids / (2 * np.linalg.norm(points[p1] - points[p4])))
    return float(np.mean(ratios))


def roll_degrees(points: np.ndarray) -> float:
    """Angle of the line between the outer eye corners against the horizontal."""
    dx, dy = points[EYE_OUTER[1]] - points[EYE_OUTER[0]]
    return float(np.degrees(np.arctan2(dy, dx)))


def centroid(points: np.ndarray) -> np.ndarray:
    return points.mean(axis=0)
