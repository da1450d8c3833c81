"""A prepared twin read back from its directory: everything the renderer needs in memory except the pictures,
which stay in their files (clips.py, mouths.py) and are decoded as frames are drawn."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from avatarstudio.render.twin import layout
from avatarstudio.render.twin.align import to_reference
from avatarstudio.render.twin.errors import TwinError

REST_PERCENTILE = 15
"""The lips are at rest when no more parted than this percentile of the footage's openings."""


@dataclass
class Twin:
    directory: Path
    fps: float
    size: tuple[int, int]
    """The working frame (width, height) the footage is kept at; landmarks are in its pixels."""
    points: np.ndarray
    """(n, 478, 2) landmarks per frame, NaN where no face was found."""
    to_reference: np.ndarray
    """(n, 2, 3) per frame: the similarity mapping its face onto the reference face (identity where no face)."""
    lips: np.ndarray
    """(n, 2) opening and width of the lips in eye distances."""
    pose: np.ndarray
    usable: np.ndarray
    talking: np.ndarray
    turns: tuple[int, int]
    crop_box: tuple[int, int, int, int]
    mouth_offsets: np.ndarray

    @property
    def frames(self) -> int:
        return len(self.points)

    @property
    def rest_opening(self) -> float:
        return float(np.nanpercentile(self.lips[self.usable, 0], REST_PERCENTILE))

    def file(self, name: str) -> Path:
        return self.directory / name


def load(directory: Path) -> Twin:
    """The twin prepared into `directory`; TwinError when a file is missing or from another format."""
    try:
        about = json.loads((directory / layout.ABOUT).read_text())
        stored = np.load(directory / layout.TRACK)
    except (OSError, ValueError) as error:
        raise TwinError("twin_incomplete", f"The twin's prepared files could not be read: {error}") from None
    if about.get("format") != layout.FORMAT:
        raise TwinError("twin_incomplete", "The twin was prepared by another version; prepare it again")
    points = stored["points"]
    reference = stored["reference"]
    matrices = np.tile(np.eye(2, 3), (len(points), 1, 1))
    for index in np.flatnonzero(~np.isnan(points[:, 0, 0])):
        matrices[index] = to_reference(points[index], reference)
    return Twin(directory, float(about["fps"]), tuple(about["working"]), points, matrices, stored["lips"],
                stored["pose"], stored["usable"], stored["talking"], tuple(about["turns"]),
                tuple(int(v) for v in stored["crop_box"]), stored["mouth_offsets"])
