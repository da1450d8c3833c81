"""Phonemes to visemes: how open and how rounded the lips are for each sound, and the curves over a timeline.

The table covers the IPA that espeak-ng and piper emit (piper's phonemes are espeak-ng's, one code point per
label, so diphthongs and affricates arrive as their parts) and CMU ARPAbet. Labels are normalised first
(phonemes.normalise: lower case, stress digits and length marks removed). Openness is relative (1 = the widest
vowel); it shapes the loudness envelope, which keeps the timing. Unknown labels count as neutral (open 1, not
rounded), so an unlisted sound never shuts the mouth.

| viseme | sounds | open | round |
|---|---|---|---|
| closed (MBP) | p b m, ɓ | 0 | 0 |
| lip-teeth (FV) | f v, ɱ | 0.25 | 0 |
| teeth (TH) | θ ð | 0.35 | 0 |
| tongue-ridge (TDNL, S) | t d n l s z ɾ ɫ ʔ, ARPAbet dx | 0.4 | 0 |
| post-alveolar (SH, CH) | ʃ ʒ, ARPAbet sh zh ch jh | 0.4 | 0.5 |
| back (KG) | k g ɡ ŋ x ɣ ç | 0.5 | 0 |
| r | r ɹ ɻ ʁ, ARPAbet r | 0.4 | 0.4 |
| w | w ʍ | 0.2 | 0.9 |
| y | j | 0.35 | 0 |
| h | h ɦ | 0.6 | 0 |
| spread vowels | i ɪ e ɛ ᵻ ɨ, ARPAbet iy ih ey eh | 0.55 | 0 |
| mid vowels | ə ɐ ʌ ɜ ɚ ɝ ɘ, ARPAbet ah er | 0.7 | 0 |
| open vowels | a ɑ æ ɒ, ARPAbet aa ae ay aw | 1.0 | 0 |
| rounded vowels | o ɔ, ARPAbet ao ow oy | 0.75 | 0.8 |
| close rounded | u ʊ y ʏ ø œ ɵ, ARPAbet uw uh | 0.45 | 1.0 |
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from avatarstudio.render.motion.phonemes import frames_of, normalise
from avatarstudio.render.vocabulary import Timed

COARTICULATION_S = 0.035   # sigma of the Gaussian that blends neighbouring visemes (both directions: no lag)


@dataclass(frozen=True)
class Viseme:
    open: float
    round: float


def _table() -> dict[str, Viseme]:
    groups = (
        (Viseme(0.0, 0.0), "p b m ɓ"),
        (Viseme(0.25, 0.0), "f v ɱ"),
        (Viseme(0.35, 0.0), "θ ð th dh"),
        (Viseme(0.4, 0.0), "t d n l s z ɾ ɫ ʔ dx"),
        (Viseme(0.4, 0.5), "ʃ ʒ sh zh ch jh"),
        (Viseme(0.5, 0.0), "k g ɡ ŋ x ɣ ç ng"),
        (Viseme(0.4, 0.4), "r ɹ ɻ ʁ"),
        (Viseme(0.2, 0.9), "w ʍ"),
        (Viseme(0.35, 0.0), "j"),
        (Viseme(0.6, 0.0), "h ɦ hh"),
        (Viseme(0.55, 0.0), "i ɪ e ɛ ᵻ ɨ iy ih ey eh"),
        (Viseme(0.7, 0.0), "ə ɐ ʌ ɜ ɚ ɝ ɘ ah er"),
        (Viseme(1.0, 0.0), "a ɑ æ ɒ aa ae ay aw"),
        (Viseme(0.75, 0.8), "o ɔ ao ow oy"),
        (Viseme(0.45, 1.0), "u ʊ y ʏ ø œ ɵ uw uh"),
    )
    return {label: viseme for viseme, labels in groups for label in labels.split()}


VISEMES = _table()
NEUTRAL = Viseme(1.0, 0.0)


def viseme_of(label: str) -> Viseme:
    """The viseme of one phoneme label (IPA or ARPAbet); `NEUTRAL` when unknown."""
    return VISEMES.get(normalise(label), NEUTRAL)


def _smooth(values: np.ndarray, fps: int) -> np.ndarray:
    sigma = COARTICULATION_S * fps
    radius = max(1, int(np.ceil(3 * sigma)))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(values, radius, mode="edge")
    return np.convolve(padded, kernel, mode="valid")


def viseme_curves(phonemes: list[Timed], fps: int, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """(openness, roundness) per frame, blended across neighbouring phonemes. Frames without a phoneme are
    neutral (openness 1, roundness 0): the loudness envelope alone decides there."""
    openness = np.ones(n_frames)
    roundness = np.zeros(n_frames)
    for phoneme in phonemes:
        viseme = viseme_of(phoneme.label)
        frames = frames_of(phoneme, fps, n_frames)
        openness[frames.start:frames.stop] = viseme.open
        roundness[frames.start:frames.stop] = viseme.round
    if n_frames == 0:
        return openness, roundness
    return _smooth(openness, fps), _smooth(roundness, fps)
