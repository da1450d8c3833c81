"""One video in, its measures out: decode, track the face, and compute the metrics of quality/metrics.py."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from quality import decode, face, metrics

SSIM_EVERY = 5
"""SSIM against the source photo is computed on every 5th frame."""
LOCATE_WITHIN = 50
"""The face is looked for in the first 50 frames; the whole video is then tracked around where it was found."""


@dataclass
class Source:
    """The photo the avatar was made from, with its landmarks and the SSIM region in its coordinates."""

    rgb: np.ndarray
    points: np.ndarray
    region: np.ndarray

    @classmethod
    def of(cls, rgb: np.ndarray) -> Source:
        roi = face.locate(rgb)
        if roi is None:
            raise ValueError("no face found in the source photo")
        with face.Tracker(still_images=True, roi=roi) as tracker:
            points = tracker.landmarks(rgb)
        return cls(rgb, points, metrics.ssim_region(points, rgb.shape[:2]))


@dataclass
class Series:
    """Per-frame signals of one video (NaN where no face was found)."""

    fps: float
    times: np.ndarray
    level_db: np.ndarray
    opening: np.ndarray
    ear: np.ndarray
    centroids: np.ndarray
    rolls: np.ndarray
    eye_distances: np.ndarray
    boxes: np.ndarray
    """(x0, y0, x1, y1) of the landmarks per frame, for the contact sheet's crops."""
    ssim: dict[int, float]


def face_region(path: Path) -> face.Box | None:
    for index, (_, rgb) in enumerate(decode.frames(path)):
        roi = face.locate(rgb)
        if roi is not None or index >= LOCATE_WITHIN:
            return roi
    return None


def track(path: Path, source: Source | None) -> Series:
    fps = decode.frame_rate(path)
    times, opening, ear, centroids, rolls, distances, boxes = [], [], [], [], [], [], []
    ssim: dict[int, float] = {}
    nan2, nan4 = np.full(2, np.nan), np.full(4, np.nan)
    with face.Tracker(roi=face_region(path)) as tracker:
        for index, (time, rgb) in enumerate(decode.frames(path)):
            times.append(time)
            points = tracker.landmarks(rgb)
            if points is None:
                for values, empty in ((opening, np.nan), (ear, np.nan), (centroids, nan2), (rolls, np.nan),
                                      (distances, np.nan), (boxes, nan4)):
                    values.append(empty)
                continue
            opening.append(face.mouth_opening(points))
            ear.append(face.eye_aspect_ratio(points))
            centroids.append(face.centroid(points))
            rolls.append(face.roll_degrees(points))
            distances.append(face.eye_distance(points))
            boxes.append(np.concatenate([points.min(axis=0), points.max(axis=0)]))
            if source is not None and index % SSIM_EVERY == 0:
                ssim[index] = metrics.face_ssim(source.rgb, source.points, rgb, points, source.region)
    samples, start = decode.audio(path)
    times_array = np.array(times)
    return Series(fps, times_array, decode.loudness_envelope(samples, start, times_array, fps), np.array(opening),
                  np.array(ear), np.array(centroids), np.array(rolls), np.array(distances), np.array(boxes), ssim)


def measure(series: Series) -> dict:
    """Every metric of one video as JSON-ready numbers."""
    sync = metrics.av_sync(series.opening, series.level_db, series.fps)
    ssim_values = np.array([value for value in series.ssim.values() if not np.isnan(value)])
    found = ~np.isnan(series.opening)
    return {
        "frames": len(series.times), "fps": series.fps, "seconds": len(series.times) / series.fps,
        "face_found": float(found.mean()),
        "offset_frames": sync.offset_frames, "correlation": sync.correlation,
        "correlation_at_zero": sync.correlation_at_zero,
        "correlation_by_lag": {str(lag): value for lag, value in sync.by_lag.items()},
        "mouth_opening": {"median": float(np.nanmedian(series.opening)),
                          "p95": float(np.nanpercentile(series.opening, 95)),
                          "p5": float(np.nanpercentile(series.opening, 5))},
        "pause_opening": metrics.pause_opening(series.opening, series.level_db, series.fps),
        "ssim": ({"mean": float(ssim_values.mean()), "min": float(ssim_values.min()), "frames": len(ssim_values)}
                 if ssim_values.size else None),
        "blinks": metrics.blinks(series.ear, series.fps),
        "head_motion": metrics.head_motion(series.centroids, series.rolls, series.eye_distances),
    }
