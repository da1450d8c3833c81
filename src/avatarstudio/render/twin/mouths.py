"""The lower face of every footage frame, cut out already aligned to one reference face, so the renderer can take
the mouth of any frame without decoding the video there.

Each crop is the same box of the reference face's coordinates (from just under the eyes to below the chin, cheek to
cheek), warped there by the frame's similarity transform, and kept as a JPEG in one packed file (about 10-20 KB a
frame); `offsets` says where each starts.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from avatarstudio.render.twin.align import to_reference
from avatarstudio.render.twin.track import CHIN, NOSE_TIP

JPEG_QUALITY = 92
LOWER_OVAL = (93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361, 323)
"""The face oval from one cheek, round the jaw and chin, to the other (image left to right)."""
BELOW_CHIN = 0.55
"""The crop reaches this many nose-to-chin lengths under the reference chin, room for a jaw opened wide."""
SIDE_MARGIN = 0.08


def crop_box(reference_points: np.ndarray) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the lower face in the reference frame's pixels."""
    oval = reference_points[list(LOWER_OVAL)]
    nose, chin = reference_points[NOSE_TIP], reference_points[CHIN]
    length = chin[1] - nose[1]
    margin = SIDE_MARGIN * (oval[:, 0].max() - oval[:, 0].min())
    x0, x1 = oval[:, 0].min() - margin, oval[:, 0].max() + margin
    y0, y1 = oval[:, 1].min() - 0.2 * length, chin[1] + BELOW_CHIN * length
    return int(np.floor(x0)), int(np.floor(y0)), int(np.ceil(x1)), int(np.ceil(y1))


class MouthWriter:
    """Collects each frame's aligned lower-face crop (an empty entry for frames without a face)."""

    def __init__(self, reference: np.ndarray, box: tuple[int, int, int, int]):
        self._reference = reference
        self._box = box
        self._chunks: list[bytes] = []

    def add_missing(self, count: int) -> None:
        """`count` frames without a face (those before the reference frame)."""
        self._chunks += [b""] * count

    def add(self, frame: np.ndarray, points: np.ndarray | None) -> None:
        if points is None:
            self._chunks.append(b"")
            return
        x0, y0, x1, y1 = self._box
        matrix = to_reference(points, self._reference)
        matrix[:, 2] -= (x0, y0)
        crop = cv2.warpAffine(frame, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
        ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(crop, cv2.COLOR_RGB2BGR),
                                   [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        self._chunks.append(encoded.tobytes() if ok else b"")

    def save(self, path: Path) -> np.ndarray:
        """Writes the packed crops to `path`; returns the offsets (n + 1) of each crop in it."""
        path.write_bytes(b"".join(self._chunks))
        return np.cumsum([0] + [len(chunk) for chunk in self._chunks]).astype(np.int64)


class MouthReader:
    """Crops by frame index, decoded on demand from the packed file (RGB uint8, the crop box's size)."""

    def __init__(self, path: Path, offsets: np.ndarray):
        self._data = np.fromfile(path, dtype=np.uint8)
        self._offsets = offsets

    def crop(self, index: int) -> np.ndarray:
        data = self._data[self._offsets[index]:self._offsets[index + 1]]
        return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)

