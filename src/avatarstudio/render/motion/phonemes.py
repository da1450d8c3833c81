"""Sharpening the loudness-driven mouth with phoneme timings, when the speech engine gives them.

Labels may be IPA (espeak, piper) or ARPAbet (CMU): both are normalised (lower case, stress digits and length
marks removed) before lookup.
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.vocabulary import Timed

BILABIALS = {"p", "b", "m"}
ROUNDED = {"o", "u", "w", "ʊ", "ɔ", "ɒ", "uw", "ow", "uh", "ao", "oy", "ø", "œ", "ʏ"}
CLOSED_LEVEL = 0.05   # what is left of the opening at the middle of a p/b/m
ROUND_LEVEL = 0.8


def normalise(label: str) -> str:
    return label.lower().strip().rstrip("012").replace("ː", "")


def _frames_of(phoneme: Timed, fps: int, n_frames: int) -> range:
    """Frames whose centre falls inside the phoneme, or the one nearest its middle when it is shorter than a frame."""
    first = int(np.ceil(phoneme.start * fps - 0.5))
    last = int(np.ceil(phoneme.end * fps - 0.5))
    if last <= first:
        first = int((phoneme.start + phoneme.end) / 2 * fps)
        last = first + 1
    return range(max(first, 0), min(last, n_frames))


def close_on_bilabials(mouth: np.ndarray, phonemes: list[Timed], fps: int) -> np.ndarray:
    """The mouth with every p/b/m frame pressed nearly shut (lips meet on these sounds, however loud)."""
    out = mouth.copy()
    for phoneme in phonemes:
        if normalise(phoneme.label) in BILABIALS:
            frames = _frames_of(phoneme, fps, len(out))
            out[frames.start:frames.stop] *= CLOSED_LEVEL
    return out


def roundness(phonemes: list[Timed], fps: int, n_frames: int) -> np.ndarray:
    """mouth_round per frame: `ROUND_LEVEL` on rounded vowels and w, else 0."""
    out = np.zeros(n_frames)
    for phoneme in phonemes:
        if normalise(phoneme.label) in ROUNDED:
            frames = _frames_of(phoneme, fps, n_frames)
            out[frames.start:frames.stop] = ROUND_LEVEL
    return out
