"""Lips that meet on p, b and m, from phoneme timings when the speech engine gives them (see visemes.py for
the shapes of the other sounds).

Labels may be IPA (espeak, piper) or ARPAbet (CMU): both are normalised (lower case, stress digits and length
marks removed) before lookup.
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.vocabulary import Timed

BILABIALS = {"p", "b", "m"}
ROUNDED = {"o", "u", "w", "ʊ", "ɔ", "uw", "ow", "uh", "ao", "oy", "ø", "œ", "ʏ"}
"""Sounds said with rounded lips (visemes.py gives each its shape; a test keeps the two in step)."""
CLOSED_LEVEL = 0.05   # what is left of the opening at the middle of a p/b/m
EASE_LEVEL = 0.5    # what is left of the opening in the frames either side of a p/b/m (lips approaching)


def normalise(label: str) -> str:
    """One spelling per sound: lower case, no ARPAbet stress digits, no IPA length or stress marks (piper writes
    stressed vowels as 'ˈo')."""
    return label.lower().strip().rstrip("012").replace("ː", "").replace("ˈ", "").replace("ˌ", "")


def frames_of(phoneme: Timed, fps: int, n_frames: int) -> range:
    """Frames whose centre falls inside the phoneme, or the one nearest its middle when it is shorter than a frame."""
    first = int(np.ceil(phoneme.start * fps - 0.5))
    last = int(np.ceil(phoneme.end * fps - 0.5))
    if last <= first:
        first = int((phoneme.start + phoneme.end) / 2 * fps)
        last = first + 1
    return range(max(first, 0), min(last, n_frames))


def close_on_bilabials(mouth: np.ndarray, phonemes: list[Timed], fps: int) -> np.ndarray:
    """The mouth with every p/b/m frame pressed nearly shut (lips meet on these sounds, however loud), and the
    frame either side half closed, so the lips close and part over a few frames instead of snapping."""
    factor = np.ones(len(mouth))
    for phoneme in phonemes:
        if normalise(phoneme.label) in BILABIALS:
            frames = frames_of(phoneme, fps, len(mouth))
            for edge in (frames.start - 1, frames.stop):
                if 0 <= edge < len(mouth):
                    factor[edge] = min(factor[edge], EASE_LEVEL)
            factor[frames.start:frames.stop] = CLOSED_LEVEL
    return mouth * factor
