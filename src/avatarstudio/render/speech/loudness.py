"""Loudness: every track leaves the speech stage at one speech level, with peaks limited.

Target: the RMS of the active part of the signal (50 ms frames within 30 dB of the loudest frame and above
-60 dBFS) is brought to TARGET_RMS_DBFS (-20 dBFS, about -20 LUFS for speech), plus an optional gain in dB
(emotion presets). Gain is capped at +30 dB so near-silent recordings are not turned into noise. Peaks are
then held under CEILING_DBFS (-1 dBFS) by a look-ahead limiter (a smoothed gain envelope, no hard clipping).
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d

TARGET_RMS_DBFS = -20.0
CEILING_DBFS = -1.0
MAX_GAIN_DB = 30.0
_FRAME_SECONDS = 0.05
_GATE_BELOW_LOUDEST_DB = 30.0
_ABSOLUTE_GATE_DBFS = -60.0
_LIMITER_SECONDS = 0.01


def normalize(samples: np.ndarray, sample_rate: int, gain_db: float = 0.0) -> np.ndarray:
    """`samples` (float mono) at the target level plus `gain_db`, peak-limited; all-silent input is returned as is."""
    level = active_rms(samples, sample_rate)
    if level is None:
        return samples.astype(np.float32, copy=False)
    gain_db = min(TARGET_RMS_DBFS + gain_db - 20 * np.log10(level), MAX_GAIN_DB)
    return limit_peaks(samples * np.float32(10 ** (gain_db / 20)), sample_rate)


def active_rms(samples: np.ndarray, sample_rate: int) -> float | None:
    """RMS over the frames that pass the loudness gate, or None when no frame does."""
    frame = max(1, round(_FRAME_SECONDS * sample_rate))
    count = len(samples) // frame
    if count == 0:
        return None
    power = np.square(samples[:count * frame].astype(np.float64)).reshape(count, frame).mean(axis=1)
    gate = max(power.max() * 10 ** (-_GATE_BELOW_LOUDEST_DB / 10), 10 ** (_ABSOLUTE_GATE_DBFS / 10))
    active = power[power >= gate]
    return float(np.sqrt(active.mean())) if active.size else None


def limit_peaks(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Samples scaled down smoothly wherever they would exceed CEILING_DBFS.

    The needed gain is min-filtered over a window and then averaged over the same window, so the smoothed
    gain never exceeds what any sample in reach needs: no sample ends above the ceiling.
    """
    ceiling = 10 ** (CEILING_DBFS / 20)
    magnitude = np.abs(samples)
    if magnitude.size == 0 or magnitude.max() <= ceiling:
        return samples.astype(np.float32, copy=False)
    needed = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    width = 2 * max(1, round(_LIMITER_SECONDS * sample_rate)) + 1
    gain = uniform_filter1d(minimum_filter1d(needed, width, mode="nearest"), width, mode="nearest")
    return np.clip(samples * gain, -ceiling, ceiling).astype(np.float32)
