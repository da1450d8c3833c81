"""One photo's face analysis, computed once per distinct image and cached in memory.

A `FaceAnalysis` holds what every engine frame needs: the landmarks (in the analysed image's pixels) and the
person matte. Large photos are analysed at most `ANALYSIS_SIDE` pixels on their longer side; landmarks are
scaled back to the photo's pixels and the matte is resized to the photo.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import cv2
import numpy as np

from avatarstudio.render.face.landmarks import CHIN, FACE_OVAL, FOREHEAD, FaceCountError, face_landmarks
from avatarstudio.render.face.segmentation import person_matte

ANALYSIS_SIDE = 1024
CACHE_SIZE = 16
FOREHEAD_EXTRA = 0.12
"""Landmark 10 sits low on the forehead; the face box's top is this many face heights higher (the hairline)."""


class FaceError(ValueError):
    """The photo cannot be animated: no face or several faces. `code` is "no_face" or "several_faces"."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FaceAnalysis:
    """Landmarks (478 x 2 float32, pixels) and person matte (H x W float32 0..1) of one photo of (width, height)."""

    size: tuple[int, int]
    points: np.ndarray
    matte: np.ndarray

    @property
    def face_height(self) -> float:
        """Pixels from the hairline to the chin."""
        top, chin = self.points[FOREHEAD, 1], self.points[CHIN, 1]
        return float((chin - top) * (1 + FOREHEAD_EXTRA))

    def face_centre(self) -> tuple[float, float]:
        """Pixels (x, y): the face oval's mean x, halfway between the hairline and the chin."""
        chin = float(self.points[CHIN, 1])
        return float(self.points[list(FACE_OVAL), 0].mean()), chin - self.face_height / 2


_cache: OrderedDict[str, FaceAnalysis] = OrderedDict()
_lock = threading.Lock()


def analyse(image: np.ndarray) -> FaceAnalysis:
    """The analysis of an RGB or RGBA uint8 photo, from the cache when this exact image was seen before.

    Raises FaceError when the photo shows no face or more than one.
    """
    rgb = np.ascontiguousarray(image[..., :3]) if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    key = hashlib.sha1(rgb.tobytes() + repr(rgb.shape).encode()).hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = _analyse(rgb)
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _analyse(rgb: np.ndarray) -> FaceAnalysis:
    height, width = rgb.shape[:2]
    factor = min(1.0, ANALYSIS_SIDE / max(height, width))
    small = rgb if factor == 1.0 else cv2.resize(rgb, (round(width * factor), round(height * factor)),
                                                 interpolation=cv2.INTER_AREA)
    try:
        points = face_landmarks(small) / factor
    except FaceCountError as error:
        if error.count == 0:
            raise FaceError("no_face", "No face was found in the photo: use a photo that shows one face, "
                                       "front-facing and well lit") from None
        raise FaceError("several_faces", f"{error.count} faces were found in the photo: use a photo that shows "
                                         "exactly one face") from None
    matte = person_matte(small)
    if factor != 1.0:
        matte = cv2.resize(matte, (width, height), interpolation=cv2.INTER_LINEAR)
    points.flags.writeable = False
    matte.flags.writeable = False
    return FaceAnalysis((width, height), points.astype(np.float32), matte)
