"""Measurements on real audio for the speech tests: frame energy, speech regions, pitch."""
from __future__ import annotations

import numpy as np

from avatarstudio.render.vocabulary import SpeechTrack

FRAME = 0.01


def frame_rms(track: SpeechTrack) -> np.ndarray:
    """RMS of consecutive 10 ms frames."""
    size = round(FRAME * track.sample_rate)
    count = len(track.samples) // size
    return np.sqrt(np.square(track.samples[:count * size].astype(np.float64)).reshape(count, size).mean(axis=1))


def loud_frames(track: SpeechTrack, below_peak_db: float = 26.0) -> np.ndarray:
    """Boolean per 10 ms frame: within `below_peak_db` of the loudest frame."""
    rms = frame_rms(track)
    return rms > rms.max() * 10 ** (-below_peak_db / 20)


def longest_quiet_run(track: SpeechTrack, start: float, end: float, below_peak_db: float = 40.0) -> float:
    """Longest stretch (seconds) of frames more than `below_peak_db` under the peak, within [start, end)."""
    quiet = ~loud_frames(track, below_peak_db)
    best = run = 0
    for index in range(int(start / FRAME), min(int(end / FRAME), len(quiet))):
        run = run + 1 if quiet[index] else 0
        best = max(best, run)
    return best * FRAME


def median_f0(track: SpeechTrack, fmin: float = 60.0, fmax: float = 450.0) -> float:
    """Median fundamental frequency over voiced 40 ms frames, by autocorrelation."""
    return float(np.median(f0_track(track, fmin, fmax)))


def f0_track(track: SpeechTrack, fmin: float = 60.0, fmax: float = 450.0) -> np.ndarray:
    """Fundamental frequency of each voiced 40 ms frame (half overlapping), by autocorrelation."""
    rate = track.sample_rate
    size = round(0.04 * rate)
    lo, hi = int(rate / fmax), int(rate / fmin)
    peak = np.abs(track.samples).max()
    found = []
    for start in range(0, len(track.samples) - size, size // 2):
        frame = track.samples[start:start + size].astype(np.float64)
        frame = frame - frame.mean()
        if np.sqrt(np.mean(frame ** 2)) < 0.05 * peak:
            continue
        correlation = np.correlate(frame, frame, "full")[size - 1:]
        lag = lo + int(np.argmax(correlation[lo:hi]))
        if correlation[lag] > 0.5 * correlation[0]:
            found.append(rate / lag)
    return np.array(found)
