"""The lip-sync and face measures, as pure functions of per-frame signals (and, for SSIM, of two images).

Conventions: signals are sampled once per video frame; `offset` is in frames and positive when the sound comes
later than the mouth movement that matches it (a video whose audio was delayed by 3 frames reads +3).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import signal
from skimage.metrics import structural_similarity

from quality import face

BAND_HZ = (1.0, 8.0)
MAX_LAG_FRAMES = 10
PAUSE_MIN_SECONDS = 0.3
PAUSE_BELOW_PEAK_DB = 35.0
"""A frame is in a pause when its level is this far below the loud speech level (95th percentile)."""
SPEAKING_BELOW_PEAK_DB = 20.0
"""A frame is speaking when its level is within this of the loud speech level."""
PAUSE_EDGE_FRAMES = 2
"""Frames left out at each end of a pause: the mouth may still be closing after the last word (about 80 ms at
25 fps) and may open early for the next one."""
BLINK_FRACTION = 0.7
"""A blink is a dip of the eye aspect ratio below this fraction of its median."""
BLINK_MAX_SECONDS = 0.5
ECC_CRITERIA = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 1e-5)
SSIM_CROP_MARGIN = 16
"""Pixels of context kept around the SSIM region for alignment and the SSIM window."""
SSIM_EYE_MARGIN = 0.15
"""Eyes are left out of the SSIM region with this margin, as a fraction of the eye distance."""


def fill_gaps(values: np.ndarray) -> np.ndarray:
    """Linear interpolation over NaN (frames where no face was found)."""
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    if missing.all():
        return np.zeros_like(values)
    if missing.any():
        index = np.arange(len(values))
        values = values.copy()
        values[missing] = np.interp(index[missing], index[~missing], values[~missing])
    return values


def band_pass(values: np.ndarray, fps: float, band: tuple[float, float] = BAND_HZ) -> np.ndarray:
    """Zero-phase (forward-backward) 2nd-order Butterworth band-pass: shifts nothing in time."""
    low, high = band
    high = min(high, 0.45 * fps)
    sos = signal.butter(2, [low, high], btype="bandpass", fs=fps, output="sos")
    return signal.sosfiltfilt(sos, fill_gaps(values))


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norm = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / norm) if norm > 0 else 0.0


def lagged_correlations(mouth: np.ndarray, envelope: np.ndarray, max_lag: int = MAX_LAG_FRAMES) -> dict[int, float]:
    """Pearson correlation of mouth[t] with envelope[t + lag] over the frames both cover, for |lag| <= max_lag."""
    n = len(mouth)
    result = {}
    for lag in range(-max_lag, max_lag + 1):
        if lag >= 0:
            result[lag] = _pearson(mouth[: n - lag], envelope[lag:])
        else:
            result[lag] = _pearson(mouth[-lag:], envelope[: n + lag])
    return result


@dataclass
class Sync:
    offset_frames: int
    correlation: float
    correlation_at_zero: float
    by_lag: dict[int, float]


def av_sync(opening: np.ndarray, level_db: np.ndarray, fps: float) -> Sync:
    """Offset and peak correlation between the 1-8 Hz band of mouth opening and of the loudness envelope."""
    by_lag = lagged_correlations(band_pass(opening, fps), band_pass(level_db, fps))
    best = max(by_lag, key=lambda lag: by_lag[lag])
    return Sync(best, by_lag[best], by_lag[0], by_lag)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def pauses(level_db: np.ndarray, fps: float) -> list[tuple[int, int]]:
    """[start, end) frames of each pause of at least PAUSE_MIN_SECONDS, before trimming its edges."""
    loud = np.percentile(level_db, 95)
    quiet = level_db < loud - PAUSE_BELOW_PEAK_DB
    return [(a, b) for a, b in _runs(quiet) if b - a >= int(np.ceil(PAUSE_MIN_SECONDS * fps))]


def speaking(level_db: np.ndarray) -> np.ndarray:
    return level_db >= np.percentile(level_db, 95) - SPEAKING_BELOW_PEAK_DB


def pause_opening(opening: np.ndarray, level_db: np.ndarray, fps: float) -> dict:
    """Mean mouth opening inside pauses (edges trimmed) relative to the median opening while speaking."""
    opening = fill_gaps(opening)
    inside = np.zeros(len(opening), dtype=bool)
    found = pauses(level_db, fps)
    for start, end in found:
        inside[start + PAUSE_EDGE_FRAMES:end - PAUSE_EDGE_FRAMES] = True
    talking = np.median(opening[speaking(level_db)])
    if not inside.any() or talking <= 0:
        return {"pauses": len(found), "pause_frames": int(inside.sum()), "ratio": None,
                "pause_mean": None, "speaking_median": float(talking)}
    return {"pauses": len(found), "pause_frames": int(inside.sum()), "ratio": float(opening[inside].mean() / talking),
            "pause_mean": float(opening[inside].mean()), "speaking_median": float(talking)}


def blinks(ear: np.ndarray, fps: float) -> dict:
    """Blinks (dips of the eye aspect ratio) and their rate per minute."""
    ear = fill_gaps(ear)
    closed = ear < BLINK_FRACTION * np.median(ear)
    found = [(a, b) for a, b in _runs(closed) if b - a <= BLINK_MAX_SECONDS * fps]
    minutes = len(ear) / fps / 60
    return {"count": len(found), "per_minute": len(found) / minutes if minutes else 0.0,
            "frames": [int((a + b) // 2) for a, b in found]}


def head_motion(centroids: np.ndarray, rolls: np.ndarray, eye_distances: np.ndarray) -> dict:
    """Range (2nd to 98th percentile) of the landmark centroid, in eye distances, and of the roll angle."""
    def spread(values: np.ndarray) -> float:
        values = values[~np.isnan(values)]
        return float(np.percentile(values, 98) - np.percentile(values, 2)) if values.size else 0.0

    scale = np.nanmedian(eye_distances)
    return {"x_range": spread(centroids[:, 0]) / scale, "y_range": spread(centroids[:, 1]) / scale,
            "roll_range_degrees": spread(rolls)}


def _hull_mask(shape: tuple[int, int], points: np.ndarray, grow: float = 0.0) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(points.astype(np.int32)), 1)
    if grow > 0:
        size = 2 * int(round(grow)) + 1
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    return mask.astype(bool)


def ssim_region(points: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The face outside mouth, jaw and eyes: inside the face oval, above the base of the nose (so the lips, chin
    and jaw line are out), less each eye with a margin."""
    region = _hull_mask(shape, points[face.FACE_OVAL])
    region[int(np.ceil(points[face.NOSE_BASE][1])):, :] = False
    margin = SSIM_EYE_MARGIN * face.eye_distance(points)
    for eye in face.EYES:
        region &= ~_hull_mask(shape, points[eye], grow=margin)
    return region


def _refine(source_gray: np.ndarray, warped_gray: np.ndarray, region: np.ndarray) -> np.ndarray:
    """`warped_gray` aligned onto `source_gray` by an affine ECC fit over `region` (unchanged if ECC fails)."""
    mask = cv2.dilate(region.astype(np.uint8), np.ones((9, 9), np.uint8))
    warp = np.eye(2, 3, dtype=np.float32)
    try:
        _, warp = cv2.findTransformECC(source_gray.astype(np.float32), warped_gray.astype(np.float32), warp,
                                       cv2.MOTION_AFFINE, ECC_CRITERIA, mask, 5)
    except cv2.error:
        return warped_gray
    height, width = source_gray.shape
    return cv2.warpAffine(warped_gray, warp, (width, height), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)


def face_ssim(source: np.ndarray, source_points: np.ndarray, frame: np.ndarray, frame_points: np.ndarray,
              region: np.ndarray) -> float:
    """Mean SSIM over `region` of the source photo and the frame aligned onto it: first by the similarity
    transform that maps the frame's STABLE_POINTS onto the photo's, then refined by an affine ECC fit of the
    region's pixels (landmarks alone are a few pixels off, which SSIM punishes). Placement, scale and rigid head
    motion therefore do not count; changes of the face itself do."""
    chosen = np.array(face.STABLE_POINTS)
    matrix, _ = cv2.estimateAffinePartial2D(frame_points[chosen].astype(np.float32),
                                            source_points[chosen].astype(np.float32), method=cv2.LMEDS)
    if matrix is None:
        return float("nan")
    left, top, width, height = cv2.boundingRect(region.astype(np.uint8))
    left, top = max(0, left - SSIM_CROP_MARGIN), max(0, top - SSIM_CROP_MARGIN)
    width, height = width + 2 * SSIM_CROP_MARGIN, height + 2 * SSIM_CROP_MARGIN
    matrix[:, 2] -= (left, top)  # warp straight into the crop around the region
    source_gray = cv2.cvtColor(source[top:top + height, left:left + width], cv2.COLOR_RGB2GRAY)
    height, width = source_gray.shape
    region = region[top:top + height, left:left + width]
    warped = cv2.warpAffine(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), matrix, (width, height),
                            flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    _, ssim_map = structural_similarity(source_gray, _refine(source_gray, warped, region), data_range=255,
                                        full=True)
    return float(ssim_map[region].mean())
