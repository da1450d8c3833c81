"""Mouth cues read from the sound alone, for uploaded speech in any language.

Every 10 ms frame (25 ms Hann window at 16 kHz) is classed by its level and spectral shape and labelled with
the IPA sound that best stands for that mouth shape; runs of one class become one Timed:
- "s"  hiss: most energy above 3 kHz (fricatives; teeth close, lips neutral);
- "m"  murmur: a voiced frame with nearly all its energy under 400 Hz (nasals, voiced closures; lips or
  tongue shut the mouth);
- "u"  rounded: little energy at 1.1-3 kHz against 250-900 Hz (low F2, as in u, o, w);
- "a"  open vowel: little of its energy under 400 Hz (a high F1);
- "ə"  any other voiced sound (a half-open, neutral mouth).
Quiet frames (more than SILENCE_DB under the loud frames, or under FLOOR_DBFS) get no label. Runs shorter than
MIN_RUN frames are absorbed by their neighbours.
"""
from __future__ import annotations

import numpy as np
import soxr
from scipy.ndimage import median_filter

from avatarstudio.render.vocabulary import Timed

ANALYSIS_RATE = 16000
HOP_SECONDS = 0.01
WINDOW_SECONDS = 0.025
SILENCE_DB = 35.0
"""Frames this far under the loud-speech level (95th percentile of frame energy) are silence."""
FLOOR_DBFS = -60.0
"""Frames under this level are silence whatever the rest of the track does."""
MURMUR_DB = 4.0
"""A murmur is at least this far under the loud-speech level."""
HISS_SHARE = 0.5
MURMUR_SHARE = 0.93
OPEN_SHARE = 0.35
ROUNDED_DB = -16.0
"""Measured on piper, festival and espeak voices: rounded vowels sit near -17 to -24 dB, others near -8."""
MIN_RUN = 3

_LABELS = ("", "s", "m", "u", "a", "ə")


def acoustic_phonemes(samples: np.ndarray, sample_rate: int) -> list[Timed]:
    """Mouth-shape sounds ("s", "m", "u", "a", "ə") timed from the spectrum of `samples` (float mono)."""
    audio = soxr.resample(samples.astype(np.float32), sample_rate, ANALYSIS_RATE)
    spectra, freqs, power = _power_spectra(audio)
    if len(spectra) == 0:
        return []
    classes = _classify(spectra, freqs)
    classes[10 * np.log10(power + 1e-12) < FLOOR_DBFS] = 0
    classes = median_filter(classes, size=MIN_RUN, mode="nearest")
    return _runs(classes)


def _power_spectra(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each frame's power spectrum, the spectrum's frequencies, and each frame's mean-square level."""
    hop, size = round(HOP_SECONDS * ANALYSIS_RATE), round(WINDOW_SECONDS * ANALYSIS_RATE)
    count = max(0, (len(audio) - size) // hop + 1)
    if count == 0:
        return np.zeros((0, size // 2 + 1)), np.fft.rfftfreq(size, 1 / ANALYSIS_RATE), np.zeros(0)
    frames = np.lib.stride_tricks.sliding_window_view(audio, size)[::hop][:count]
    spectra = np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)) ** 2
    return spectra, np.fft.rfftfreq(size, 1 / ANALYSIS_RATE), np.square(frames).mean(axis=1)


def _classify(spectra: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Index into _LABELS for each frame."""
    total = spectra.sum(axis=1) + 1e-12
    level = 10 * np.log10(total)
    loud = np.percentile(level, 95)
    hiss = _share(spectra, freqs, 3000, ANALYSIS_RATE) / total
    low = _share(spectra, freqs, 60, 400) / total
    second = 10 * np.log10((_share(spectra, freqs, 1100, 3000) + 1e-12) / (_share(spectra, freqs, 250, 900) + 1e-12))
    return np.select(
        [level < loud - SILENCE_DB, hiss > HISS_SHARE, (low > MURMUR_SHARE) & (level < loud - MURMUR_DB),
         second < ROUNDED_DB, low < OPEN_SHARE],
        [0, 1, 2, 3, 4], default=5)


def _share(spectra: np.ndarray, freqs: np.ndarray, low_hz: float, high_hz: float) -> np.ndarray:
    """Each frame's power in [low_hz, high_hz)."""
    return spectra[:, (freqs >= low_hz) & (freqs < high_hz)].sum(axis=1)


def _runs(classes: np.ndarray) -> list[Timed]:
    edges = np.flatnonzero(np.diff(classes)) + 1
    starts = np.concatenate([[0], edges])
    ends = np.concatenate([edges, [len(classes)]])
    return [Timed(_LABELS[classes[start]], start * HOP_SECONDS, end * HOP_SECONDS)
            for start, end in zip(starts, ends) if classes[start] != 0]
