"""A prepared twin read back from its directory: everything the renderer needs in memory except the pictures,
which stay in their files (clips.py, mouths.py) and are decoded as frames are drawn."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from avatarstudio.render.twin import layout
from avatarstudio.render.twin.align import similarity, to_reference
from avatarstudio.render.twin.errors import TwinError
from avatarstudio.render.twin.track import STABLE

REST_PERCENTILE = 15
"""The lips are at rest when no more parted than this percentile of the footage's openings."""
STEADY_PERCENTILE = 85
STEADY_SIGMA = 1.5
"""Frames of Gaussian smoothing over time of the stable points the faces are aligned on. The mesh's landmarks
shake by about a pixel from frame to frame; aligned on them as they are, a pasted mouth shakes against the head
(the measured flicker of the lower face was 1.5x the footage's own)."""


@dataclass
class Twin:
    directory: Path
    fps: float
    size: tuple[int, int]
    """The working frame (width, height) the footage is kept at; landmarks are in its pixels."""
    points: np.ndarray
    """(n, 478, 2) landmarks per frame, NaN where no face was found."""
    to_reference: np.ndarray
    """(n, 2, 3) per frame: the similarity mapping its face onto the reference face, from the stable points
    smoothed over time (identity where no face)."""
    crop_transform: np.ndarray
    """(n, 2, 3) per frame: the similarity its mouth crop was cut with (from that frame's stable points alone)."""
    lips: np.ndarray
    """(n, 2) opening and width of the lips in eye distances."""
    pose: np.ndarray
    usable: np.ndarray
    talking: np.ndarray
    steady: np.ndarray
    """Frames whose head moves slowly enough to be sharp (under the STEADY_PERCENTILE of head speed)."""
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
    steady = _steady(points[:, list(STABLE)])
    smoothed, cut = np.tile(np.eye(2, 3), (len(points), 1, 1)), np.tile(np.eye(2, 3), (len(points), 1, 1))
    for index in np.flatnonzero(~np.isnan(points[:, 0, 0])):
        smoothed[index] = similarity(steady[index].astype(np.float64), reference.astype(np.float64))
        cut[index] = to_reference(points[index], reference)
    return Twin(directory, float(about["fps"]), tuple(about["working"]), points, smoothed, cut, stored["lips"],
                stored["pose"], stored["usable"], stored["talking"],
                stored["speed"] <= np.percentile(stored["speed"], STEADY_PERCENTILE), tuple(about["turns"]),
                tuple(int(v) for v in stored["crop_box"]), stored["mouth_offsets"])


def _steady(points: np.ndarray) -> np.ndarray:
    """`points` (n, k, 2) with each point averaged over neighbouring frames (Gaussian, STEADY_SIGMA), skipping
    frames without a face."""
    radius = int(np.ceil(3 * STEADY_SIGMA))
    weights = np.exp(-0.5 * (np.arange(-radius, radius + 1) / STEADY_SIGMA) ** 2)
    found = ~np.isnan(points[:, 0, 0])
    total = np.zeros(points.shape, np.float64)
    weight = np.zeros(len(points))
    for shift, w in zip(range(-radius, radius + 1), weights):
        moved = np.roll(points, shift, axis=0)
        present = np.roll(found, shift) & found
        if shift > 0:
            present[:shift] = False
        elif shift < 0:
            present[shift:] = False
        total[present] += w * moved[present]
        weight[present] += w
    steady = np.full(points.shape, np.nan, np.float32)
    steady[found] = total[found] / weight[found, None, None]
    return steady
