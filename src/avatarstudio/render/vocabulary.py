"""Words shared by every render stage: timed labels, a speech track, a frame.

Stages exchange only these plain values, so each stage can be tested alone with small real inputs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Frame = np.ndarray
"""An RGBA image, uint8, shape (height, width, 4). Alpha 0 is transparent."""


@dataclass(frozen=True)
class Timed:
    """A label (word, phoneme, viseme) over [start, end) seconds of the audio."""

    label: str
    start: float
    end: float


@dataclass
class SpeechTrack:
    """Mono audio in [-1, 1] plus what is said when. Words and phonemes may be empty (uploaded audio, silence)."""

    samples: np.ndarray
    sample_rate: int
    words: list[Timed] = field(default_factory=list)
    phonemes: list[Timed] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate
