"""Mouth opening from the audio alone: a loudness envelope per video frame.

RMS per frame -> decibels relative to the track's own speech level -> 0..1 -> fast-attack / slower-release
smoothing. Silence (below `GATE_DB` under the speech level, or digital silence) gives exactly 0.
"""
from __future__ import annotations

import numpy as np

SILENCE_RMS = 1e-4      # below this a frame is silence whatever the speech level (-80 dBFS)
SPEECH_PERCENTILE = 90  # the speech level: this percentile of the voiced frames' loudness
RANGE_DB = 24.0         # mouth goes from closed to fully open over this many dB below the speech level
ATTACK_S = 0.015
RELEASE_S = 0.06


def frame_rms(samples: np.ndarray, sample_rate: int, fps: int, n_frames: int) -> np.ndarray:
    """RMS of the samples within each video frame's interval [i/fps, (i+1)/fps); 0 past the end of the audio."""
    edges = np.round(np.arange(n_frames + 1) * sample_rate / fps).astype(np.int64)
    edges = np.minimum(edges, len(samples))
    squares = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    counts = np.maximum(edges[1:] - edges[:-1], 1)
    return np.sqrt((squares[edges[1:]] - squares[edges[:-1]]) / counts)


def normalised_opening(rms: np.ndarray) -> np.ndarray:
    """0..1 per frame: 1 at or above the track's speech level, 0 at `RANGE_DB` below it and in silence."""
    voiced = rms > SILENCE_RMS
    if not voiced.any():
        return np.zeros_like(rms)
    level_db = 20 * np.log10(np.percentile(rms[voiced], SPEECH_PERCENTILE))
    db = 20 * np.log10(np.maximum(rms, SILENCE_RMS))
    opening = np.clip((db - (level_db - RANGE_DB)) / RANGE_DB, 0.0, 1.0)
    opening[~voiced] = 0.0
    return opening


def attack_release(values: np.ndarray, fps: int, attack_s: float = ATTACK_S, release_s: float = RELEASE_S) -> np.ndarray:
    """One-pole smoothing that follows rises quickly (time constant `attack_s`) and falls slower (`release_s`)."""
    rise = 1.0 - np.exp(-1.0 / (fps * attack_s))
    fall = 1.0 - np.exp(-1.0 / (fps * release_s))
    out = np.empty_like(values)
    level = 0.0
    for i, value in enumerate(values):
        level += (value - level) * (rise if value > level else fall)
        out[i] = level
    return out


def mouth_from_audio(samples: np.ndarray, sample_rate: int, fps: int, n_frames: int) -> np.ndarray:
    """The mouth opening 0..1 per frame from loudness alone."""
    return attack_release(normalised_opening(frame_rms(samples, sample_rate, fps, n_frames)), fps)
